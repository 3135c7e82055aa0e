package org.meshsec.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.cli.ExitCode;
import org.meshsec.core.cli.Main;

/** The control socket: protocol, validation, concurrency and timeouts, with stub commands. */
@Timeout(30)
class ControlServerTest {

  static final ControlRequest STATUS = new ControlRequest.Status(false);

  /** Stub commands: status answers "pong", stats a JSON map, reload fails, policy-list throws. */
  static CommandRegistry stubs() {
    return new CommandRegistry()
        .register(ControlRequest.Status.class, r -> ControlResponse.ok("pong"))
        .register(
            ControlRequest.Stats.class,
            r -> ControlResponse.json(true, Map.of("XfrmInNoStates", 0)))
        .register(ControlRequest.Reload.class, r -> ControlResponse.error("nope"))
        .register(
            ControlRequest.PolicyList.class,
            r -> {
              throw new IllegalStateException("secret detail");
            });
  }

  @Test
  void aSecondServerOnALiveSocketIsRefusedAndTheFirstKeepsServing(@TempDir Path dir)
      throws Exception {
    Path sock = dir.resolve("ctl.sock");
    try (ControlServer first = new ControlServer(sock, stubs())) {
      first.start();
      ControlServer second = new ControlServer(sock, stubs());
      IOException e = assertThrows(IOException.class, second::start);
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      second.close();
      assertTrue(Files.exists(sock), "the refused server removed the live socket");
      assertTrue(ControlClient.call(sock, STATUS).ok());
    }
  }

  @Test
  void aStaleSocketFileIsReplaced(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("ctl.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(sock)); // closing leaves the file, as kill -9 does
    }
    assertTrue(Files.exists(sock));
    try (ControlServer server = new ControlServer(sock, stubs())) {
      server.start();
      assertTrue(ControlClient.call(sock, STATUS).ok());
    }
    assertFalse(Files.exists(sock));
  }

  @Test
  void theSocketDirectoryItCreatesIsPrivate(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("run").resolve("meshsec").resolve("ctl.sock");
    try (ControlServer server = new ControlServer(sock, stubs())) {
      server.start();
      assertEquals(
          PosixFilePermissions.fromString("rwx------"),
          Files.getPosixFilePermissions(sock.getParent()));
      assertEquals(
          PosixFilePermissions.fromString("rwx------"),
          Files.getPosixFilePermissions(sock.getParent().getParent()));
    }
  }

