package org.meshsec.lab.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** udp-sweep against udp-echo (and against broken echoes) over loopback, in this JVM. */
class UdpToolsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest
  @CsvSource({"127.0.0.1, 1, 1600", "127.0.0.1, 65500, 65507", "::1, 1, 300", "::1, 65520, 65527"})
  void sweepAgainstEchoPasses(String host, int from, int to) throws Exception {
    Captured echoOut = new Captured();
    Captured echoErr = new Captured();
    int n = to - from + 1;
    CompletableFuture<Integer> echo =
        CompletableFuture.supplyAsync(
            () ->
                UdpEcho.run(
                    echoOut.stream,
                    echoErr.stream,
                    "0",
                    "--bind",
                    host,
                    "--count",
                    Integer.toString(n),
                    "--timeout",
                    "10000"));
    String port = echoOut.await("listening on .*:(\\d+)", WAIT).group(1);
    Captured out = new Captured();
    Captured err = new Captured();
    int rc =
        UdpSweep.run(
            out.stream, err.stream, host, port, Integer.toString(from), Integer.toString(to));
    assertEquals(0, rc, out.text() + err.text());
    assertTrue(out.text().startsWith(n + " sizes ok (" + from + ".." + to + ")"), out.text());
    // Every size was echoed exactly once, unless a retry happened (then more).
    assertEquals(0, echo.get(20, TimeUnit.SECONDS), echoErr.text());
    assertTrue(echoOut.text().contains("echoed " + n + " datagrams"), echoOut.text());
  }

  @Test
  void patternNamesItsSize() {
    assertArrayEquals(new byte[0], UdpSweep.pattern(0));
    assertArrayEquals(new byte[] {0, 0}, UdpSweep.pattern(2));
    assertArrayEquals(new byte[] {0, 0, 0, 6, 4, 5}, UdpSweep.pattern(6));
    byte[] big = UdpSweep.pattern(300);
    assertArrayEquals(new byte[] {0, 0, 1, 44}, java.util.Arrays.copyOf(big, 4));
    assertEquals((byte) 299, big[299]);
  }

  /** An echo that flips one byte of the 100-byte datagram: the sweep must name that size. */
  @Test
  void corruptedEchoFailsAtThatSize() throws Exception {
    try (DatagramSocket bad = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      CompletableFuture<Void> server =
          CompletableFuture.runAsync(
              () -> {
                DatagramPacket p = new DatagramPacket(new byte[70000], 70000);
                try {
                  bad.setSoTimeout(10000);
                  while (true) {
                    p.setLength(70000);
                    bad.receive(p);
                    if (p.getLength() == 100) {
                      p.getData()[57] ^= 1;
                    }
                    bad.send(p);
                  }
                } catch (java.io.IOException e) {
                  // socket closed at the end of the test
                }
              });
      Captured out = new Captured();
      int rc =
          UdpSweep.run(
              out.stream,
              new Captured().stream,
              "127.0.0.1",
              Integer.toString(bad.getLocalPort()),
              "90",
              "120");
      assertEquals(1, rc);
      assertTrue(
          out.text().contains("size 100 failed: echo differs at byte 57 (sent 0x39, got 0x38)"),
          out.text());
      bad.close();
      server.get(10, TimeUnit.SECONDS);
    }
  }

  /** An echo that drops one size entirely: retried, then reported. */
  @Test
  void missingEchoIsRetriedThenReported() throws Exception {
    try (DatagramSocket lossy = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      int[] seen100 = {0};
      CompletableFuture<Void> server =
          CompletableFuture.runAsync(
              () -> {
                DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
                try {
                  lossy.setSoTimeout(10000);
                  while (true) {
                    p.setLength(2000);
                    lossy.receive(p);
                    if (p.getLength() == 12) {
                      synchronized (seen100) {
                        seen100[0]++;
                      }
                      continue;
                    }
                    lossy.send(p);
                  }
                } catch (java.io.IOException e) {
                  // closed
                }
              });
      Captured out = new Captured();
      int rc =
          UdpSweep.run(
              out.stream,
              new Captured().stream,
              "127.0.0.1",
              Integer.toString(lossy.getLocalPort()),
              "10",
              "20",
              "--timeout",
              "100",
              "--tries",
              "4");
      assertEquals(1, rc);
      assertTrue(out.text().contains("size 12 failed: no echo after 4 tries"), out.text());
      synchronized (seen100) {
        assertEquals(4, seen100[0]);
      }
      lossy.close();
      server.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void noEchoServerFails() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Captured out = new Captured();
    int rc =
        UdpSweep.run(
            out.stream,
            new Captured().stream,
            "127.0.0.1",
            Integer.toString(port),
            "1",
            "1",
            "--timeout",
            "100");
    assertEquals(1, rc);
    assertTrue(out.text().startsWith("size 1 failed: "), out.text());
  }

  @Test
  void sizesBeyondTheProtocolLimitAreBadUsage() {
    Captured err = new Captured();
    assertEquals(
        2, UdpSweep.run(new Captured().stream, err.stream, "127.0.0.1", "9", "1", "65508"));
    assertEquals(2, UdpSweep.run(new Captured().stream, err.stream, "::1", "9", "1", "65528"));
    assertEquals(2, UdpSweep.run(new Captured().stream, err.stream, "::1", "9", "10", "5"));
    assertEquals(2, UdpSweep.run(new Captured().stream, err.stream, "::1", "9", "0", "5"));
  }
}
