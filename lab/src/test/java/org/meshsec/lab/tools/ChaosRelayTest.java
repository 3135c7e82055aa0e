package org.meshsec.lab.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link ChaosRelay} on loopback addresses (no root, no namespaces): the chaos specification, the
 * IKE/ESP classification of port 4500 (RFC 3948 section 2.2), and relaying with total loss, with
 * duplication, and without chaos, in both directions.
 */
class ChaosRelayTest {

  @Test
  void parsesChaosSpecifications() {
    ChaosRelay.Chaos c =
        ChaosRelay.Chaos.parse(
            "loss=10%,dup=0.05,reorder=5%,delay=3,hold=40ms", ChaosRelay.Chaos.NONE);
    assertEquals(0.10, c.loss(), 1e-9);
    assertEquals(0.05, c.dup(), 1e-9);
    assertEquals(0.05, c.reorder(), 1e-9);
    assertEquals(3, c.delayMs());
    assertEquals(40, c.holdMs());
    assertEquals(c, ChaosRelay.Chaos.parse(null, c), "no spec keeps the base");
    for (String bad : new String[] {"loss=2", "loss=-1%", "drop=1", "loss", "delay=-1"}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> ChaosRelay.Chaos.parse(bad, ChaosRelay.Chaos.NONE),
          bad);
    }
  }

  @Test
  void classifiesPort4500LikeRfc3948() {
    assertFalse(ChaosRelay.isEsp(500, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 8), "port 500 is IKE");
    assertFalse(ChaosRelay.isEsp(4500, new byte[] {0, 0, 0, 0, 1}, 5), "non-ESP marker");
    assertFalse(ChaosRelay.isEsp(4500, new byte[] {(byte) 0xFF}, 1), "keepalive");
    assertTrue(ChaosRelay.isEsp(4500, new byte[] {0, 0, 1, 0, 0, 0, 0, 1}, 8), "SPI 256");
  }

  @Test
  void usageErrorForABadSpec() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ChaosRelay.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "--a-side",
            "127.0.0.2",
            "--b-side",
            "127.0.0.3",
            "--a",
            "127.0.0.4",
            "--b",
            "127.0.0.5",
            "--ike",
            "loss=200%");
    assertEquals(Tool.USAGE, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: chaos-relay"), err.toString());
  }

  /**
   * Sends {@code n} datagrams A to B and B to A through a relay with {@code spec}; counts arrivals.
   */
  private static int[] relay(String spec, int n) throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      port = probe.getLocalPort(); // a port free on 127.0.0.1 is very likely free on 127.0.0.2..5
    }
    ExecutorService pool = Executors.newSingleThreadExecutor();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DatagramSocket a = new DatagramSocket(new InetSocketAddress("127.0.0.4", port));
        DatagramSocket b = new DatagramSocket(new InetSocketAddress("127.0.0.5", port))) {
      Future<Integer> relay =
          pool.submit(
              () ->
                  ChaosRelay.run(
                      new PrintStream(out, true, StandardCharsets.UTF_8),
                      System.err,
                      "--a-side",
                      "127.0.0.2",
                      "--b-side",
                      "127.0.0.3",
                      "--a",
                      "127.0.0.4",
                      "--b",
                      "127.0.0.5",
                      "--ports",
                      Integer.toString(port),
                      "--ike",
                      spec,
                      "--duration",
                      "3000"));
      long deadline = System.currentTimeMillis() + 5000;
      while (!out.toString(StandardCharsets.UTF_8).contains("relaying")) {
        assertTrue(System.currentTimeMillis() < deadline, "relay did not start");
        Thread.sleep(20);
      }
      for (int i = 0; i < n; i++) {
        byte[] m = {(byte) i};
        a.send(new DatagramPacket(m, 1, InetAddress.getByName("127.0.0.2"), port));
        b.send(new DatagramPacket(m, 1, InetAddress.getByName("127.0.0.3"), port));
      }
      int[] got = {drain(b, "127.0.0.3"), drain(a, "127.0.0.2")};
      assertEquals(Tool.OK, relay.get());
      return got;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Datagrams arriving on {@code s} within 500 ms of each other, all from {@code from}. */
  private static int drain(DatagramSocket s, String from) throws Exception {
    s.setSoTimeout(500);
    List<Integer> got = new ArrayList<>();
    DatagramPacket p = new DatagramPacket(new byte[16], 16);
    while (true) {
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        return got.size();
      }
      assertEquals(InetAddress.getByName(from), p.getAddress(), "relayed from the relay's side");
      got.add(p.getData()[0] & 0xFF);
    }
  }

  @Test
  void relaysBothWaysWithLossAndDuplication() throws Exception {
    int[] clean = relay("delay=1", 20);
    assertEquals(20, clean[0], "A to B");
    assertEquals(20, clean[1], "B to A");
    int[] lost = relay("loss=100%", 20);
    assertEquals(0, lost[0]);
    assertEquals(0, lost[1]);
    int[] doubled = relay("dup=100%", 20);
    assertEquals(40, doubled[0]);
    assertEquals(40, doubled[1]);
  }
}
