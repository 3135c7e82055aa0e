package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;

/**
 * The IKEv1 Quick Mode LARVAL race (RFC 2409 section 5.5) between two {@code meshsec run} daemons
 * in namespaces: an nftables rule in the responder's namespace drops the initiator's Quick Mode
 * (3), so the responder's inbound SA stays LARVAL while the initiator, which installed both
 * directions on (2), already sends ESP. The first UDP datagrams of a numbered sequence (the first
 * one raised the ACQUIRE) must wait on the LARVAL SA, not be dropped: once the rule is deleted, the
 * responder's retransmitted (2) makes the initiator resend (3), the SA becomes MATURE and the queue
 * drains, in order. {@code XfrmInLarvalQueued} moved, {@code XfrmInLarvalQueueDrops} did not.
 *
 * <p>The rule matches UDP to port 4500 from the initiator (IKE floated there after Main Mode (4):
 * the daemons force UDP encapsulation), the non-ESP marker (four zero bytes, RFC 3948 section 2.2),
 * ISAKMP exchange type 32 (Quick Mode) at ISAKMP offset 18, and a UDP length below 120: (3) is
 * HDR*, HASH(3) alone, a 28-byte header and 48 encrypted bytes (HASH payload 4 + 32 with
 * HMAC-SHA-256, padded to the AES block with at least one byte), so 108 bytes of IPv4 packet, which
 * the test checks on the rule's counter; (1) and (2) carry SA, nonce and IDs (over 200 bytes).
 * Needs root and nft (skipped without, failed without when CI=true).
 */
@Tag("netns")
class Ikev1LarvalNetnsTest {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final String PSK =
      "0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e1f3a5c7e9b0d2f4a6c8e0b1d3f5a7c9e2d";
  private static final int DATAGRAMS = 6;

  @TempDir Path dir;

  @BeforeEach
  void needRoot() {
    assumeTrue(Netns.requireRoot("IKEv1 LARVAL race namespace test"));
    if (!Files.isExecutable(Path.of("/usr/sbin/nft"))) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("nft (nftables) is missing: .ci/run installs it");
      }
      Assumptions.abort("nft (nftables) is not installed");
    }
  }

  @Test
  void espOvertakingQuickModeThreeWaitsOnTheLarvalSaAndIsDeliveredInOrder() throws Exception {
    Path s = dir.resolve("secrets.toml");
    Files.writeString(s, "");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(s, "[keys]\nshared = \"" + PSK + "\"\n");
    Files.writeString(
        dir.resolve("a.toml"),
        Ikev1NetnsTest.config("a", "192.0.2.1", "b", "192.0.2.2", "10.9.0", "10.9.1")
            .replace("esp_lifetime = \"16s\"", "esp_lifetime = \"1h\""));
    Files.writeString(
        dir.resolve("b.toml"),
        Ikev1NetnsTest.config("b", "192.0.2.2", "a", "192.0.2.1", "10.9.1", "10.9.0")
            .replace("esp_lifetime = \"16s\"", "esp_lifetime = \"1h\""));
    try (TwoNodeTopology t = TwoNodeTopology.create("msq", false);
        NodeProcess a =
            NodeProcess.start(
                t.a(), dir.resolve("a.toml"), dir.resolve("a.sock"), Duration.ofSeconds(30));
        NodeProcess b =
            NodeProcess.start(
                t.b(), dir.resolve("b.toml"), dir.resolve("b.sock"), Duration.ofSeconds(30))) {
      nft(t.b(), "add table inet qm3hold");
      nft(t.b(), "add chain inet qm3hold in { type filter hook input priority -10 ; }");
      nft(
          t.b(),
          "add rule inet qm3hold in ip saddr 192.0.2.1 udp dport 4500 @th,64,32 0"
              + " @th,240,8 32 udp length < 120 counter drop");

      try (Background sink =
          t.b().spawn("nc", "-u", "-l", "-W", String.valueOf(DATAGRAMS), "10.9.1.1", "5000")) {
        Thread.sleep(300); // nc prints nothing when it listens
        // One socket, so that nc (which answers the first sender only) takes every datagram.
        ExecResult sent =
            t.a()
                .exec(
                    RUN,
                    "bash",
                    "-c",
                    "exec 3>/dev/udp/10.9.1.1/5000; for i in $(seq 1 "
                        + DATAGRAMS
                        + "); do echo seq$i >&3; sleep 0.3; done");
        assertEquals(0, sent.exitCode(), sent.stderr());

        long[] held = awaitHeld(t.b());
        assertTrue(held[0] >= 1, "the rule held (3) back");
        assertEquals(108 * held[0], held[1], "only Quick Mode (3)s of 108 bytes were held");
        assertEquals("", sink.stdout(), "nothing delivered while the SA is LARVAL");
        String larval = ok(b.control(new ControlRequest.Stats(true)));
        assertTrue(stat(larval, "XfrmInLarvalQueued") >= 1, larval);

        nft(t.b(), "delete table inet qm3hold");
        ExecResult got = sink.waitFor(RUN);
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= DATAGRAMS; i++) {
          expected.append("seq").append(i).append('\n');
        }
        assertEquals(expected.toString(), got.stdout(), "all delivered, in order: " + b.output());
      }
      String stats = ok(b.control(new ControlRequest.Stats(true)));
      assertTrue(stat(stats, "XfrmInLarvalQueued") >= 1, stats);
      assertEquals(0, stat(stats, "XfrmInLarvalQueueDrops"), stats);
      assertEquals(0, stat(stats, "XfrmInNoStates"), stats);
      assertEquals(0, stat(stats, "XfrmAcquireTimeouts"), stats);
    }
  }

  /** Waits until the rule dropped at least one (3); returns its packet and byte counts. */
  private static long[] awaitHeld(Netns ns) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long[] held = {0, 0};
    while (System.nanoTime() < deadline) {
      String rules = ns.exec(RUN, "nft", "list", "table", "inet", "qm3hold").stdout();
      Matcher m = Pattern.compile("counter packets (\\d+) bytes (\\d+)").matcher(rules);
      if (m.find()) {
        held = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
      }
      if (held[0] > 0) {
        return held;
      }
      Thread.sleep(100);
    }
    return held;
  }

  private static void nft(Netns ns, String command) throws IOException {
    ExecResult r = ns.execAllowingFailure(RUN, "nft", command);
    assertEquals(0, r.exitCode(), "nft " + command + ": " + r.stderr());
  }

  private static long stat(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return Long.parseLong(m.group(1));
  }

  private static String ok(ControlResponse r) {
    assertTrue(r.ok(), r.body());
    return r.body();
  }
}
