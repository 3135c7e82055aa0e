package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.lab.netns.Netns;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;

/**
 * A pair negotiated with IKE, with the default liveness settings (no {@code dpd_*} or {@code
 * start_action} keys), one node restarted while the other pings it: traffic in both directions is
 * back within 5 s of the restarted daemon being ready.
 *
 * <p>After {@code kill -9} the survivor still sends ESP on SAs the restarted node lost; the
 * restarted node sees ESP for unknown SPIs from a configured peer, initiates an IKE SA with
 * INITIAL_CONTACT, and the survivor drops its stale SAs (RFC 7296 section 2.4). Only the survivor
 * sends traffic until the repair, so nothing else can bring the pair back. After a clean restart
 * the stopping node deleted its SAs with the peer, whose next packet negotiates anew.
 */
@Tag("netns")
class RebootedPeerTest {
  private static final String PSK =
      "3c5e7b9d0f5f0e3c1a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a";
  private static final Duration BACK_WITHIN = Duration.ofSeconds(5);

  Lab lab;

  @AfterEach
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  static String ike(String self, String peerName, String peer, String src, String dst) {
    return """
        [listen]
        address = ["%s"]

        [[peer]]
        name = "%s"
        address = "%s"
        auth = "psk"
        psk = "shared"

        [[policy]]
        name = "lan"
        direction = "both"
        src = "%s"
        dst = "%s"
        action = "protect"
        ike = "%s"
        """
        .formatted(self, peerName, peer, src, dst, peerName);
  }

  private NamespaceDaemon[] startPair() throws Exception {
    lab = Lab.create(false);
    lab.secret("shared", PSK);
    NodeConf ca = NodeConf.overlayA().raw(ike(Lab.A4, "b", Lab.B4, "10.9.0.0/24", "10.9.1.0/24"));
    NodeConf cb = NodeConf.overlayB().raw(ike(Lab.B4, "a", Lab.A4, "10.9.1.0/24", "10.9.0.0/24"));
    NamespaceDaemon[] n = lab.start(ca, cb);
    // trap: the first packet negotiates
    awaitPing(lab.a(), "10.9.1.1", n);
    awaitPing(lab.b(), "10.9.0.1", n);
    return n;
  }

  private static void awaitPing(Netns from, String to, NamespaceDaemon[] n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!pingOnce(from, to)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no ping " + to + "\n--- a:\n" + n[0].output() + "\n--- b:\n" + n[1].output());
      }
    }
  }

  /** One echo request, answered within 1 s. */
  private static boolean pingOnce(Netns from, String to) throws IOException {
    ExecResult r =
        from.execAllowingFailure(Duration.ofSeconds(10), "ping", "-n", "-c", "1", "-W", "1", to);
    return r.exitCode() == 0;
  }

  /**
   * Waits until a's pings reach b, before b sends anything of its own, then checks b to a; fails
   * unless both work within {@link #BACK_WITHIN} of {@code ready} (System.nanoTime()).
   */
  private void assertBackInBothDirections(long ready, NamespaceDaemon a, NamespaceDaemon b)
      throws Exception {
    long deadline = ready + BACK_WITHIN.toNanos();
    boolean aToB = false;
    while (!aToB && System.nanoTime() < deadline) {
      aToB = pingOnce(lab.a(), "10.9.1.1");
    }
    long tAb = System.nanoTime();
    boolean bToA = false;
    while (aToB && !bToA && System.nanoTime() < deadline) {
      bToA = pingOnce(lab.b(), "10.9.0.1");
    }
    String logs = "\n--- a:\n" + a.output() + "\n--- b:\n" + b.output();
    assertTrue(aToB, "a -> b not back within " + BACK_WITHIN + logs);
    assertTrue(bToA, "b -> a not back within " + BACK_WITHIN + logs);
    System.out.printf(
        "[it] a -> b back %d ms after b was ready, b -> a %d ms%n",
        (tAb - ready) / 1_000_000, (System.nanoTime() - ready) / 1_000_000);
  }

  @Test
  void killedPeerIsNotBlackHoled() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    NamespaceDaemon[] n = startPair();
    NamespaceDaemon a = n[0];
    NamespaceDaemon b = n[1];
    try (Background ping =
        lab.a().spawn("ping", "-n", "-i", "0.2", "-w", "120", "10.9.1.1")) { // mid-ping
      Thread.sleep(500);
      b.kill9();
      Thread.sleep(1000); // a keeps sending ESP on its old SAs
      b.restart();
      long ready = System.nanoTime();
      assertBackInBothDirections(ready, a, b);
    }
    assertTrue(
        b.output().contains("for unknown SPI 0x") && b.output().contains(": re-keying"),
        b.output());
  }

  @Test
  void cleanlyRestartedPeerIsBackInSeconds() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    NamespaceDaemon[] n = startPair();
    NamespaceDaemon a = n[0];
    NamespaceDaemon b = n[1];
    try (Background ping = lab.a().spawn("ping", "-n", "-i", "0.2", "-w", "120", "10.9.1.1")) {
      Thread.sleep(500);
      b.stop();
      b.restart();
      long ready = System.nanoTime();
      assertBackInBothDirections(ready, a, b);
    }
  }
}