  @Test
  void typedRequestsAndResponsesCrossTheSocket(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("ctl.sock");
    try (ControlServer server = new ControlServer(sock, stubs())) {
      server.start();

      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sock);
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), perms);

      ControlResponse r = ControlClient.call(sock, STATUS);
      assertTrue(r.ok());
      assertEquals("pong\n", r.body());

      ControlResponse j = ControlClient.call(sock, new ControlRequest.Stats(true));
      assertTrue(j.ok());
      assertEquals(0, j.json().get("XfrmInNoStates").asInt());
      assertEquals("{\"XfrmInNoStates\":0}\n", j.body());

      ControlResponse f = ControlClient.call(sock, new ControlRequest.Reload(false));
      assertFalse(f.ok());
      assertEquals("nope\n", f.body());

      ControlResponse b = ControlClient.call(sock, new ControlRequest.PolicyList(false));
      assertFalse(b.ok());
      assertFalse(b.body().contains("secret detail"), b.body());
      assertTrue(b.body().contains("policy-list failed"), b.body());

      ControlResponse n = ControlClient.call(sock, new ControlRequest.Rekey("b", null, false));
      assertFalse(n.ok());
      assertTrue(n.body().contains("'rekey' is not served here"), n.body());
    }
    assertFalse(Files.exists(sock), "socket file removed on close");
  }

  @Test
  void requestsHaveOneJsonFormOnTheWire() throws Exception {
    String wire =
        ControlJson.mapper()
            .writerFor(ControlRequest.class)
            .writeValueAsString(new ControlRequest.Initiate("b", 15000L, false));
    assertEquals(
        "{\"command\":\"initiate\",\"peer\":\"b\",\"timeoutMillis\":15000,\"json\":false}", wire);
    assertEquals(
        new ControlRequest.Initiate("b", 15000L, false),
        ControlJson.mapper().readValue(wire, ControlRequest.class));
    // rekey names a Child SA only when asked to: an older daemon still reads an IKE SA rekey
    assertEquals(
        "{\"command\":\"rekey\",\"peer\":\"b\",\"timeoutMillis\":null,\"json\":false}",
        ControlJson.mapper()
            .writerFor(ControlRequest.class)
            .writeValueAsString(new ControlRequest.Rekey("b", null, false)));
    String child =
        ControlJson.mapper()
            .writerFor(ControlRequest.class)
            .writeValueAsString(new ControlRequest.Rekey("b", 5000L, false, true, "lan"));
    assertEquals(
        "{\"command\":\"rekey\",\"peer\":\"b\",\"timeoutMillis\":5000,\"json\":false,"
            + "\"progress\":true,\"child\":\"lan\"}",
        child);
    assertEquals(
        new ControlRequest.Rekey("b", 5000L, false, true, "lan"),
        ControlJson.mapper().readValue(child, ControlRequest.class));
    assertThrows(
        BadRequestException.class, () -> new ControlRequest.Rekey("b", null, false, false, " "));
    assertEquals(
        new ControlRequest.SaList(true),
        ControlJson.mapper()
            .readValue("{\"command\":\"sa-list\",\"json\":true}", ControlRequest.class));
    assertEquals(
        List.of(
            "status",
            "sa-list",
            "policy-list",
            "stats",
            "reload",
            "ike-list",
            "initiate",
            "terminate",
            "rekey",
            "sa-export-keys",
            "diagnose",
            "show",
            "stop"),
        ControlRequest.names());
    assertEquals(
        "{\"command\":\"stop\",\"forRestart\":true,\"json\":false}",
        ControlJson.mapper()
            .writerFor(ControlRequest.class)
            .writeValueAsString(new ControlRequest.Stop(true, false)));
    assertEquals(
        "{\"ok\":false,\"text\":\"nope\"}", ControlJson.write(ControlResponse.error("nope")));
  }

  @Test
  void unknownCommandsAndBadArgumentsAreRefusedWithoutRunningAnything(@TempDir Path dir)
      throws Exception {
    AtomicInteger initiations = new AtomicInteger();
    CommandRegistry commands =
        stubs()
            .register(
                ControlRequest.Initiate.class,
                r -> {
                  initiations.incrementAndGet();
                  return ControlResponse.ok("initiating " + r.peer());
                });
    Path sock = dir.resolve("ctl.sock");
    try (ControlServer server = new ControlServer(sock, commands)) {
      server.start();
      ControlResponse u = ControlClient.exchange(sock, "{\"command\":\"nosuch\"}");
      assertFalse(u.ok());
      assertTrue(u.body().startsWith("unknown command 'nosuch'; commands: [status, "), u.body());
      assertTrue(u.body().contains("initiate"), u.body());

      Map<String, String> bad =
          Map.of(
              "{\"command\":\"initiate\",\"peer\":\"b\",\"timeoutMillis\":99999999999}",
              "bad request: timeoutMillis: 99999999999 is outside [0, 600000]",
              "{\"command\":\"initiate\",\"peer\":\"b\",\"timeoutMillis\":-1}",
              "bad request: timeoutMillis: -1 is outside [0, 600000]",
              "{\"command\":\"initiate\",\"peer\":\"b\",\"timeoutMillis\":1e300}",
              "bad request: timeoutMillis: not a valid Long",
              "{\"command\":\"initiate\",\"peer\":\"b\",\"timeoutMillis\":\"soon\"}",
              "bad request: timeoutMillis: not a valid Long",
              "{\"command\":\"initiate\",\"timeoutMillis\":1000}",
              "bad request: peer: a [[peer]] name is required",
              "{\"command\":\"initiate\",\"peer\":\"b\",\"force\":true}",
              "bad request: unknown field 'force'; fields: [json, peer, progress, timeoutMillis]",
              "{\"peer\":\"b\"}",
              "the request names no \"command\"",
              "initiate b --timeout 1e300",
              "bad request: not a JSON control request",
              "",
              "bad request: not a JSON control request");
      for (Map.Entry<String, String> e : bad.entrySet()) {
        ControlResponse r = ControlClient.exchange(sock, e.getKey());
        assertFalse(r.ok(), e.getKey());
        assertTrue(r.body().startsWith(e.getValue()), e.getKey() + " -> " + r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
      }
      assertEquals(0, initiations.get(), "no initiation started by a refused request");

      ControlResponse ok =
          ControlClient.exchange(
              sock, "{\"command\":\"initiate\",\"peer\":\"b\",\"timeoutMillis\":600000}");
      assertTrue(ok.ok(), ok.body());
      assertEquals(1, initiations.get());
    }
  }

  @Test
  void anOversizeRequestIsRefused(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("ctl.sock");
    try (ControlServer server = new ControlServer(sock, stubs())) {
      server.start();
      String huge = "{\"command\":\"status\",\"json\":false" + " ".repeat(10_000) + "}";
      ControlResponse r = ControlClient.exchange(sock, huge);
      assertFalse(r.ok());
      assertTrue(r.body().startsWith("request over 4096 bytes"), r.body());
      assertTrue(ControlClient.call(sock, STATUS).ok(), "the server goes on");
    }
  }

  @Test
  void aSilentClientDelaysNobodyAndIsDisconnected(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("ctl.sock");
    ControlServer.Options opts =
        new ControlServer.Options(4, Duration.ofSeconds(3), Duration.ofSeconds(5));
    try (ControlServer server = new ControlServer(sock, stubs(), opts);
        SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.start();
      ControlClient.call(sock, STATUS); // warm up (class loading)
      silent.connect(UnixDomainSocketAddress.of(sock));
      long t0 = System.nanoTime();
      assertEquals("pong\n", ControlClient.call(sock, STATUS).body());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 1500, "status answered after " + ms + " ms while a client was silent");
      // the request timeout closes the silent connection: its read ends
      ByteBuffer buf = ByteBuffer.allocate(64);
      assertEquals(-1, silent.read(buf), "silent client disconnected");
    }
  }

  @Test
  void waitingCommandsRunInParallelAndTheBusyAreToldSo(@TempDir Path dir) throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    CommandRegistry commands =
        stubs()
            .register(
                ControlRequest.Initiate.class,
                r -> {
                  started.countDown();
                  release.await();
                  return ControlResponse.ok("IKE SA with " + r.peer() + " established");
                });
    Path sock = dir.resolve("ctl.sock");
    ControlServer.Options opts =
        new ControlServer.Options(3, Duration.ofSeconds(5), Duration.ofSeconds(5));
    ExecutorService clients = Executors.newFixedThreadPool(2);
    try (ControlServer server = new ControlServer(sock, commands, opts)) {
      server.start();
      Future<ControlResponse> b =
          clients.submit(
              () -> ControlClient.call(sock, new ControlRequest.Initiate("b", null, false)));
      Future<ControlResponse> c =
          clients.submit(
              () -> ControlClient.call(sock, new ControlRequest.Initiate("c", null, false)));
      assertTrue(started.await(5, TimeUnit.SECONDS), "both initiate commands wait at once");
      assertEquals("pong\n", ControlClient.call(sock, STATUS).body(), "others still served");

      // with 3 clients admitted, 2 waiting and 1 silent, the next client is refused
      awaitActive(server, 2); // the status client's permit is back
      try (SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        silent.connect(UnixDomainSocketAddress.of(sock));
        awaitActive(server, 3);
        assertEquals(3, server.activeClients(), "two waiting commands and the silent client");
        ControlResponse busy = ControlClient.call(sock, STATUS);
        assertFalse(busy.ok());
        assertTrue(busy.body().contains("busy"), busy.body());
      }

      release.countDown();
      assertEquals("IKE SA with b established\n", b.get(5, TimeUnit.SECONDS).body());
      assertEquals("IKE SA with c established\n", c.get(5, TimeUnit.SECONDS).body());
    } finally {
      release.countDown();
      clients.shutdownNow();
    }
  }

  @Test
  void closingTheServerEndsAWaitWithAnError(@TempDir Path dir) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CommandRegistry commands =
        stubs()
            .register(
                ControlRequest.Initiate.class,
                r -> {
                  started.countDown();
                  new CountDownLatch(1).await(); // until interrupted
                  return ControlResponse.ok("never");
                });
    Path sock = dir.resolve("ctl.sock");
    ExecutorService clients = Executors.newSingleThreadExecutor();
    try {
      ControlServer server = new ControlServer(sock, commands);
      server.start();
      Future<ControlResponse> w =
          clients.submit(
              () -> ControlClient.call(sock, new ControlRequest.Initiate("b", null, false)));
      assertTrue(started.await(5, TimeUnit.SECONDS));
      server.close();
      ControlResponse r = w.get(5, TimeUnit.SECONDS);
      assertFalse(r.ok());
      assertTrue(r.body().contains("shutting down"), r.body());
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void staleSocketFileIsReplacedAndMissingDaemonIsNamed(@TempDir Path dir) throws IOException {
    Path sock = dir.resolve("ctl.sock");
    Files.writeString(sock, "stale");
    try (ControlServer server = new ControlServer(sock, stubs())) {
      server.start();
      assertEquals("pong\n", ControlClient.call(sock, STATUS).body());
    }
    IOException e = assertThrows(IOException.class, () -> ControlClient.call(sock, STATUS));
    assertTrue(e.getMessage().contains(sock.toString()), e.getMessage());
  }

  @Test
  void theCliRefusesAnOutOfRangeTimeoutBeforeSendingAnything(@TempDir Path dir) {
    for (String t : new String[] {"1e300", "-1", "601", "NaN"}) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int rc =
          Main.execute(
              new PrintWriter(out),
              new PrintWriter(err),
              "initiate",
              "b",
              "--timeout",
              t,
              "--socket",
              dir.resolve("none.sock").toString());
      assertEquals(ExitCode.USAGE.code(), rc, t + ": " + err);
      assertTrue(
          err.toString().contains("--timeout must be within [0, 600] seconds"), err.toString());
      assertFalse(err.toString().contains("Exception"), err.toString());
    }
  }

  private static void awaitActive(ControlServer server, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.activeClients() != n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
