package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.cli.Main;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.control.CommandRegistry;
import org.meshsec.core.control.ControlClient;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.ControlServer;
import org.meshsec.core.control.command.DaemonControl;
import org.meshsec.core.control.command.StopCommand;
import org.meshsec.tun.tuntest.TunFake;

/**
 * {@code meshsec stop} and {@code meshsec stop --for-restart} against a daemon on a fake TUN device
 * (two manual SAs) behind a real control socket, its stop wired as {@code meshsec run} wires it:
 * the client gets its answer although the stop closes the control server, a stop for restart writes
 * the state file and a plain stop does not, and a daemon without a state file refuses a stop for
 * restart and keeps running.
 */
class StopCommandTest {
  @TempDir Path dir;
  Daemon a;
  Path cfg;

  @BeforeEach
  void writeConfig() throws IOException {
    Path secrets = dir.resolve("a-secrets.toml");
    Files.writeString(
        secrets,
        "[keys]\nab = \"%s\"\nba = \"%s\"\n"
            .formatted(TwoDaemonsTest.KEY_AB, TwoDaemonsTest.KEY_BA));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    cfg = dir.resolve("a.toml");
    Files.writeString(
        cfg,
        TwoDaemonsTest.config(
            "a",
            "127.0.8.1",
            "127.0.8.2",
            "10.9.0.0/24",
            "10.9.1.0/24",
            "0x1001",
            "0x1002",
            "ab",
            "ba",
            false));
  }

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
    }
  }

  private Daemon start(Path state) throws IOException {
    ConfigResult r = ConfigLoader.load(cfg);
    assertTrue(r.isOk(), () -> r.errors().toString());
    TunFake tun = new TunFake("fake-a", 1400);
    return Daemon.start(
        r.config(),
        new Daemon.Options(
            (c, g) -> new Daemon.TunFactory.Opened(tun, null), Duration.ofMillis(200), state));
  }

  /** A control server for {@link #a} whose stop closes it and then the daemon, on a new thread. */
  private ControlServer serve(Path sock, CountDownLatch stopped) throws IOException {
    ControlServer server = new ControlServer(sock, DaemonControl.commands(a));
    Runnable shutdown =
        () -> {
          server.close();
          a.close();
          stopped.countDown();
        };
    server
        .commands()
        .register(
            ControlRequest.Stop.class,
            new StopCommand(a, () -> new Thread(shutdown, "test-stop").start()));
    server.start();
    return server;
  }

  @Test
  void stopForRestartAnswersThenWritesTheStateFile() throws Exception {
    Path state = dir.resolve("run/meshsec.state");
    a = start(state);
    Path sock = dir.resolve("run/ctl.sock");
    CountDownLatch stopped = new CountDownLatch(1);
    try (ControlServer server = serve(sock, stopped)) {
      ControlResponse r = ControlClient.call(sock, new ControlRequest.Stop(true, false));
      assertTrue(r.ok(), r.body());
      assertEquals(
          "stopping node a for restart: 2 ESP SAs and 0 IKE SAs will be written to " + state + "\n",
          r.text());
      assertTrue(stopped.await(10, TimeUnit.SECONDS), "the daemon stopped after answering");
      assertTrue(Files.exists(state), "the SAs were written for the next process");
      assertFalse(Files.exists(sock), "the control server is closed");
    }
  }

  @Test
  void stopForRestartAsJson() throws Exception {
    Path state = dir.resolve("run/meshsec.state");
    a = start(state);
    Path sock = dir.resolve("run/ctl.sock");
    CountDownLatch stopped = new CountDownLatch(1);
    try (ControlServer server = serve(sock, stopped)) {
      ControlResponse r = ControlClient.call(sock, new ControlRequest.Stop(true, true));
      assertTrue(r.ok(), r.body());
      assertEquals(
          new StopCommand.View(true, 2, 0, state.toString()), r.bodyAs(StopCommand.View.class));
      assertTrue(stopped.await(10, TimeUnit.SECONDS));
      assertTrue(Files.exists(state));
    }
  }

  @Test
  void plainStopThroughTheCliAnswersAndStopsWithoutAStateFile() throws Exception {
    Path state = dir.resolve("run/meshsec.state");
    a = start(state);
    Path sock = dir.resolve("run/ctl.sock");
    CountDownLatch stopped = new CountDownLatch(1);
    try (ControlServer server = serve(sock, stopped)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Main.execute(
              new PrintWriter(out), new PrintWriter(err), "stop", "--socket", sock.toString());
      assertEquals(0, code, err.toString());
      assertEquals("stopping node a\n", out.toString());
      assertTrue(stopped.await(10, TimeUnit.SECONDS), "the daemon stopped after answering");
      assertFalse(Files.exists(state), "a plain stop writes no state file");
      assertFalse(Files.exists(sock), "the control server is closed");
    }
  }

  @Test
  void withoutAStateFileAStopForRestartIsRefusedAndTheDaemonRunsOn() throws Exception {
    a = start(null);
    AtomicInteger stops = new AtomicInteger();
    CommandRegistry commands =
        DaemonControl.commands(a)
            .register(ControlRequest.Stop.class, new StopCommand(a, stops::incrementAndGet));
    ControlResponse r = commands.call(new ControlRequest.Stop(true, false));
    assertFalse(r.ok(), r.body());
    assertTrue(r.text().contains("no hot-restart state file"), r.text());
    assertEquals(0, stops.get(), "no stop was started");
    assertEquals(1, a.dataPath().sad().outboundCount(), "the daemon still holds its SAs");

    ControlResponse plain = commands.call(new ControlRequest.Stop(false, false));
    assertTrue(plain.ok(), plain.body());
    assertEquals(1, stops.get(), "a plain stop is started once its answer is out");
  }
}
