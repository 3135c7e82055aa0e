package org.meshsec.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.cli.Main;

/**
 * Interim progress lines of the control protocol: streamed as the command reports them, only to a
 * request that asks, printed by the CLI, and never holding the daemon for a client that does not
 * read.
 */
@Timeout(30)
class ControlProgressTest {

  /** An initiate that reports two steps, the second only once {@code go} is released. */
  static CommandRegistry stepping(CountDownLatch go) {
    return new CommandRegistry()
        .register(
            ControlRequest.Initiate.class,
            new Command<ControlRequest.Initiate>() {
              @Override
              public ControlResponse run(ControlRequest.Initiate r) throws InterruptedException {
                return run(r, Progress.NONE);
              }

              @Override
              public ControlResponse run(ControlRequest.Initiate r, Progress progress)
                  throws InterruptedException {
                progress.report("IKE_SA_INIT done");
                go.await(10, TimeUnit.SECONDS);
                progress.report("IKE_AUTH done");
                return ControlResponse.ok("IKE SA #1 with " + r.peer() + " established\n");
              }
            });
  }

  @Test
  void progressLinesArriveAsTheCommandReportsThemAndOnlyWhenAsked(@TempDir Path dir)
      throws Exception {
    Path sock = dir.resolve("ctl.sock");
    CountDownLatch go = new CountDownLatch(1);
    try (ControlServer server = new ControlServer(sock, stepping(go))) {
      server.start();
      List<String> seen = new CopyOnWriteArrayList<>();
      // the first step reaches us while the command still waits: streamed, not buffered
      ControlResponse r =
          ControlClient.call(
              sock,
              new ControlRequest.Initiate("b", null, false, true),
              line -> {
                seen.add(line);
                go.countDown();
              });
      assertTrue(r.ok(), r.body());
      assertEquals("IKE SA #1 with b established\n", r.body());
      assertEquals(List.of("IKE_SA_INIT done", "IKE_AUTH done"), seen);

      // without "progress" the answer is one line, as before
      String raw = rawExchange(sock, "{\"command\":\"initiate\",\"peer\":\"b\",\"json\":false}");
      assertEquals("{\"ok\":true,\"text\":\"IKE SA #1 with b established\\n\"}\n", raw);
      String streamed =
          rawExchange(
              sock, "{\"command\":\"initiate\",\"peer\":\"b\",\"json\":false,\"progress\":true}");
      assertEquals(
          "{\"progress\":\"IKE_SA_INIT done\"}\n{\"progress\":\"IKE_AUTH done\"}\n"
              + "{\"ok\":true,\"text\":\"IKE SA #1 with b established\\n\"}\n",
          streamed);
    }
  }

  @Test
  void theCliPrintsStepsToStdoutOrToStderrWithJson(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("ctl.sock");
    CountDownLatch go = new CountDownLatch(0);
    try (ControlServer server = new ControlServer(sock, stepping(go))) {
      server.start();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int rc =
          Main.execute(
              new PrintWriter(out),
              new PrintWriter(err),
              "initiate",
              "b",
              "--socket",
              sock.toString());
      assertEquals(0, rc, err.toString());
      assertEquals(
          "IKE_SA_INIT done\nIKE_AUTH done\nIKE SA #1 with b established\n",
          out.toString().replace(System.lineSeparator(), "\n"));
      assertEquals("", err.toString());

      StringWriter jout = new StringWriter();
      StringWriter jerr = new StringWriter();
      rc =
          Main.execute(
              new PrintWriter(jout),
              new PrintWriter(jerr),
              "initiate",
              "b",
              "--json",
              "--socket",
              sock.toString());
      assertEquals(0, rc, jerr.toString());
      assertEquals(
          "IKE_SA_INIT done\nIKE_AUTH done\n",
          jerr.toString().replace(System.lineSeparator(), "\n"));
      assertEquals(
          "IKE SA #1 with b established\n",
          jout.toString().replace(System.lineSeparator(), "\n"),
          "stdout holds the answer alone");
    }
  }

  @Test
  void aClientThatDoesNotReadItsProgressHoldsTheCommandNoLongerThanTheWriteTimeout(
      @TempDir Path dir) throws Exception {
    Path sock = dir.resolve("ctl.sock");
    String big = "x".repeat(4096);
    CountDownLatch done = new CountDownLatch(1);
    CommandRegistry chatty =
        new CommandRegistry()
            .register(ControlRequest.Status.class, r -> ControlResponse.ok("pong"))
            .register(
                ControlRequest.Rekey.class,
                new Command<ControlRequest.Rekey>() {
                  @Override
                  public ControlResponse run(ControlRequest.Rekey r) throws InterruptedException {
                    return run(r, Progress.NONE);
                  }

                  @Override
                  public ControlResponse run(ControlRequest.Rekey r, Progress progress) {
                    for (int i = 0; i < 10_000; i++) { // 40 MB: far more than a socket buffers
                      progress.report(big);
                    }
                    done.countDown();
                    return ControlResponse.ok("done");
                  }
                });
    ControlServer.Options opts =
        new ControlServer.Options(4, Duration.ofSeconds(3), Duration.ofMillis(500));
    try (ControlServer server = new ControlServer(sock, chatty, opts);
        SocketChannel deaf = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.start();
      deaf.connect(UnixDomainSocketAddress.of(sock));
      deaf.write(
          ByteBuffer.wrap(
              "{\"command\":\"rekey\",\"peer\":\"b\",\"json\":false,\"progress\":true}\n"
                  .getBytes(StandardCharsets.UTF_8)));
      long t0 = System.nanoTime();
      assertTrue(done.await(10, TimeUnit.SECONDS), "the command is stuck on a deaf client");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 5000, "the command took " + ms + " ms");
      assertEquals("pong\n", ControlClient.call(sock, new ControlRequest.Status(false)).body());
    }
  }

  /** Sends {@code line} and returns every byte of the answer as text. */
  private static String rawExchange(Path sock, String line) throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(sock));
      ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      ch.shutdownOutput();
      StringBuilder sb = new StringBuilder();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        sb.append(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        buf.clear();
      }
      return sb.toString();
    }
  }
}
