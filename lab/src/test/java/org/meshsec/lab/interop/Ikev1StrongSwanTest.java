package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.lab.interop.MeshsecControl.awaitMeshsecEmpty;
import static org.meshsec.lab.interop.MeshsecControl.count;
import static org.meshsec.lab.interop.MeshsecControl.field;
import static org.meshsec.lab.interop.MeshsecControl.hex8;
import static org.meshsec.lab.interop.MeshsecControl.ok;
import static org.meshsec.lab.interop.Topology.LEFT_ADDR;
import static org.meshsec.lab.interop.Topology.LEFT_HOST;
import static org.meshsec.lab.interop.Topology.RIGHT_ADDR;
import static org.meshsec.lab.interop.Topology.RIGHT_HOST;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.lab.interop.SwanctlConf.Auth;
import org.meshsec.lab.interop.SwanctlConf.Mode;
import org.meshsec.lab.interop.SwanctlConf.StartAction;
import org.meshsec.lab.netns.NodeProcess;
import org.meshsec.tun.exec.ExecResult;

/**
 * meshsec's IKEv1 against strongSwan's ({@code version = 1} in swanctl.conf, kernel-libipsec: ESP
 * always in UDP 4500, {@code encap = yes}): a {@code meshsec run} daemon in the left namespace of
 * {@link Topology} with a {@code version = 1} peer, a {@link Charon} in the right one, a tunnel
 * between 10.0.0.1 and 10.0.1.1. Main Mode PSK with AES-GCM ESP, meshsec as initiator (on the first
 * packet) and as responder; AES-256-CBC with PFS; Aggressive Mode. Each case checks that the two
 * sides agree on cookies, SPIs and the NAT-T float, and pings through the tunnel.
 *
 * <p>Needs root and strongSwan ({@code .ci/run}); tagged "interop" (run with -Pfull).
 */
@Tag("interop")
class Ikev1StrongSwanTest {
  static final String CONN = "v1";
  static final String CHILD = "hosts";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final byte[] PSK =
      "meshsec IKEv1 interop test PSK, not a secret".getBytes(StandardCharsets.US_ASCII);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @BeforeEach
  void preconditions() {
    InteropPreconditions.requireStrongSwan();
  }

  private Path meshsecConfig(String ike, String esp, String startAction, String extra)
      throws IOException {
    Path d = dir.resolve("meshsec");
    Files.createDirectories(d);
    Path secrets = d.resolve("secrets.toml");
    Files.writeString(secrets, "");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(secrets, "[keys]\ninterop = \"" + HexFormat.of().formatHex(PSK) + "\"\n");
    String cfg =
        """
        [node]
        name = "left"
        secrets = "secrets.toml"
        address = "%s"

        [tun]
        name = "ms0"
        addresses = ["%s/32"]
        routes = ["%s/32"]

        [listen]
        address = ["%s"]

        [[peer]]
        name = "right"
        version = 1
        address = "%s"
        auth = "psk"
        psk = "interop"
        ike = "%s"
        esp = "%s"
        start_action = "%s"
        %s

        [[policy]]
        name = "%s"
        direction = "both"
        src = "%s/32"
        dst = "%s/32"
        action = "protect"
        mode = "tunnel"
        ike = "right"
        """
            .formatted(
                LEFT_ADDR,
                LEFT_HOST,
                RIGHT_HOST,
                LEFT_ADDR,
                RIGHT_ADDR,
                ike,
                esp,
                startAction,
                extra,
                CHILD,
                LEFT_HOST,
                RIGHT_HOST);
    Path p = d.resolve("meshsec.toml");
    Files.writeString(p, cfg);
    return p;
  }

  private NodeProcess startMeshsec(Topology net, Path config) throws Exception {
    return NodeProcess.start(
        net.left(), config, config.resolveSibling("meshsec.sock"), Duration.ofSeconds(30));
  }

  private static SwanctlConf charonConfig(
      String ike, String esp, StartAction start, boolean aggressive) {
    return charonConfig(ike, esp, start, aggressive, c -> c);
  }

  private static SwanctlConf charonConfig(
      String ike,
      String esp,
      StartAction start,
      boolean aggressive,
      UnaryOperator<SwanctlConf.ChildBuilder> child) {
    SwanctlConf.ConnectionBuilder conn =
        SwanctlConf.Connection.builder(CONN)
            .version(1)
            .localAddrs(RIGHT_ADDR)
            .remoteAddrs(LEFT_ADDR)
            .proposals(ike)
            .option("encap", "yes")
            .local(Auth.PSK, RIGHT_ADDR)
            .remote(Auth.PSK, LEFT_ADDR)
            .dpdDelay(Duration.ofSeconds(2));
    if (aggressive) {
      conn.option("aggressive", "yes");
    }
    conn.child(
        child
            .apply(
                SwanctlConf.Child.builder(CHILD)
                    .mode(Mode.TUNNEL)
                    .espProposals(esp)
                    .startAction(start)
                    .dpdAction("clear")
                    .localTs(RIGHT_HOST + "/32")
                    .remoteTs(LEFT_HOST + "/32"))
            .build());
    return SwanctlConf.builder()
        .psk("interop", PSK, LEFT_ADDR, RIGHT_ADDR)
        .connection(conn.build())
        .build();
  }

  private Charon startCharon(Topology net, SwanctlConf conf, boolean aggressiveResponder)
      throws IOException {
    Charon.Builder b = Charon.builder(net.rightName(), dir.resolve("right")).config(conf);
    if (aggressiveResponder) {
      // strongSwan refuses to answer Aggressive Mode with a PSK unless told (docs/ikev1.md).
      b.setting("i_dont_care_about_security_and_use_aggressive_mode_psk", "yes");
    }
    return b.start();
  }

  private static String awaitMeshsecEstablished(NodeProcess m) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String json = "";
    while (System.nanoTime() < deadline) {
      json = ok(m.control(new ControlRequest.IkeList(true)));
      if (json.contains("\"state\":\"ESTABLISHED\"")
          && json.contains("\"name\":\"" + CHILD + "\"")) {
        return json;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("meshsec not established: " + json + "\n" + m.output());
  }

  /** Both sides hold the same ISAKMP SA and the mirrored ESP pair, floated to 4500. */
  static void agree(
      Charon c,
      NodeProcess m,
      boolean meshsecInitiated,
      String mode,
      String ikeReported,
      String espReported)
      throws Exception {
    Charon.IkeSa r = c.awaitEstablished(CONN, CHILD, WAIT);
    String json = awaitMeshsecEstablished(m);
    assertEquals("1", field(json, "version"), json);
    assertTrue(json.contains("\"mode\":\"" + mode + "\""), json); // (its children have a mode too)
    assertEquals(!meshsecInitiated, r.initiator(), "charon's role");
    assertEquals(Boolean.toString(meshsecInitiated), field(json, "initiator"), json);
    assertEquals(String.format("%016x", r.initiatorSpi()), field(json, "spi_i"), json);
    assertEquals(String.format("%016x", r.responderSpi()), field(json, "spi_r"), json);
    assertEquals(ikeReported, r.proposal(), "IKE proposal as charon reports it");
    assertEquals(4500, r.localPort(), "NAT-T float (RFC 3947 section 4)");
    assertEquals(4500, r.remotePort());
    Charon.ChildSa rc = r.installed(CHILD).get(0);
    assertEquals("TUNNEL", rc.mode());
    assertTrue(rc.encap(), "ESP in UDP");
    assertEquals(espReported, rc.proposal(), "ESP proposal as charon reports it");
    assertEquals(List.of(RIGHT_HOST + "/32"), rc.localTs());
    assertEquals(List.of(LEFT_HOST + "/32"), rc.remoteTs());
    assertEquals(String.format("0x%08x", rc.spiIn()), field(json, "spi_out"), json);
    assertEquals(String.format("0x%08x", rc.spiOut()), field(json, "spi_in"), json);
  }

  static void ping(Topology net, NodeProcess m, int count) throws IOException {
    ExecResult ping =
        net.left()
            .execAllowingFailure(
                Duration.ofSeconds(30),
                "ping",
                "-n",
                "-c",
                Integer.toString(count),
                "-i",
                "0.2",
                "-W",
                "3",
                RIGHT_HOST);
    assertEquals(0, ping.exitCode(), ping.stdout() + ping.stderr() + "\nmeshsec:\n" + m.output());
    assertTrue(ping.stdout().contains(count + " received"), ping.stdout());
  }

  /**
   * Sends a few echo requests whose first raises the ACQUIRE; they wait in the SAD's queue while
   * Main Mode and Quick Mode run (seconds on a loaded machine: MODP-2048), so their answers are not
   * required here.
   */
  static void trigger(Topology net) throws IOException {
    net.left()
        .execAllowingFailure(
            Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.5", "-W", "15", RIGHT_HOST);
  }

  @Test
  void mainModePskMeshsecInitiates() throws Exception {
    String ike = "aes128-sha256-modp2048";
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(ike, "aes128gcm16", StartAction.NONE, false), false);
        NodeProcess left = startMeshsec(net, meshsecConfig(ike, "aes128gcm16", "trap", ""))) {
      right.loadAll();
      trigger(net); // the first echo request raises the ACQUIRE
      agree(
          right,
          left,
          true,
          "main",
          "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
          "AES_GCM_16-128");
      ping(net, left, 10);
    }
  }

  @Test
  void mainModePskStrongSwanInitiates() throws Exception {
    String ike = "aes128-sha256-modp2048";
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(ike, "aes128gcm16", StartAction.NONE, false), false);
        NodeProcess left = startMeshsec(net, meshsecConfig(ike, "aes128gcm16", "none", ""))) {
      right.loadAll();
      right.initiate(CHILD);
      agree(
          right,
          left,
          false,
          "main",
          "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
          "AES_GCM_16-128");
      ping(net, left, 10);
    }
  }

  @Test
  void mainModeAes256WithPfs() throws Exception {
    String ike = "aes256-sha256-modp2048";
    String esp = "aes256-sha256-modp2048";
    try (Topology net = Topology.create();
        Charon right = startCharon(net, charonConfig(ike, esp, StartAction.NONE, false), false);
        NodeProcess left = startMeshsec(net, meshsecConfig(ike, esp, "trap", ""))) {
      right.loadAll();
      trigger(net);
      agree(
          right,
          left,
          true,
          "main",
          "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
          "AES_CBC-256/HMAC_SHA2_256_128/MODP_2048");
      ping(net, left, 10);
    }
  }

  @Test
  void aggressiveModePskMeshsecInitiates() throws Exception {
    String ike = "aes128-sha256-modp2048";
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(ike, "aes128gcm16", StartAction.NONE, true), true);
        NodeProcess left =
            startMeshsec(net, meshsecConfig(ike, "aes128gcm16", "trap", "aggressive = true"))) {
      right.loadAll();
      trigger(net);
      agree(
          right,
          left,
          true,
          "aggressive",
          "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
          "AES_GCM_16-128");
      ping(net, left, 10);
    }
  }

  // ---------------------------------------------------------------- lifecycle (docs/ikev1.md)

  private static final String IKE = "aes128-sha256-modp2048";
  private static final String IKE_REPORTED =
      "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048";

  /** Charon's IKE SA of the connection that satisfies {@code condition}, waited for. */
  private static Charon.IkeSa awaitCharon(
      Charon c, java.util.function.Predicate<Charon.IkeSa> condition, String what)
      throws IOException {
    return c.awaitSa(sa -> sa.name().equals(CONN) && condition.test(sa), WAIT, what);
  }

  @Test
  void quickModeRekeyDrivenByMeshsec() throws Exception {
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(IKE, "aes128gcm16", StartAction.NONE, false), false);
        NodeProcess left =
            startMeshsec(
                net, meshsecConfig(IKE, "aes128gcm16", "trap", "esp_lifetime = \"12s\""))) {
      right.loadAll();
      trigger(net);
      agree(right, left, true, "main", IKE_REPORTED, "AES_GCM_16-128");
      Charon.IkeSa first = right.awaitEstablished(CONN, CHILD, WAIT);
      int firstChild = first.installed(CHILD).get(0).spiIn();
      ping(net, left, 50); // 10 s: meshsec's pair reaches its soft lifetime (90 %) at 10.8 s
      Charon.IkeSa after =
          awaitCharon(
              right,
              sa -> sa.installed(CHILD).stream().anyMatch(c -> c.spiIn() != firstChild),
              "a new child from meshsec's Quick Mode");
      assertEquals(first.initiatorSpi(), after.initiatorSpi(), "the same ISAKMP SA");
      // meshsec deleted the old pair (D(ESP)) once the new one was installed
      awaitCharon(
          right,
          sa -> sa.installed(CHILD).stream().noneMatch(c -> c.spiIn() == firstChild),
          "the old child deleted");
      ping(net, left, 5);
      String json = ok(left.control(new ControlRequest.IkeList(true)));
      assertEquals(1, count(json, "\"spi_i\""), json);
    }
  }

  @Test
  void quickModeRekeyDrivenByStrongSwan() throws Exception {
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(IKE, "aes128gcm16", StartAction.NONE, false), false);
        NodeProcess left = startMeshsec(net, meshsecConfig(IKE, "aes128gcm16", "trap", ""))) {
      right.loadAll();
      trigger(net);
      agree(right, left, true, "main", IKE_REPORTED, "AES_GCM_16-128");
      int firstChild = right.awaitEstablished(CONN, CHILD, WAIT).installed(CHILD).get(0).spiIn();
      ExecResult r = right.swanctl("--rekey", "--child", CHILD);
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      Charon.IkeSa after =
          awaitCharon(
              right,
              sa -> sa.installed(CHILD).stream().anyMatch(c -> c.spiIn() != firstChild),
              "charon's new child");
      Charon.ChildSa fresh =
          after.installed(CHILD).stream().filter(c -> c.spiIn() != firstChild).findFirst().get();
      long deadline = System.nanoTime() + WAIT.toNanos();
      String json = "";
      while (!json.contains("\"spi_out\":\"" + hex8(fresh.spiIn()) + "\"")) {
        assertTrue(System.nanoTime() < deadline, "meshsec has charon's new pair: " + json);
        Thread.sleep(100);
        json = ok(left.control(new ControlRequest.IkeList(true)));
      }
      assertTrue(json.contains("\"spi_in\":\"" + hex8(fresh.spiOut()) + "\""), json);
      ping(net, left, 10);
    }
  }

  @Test
  void phase1ReestablishedByMeshsecKeepsTheEspSas() throws Exception {
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(IKE, "aes128gcm16", StartAction.NONE, false), false);
        NodeProcess left = startMeshsec(net, meshsecConfig(IKE, "aes128gcm16", "trap", ""))) {
      right.loadAll();
      trigger(net);
      agree(right, left, true, "main", IKE_REPORTED, "AES_GCM_16-128");
      Charon.IkeSa first = right.awaitEstablished(CONN, CHILD, WAIT);
      int child = first.installed(CHILD).get(0).spiIn();
      String done = ok(left.control(new ControlRequest.Rekey("right", 20_000L, false)));
      assertTrue(done.contains("rekeyed"), done);
      Charon.IkeSa now =
          awaitCharon(
              right,
              sa ->
                  sa.initiatorSpi() != first.initiatorSpi()
                      && "ESTABLISHED".equals(sa.state())
                      && sa.installed(CHILD).stream().anyMatch(c -> c.spiIn() == child),
              "charon's new ISAKMP SA holding the same child");
      assertTrue(now.initiator() == false, "meshsec initiated the new Main Mode");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (right.listSas().size() != 1) {
        assertTrue(System.nanoTime() < deadline, "old ISAKMP SA deleted: " + right.listSas());
        Thread.sleep(100);
      }
      agree(right, left, true, "main", IKE_REPORTED, "AES_GCM_16-128");
      ping(net, left, 10);
    }
  }

  @Test
  void phase1ReauthenticatedByStrongSwanKeepsTheEspSas() throws Exception {
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(IKE, "aes128gcm16", StartAction.NONE, false), false);
        NodeProcess left = startMeshsec(net, meshsecConfig(IKE, "aes128gcm16", "trap", ""))) {
      right.loadAll();
      trigger(net);
      agree(right, left, true, "main", IKE_REPORTED, "AES_GCM_16-128");
      Charon.IkeSa first = right.awaitEstablished(CONN, CHILD, WAIT);
      String before = field(ok(left.control(new ControlRequest.IkeList(true))), "spi_in");
      ExecResult r = right.swanctl("--rekey", "--ike", CONN, "--reauth");
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      awaitCharon(
          right,
          sa -> sa.initiatorSpi() != first.initiatorSpi() && "ESTABLISHED".equals(sa.state()),
          "charon's new ISAKMP SA");
      // charon keeps its old ISAKMP SA; meshsec deletes it after its grace of 30 s
      long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      String json = ok(left.control(new ControlRequest.IkeList(true)));
      while (count(json, "\"spi_i\"") != 1
          || json.contains(String.format("%016x", first.initiatorSpi()))) {
        assertTrue(System.nanoTime() < deadline, "meshsec: one new ISAKMP SA: " + json);
        Thread.sleep(100);
        json = ok(left.control(new ControlRequest.IkeList(true)));
      }
      assertTrue(json.contains("\"name\":\"" + CHILD + "\""), "the pair survived: " + json);
      ping(net, left, 10);
      String sas = ok(left.control(new ControlRequest.SaList(true)));
      assertTrue(
          sas.contains(before.replace("0x", "")) || sas.contains(before),
          "the ESP SA " + before + " is still installed: " + sas);
    }
  }

  @Test
  void dpdClearsTheSasOfAKilledCharonAndInitialContactRecoversAfterItsRestart() throws Exception {
    SwanctlConf conf = charonConfig(IKE, "aes128gcm16", StartAction.NONE, false);
    try (Topology net = Topology.create();
        NodeProcess left =
            startMeshsec(
                net,
                meshsecConfig(
                    IKE,
                    "aes128gcm16",
                    "trap",
                    "dpd_delay = \"1s\"\ndpd_timeout = \"4s\"\ndpd_action = \"clear\""))) {
      try (Charon first = startCharon(net, conf, false)) {
        first.loadAll();
        trigger(net);
        agree(first, left, true, "main", IKE_REPORTED, "AES_GCM_16-128");
        first.kill();
        assertFalse(first.isAlive());
        awaitMeshsecEmpty(left, Duration.ofSeconds(15));
        String sas = ok(left.control(new ControlRequest.SaList(true)));
        assertEquals(0, count(sas, "\"spi\""), "SAD emptied: " + sas);
      }
    }
  }

  @Test
  void aRestartedCharonsInitialContactReplacesTheStaleSas() throws Exception {
    SwanctlConf conf = charonConfig(IKE, "aes128gcm16", StartAction.NONE, false);
    try (Topology net = Topology.create();
        NodeProcess left = startMeshsec(net, meshsecConfig(IKE, "aes128gcm16", "trap", ""))) {
      String stale;
      try (Charon first = startCharon(net, conf, false)) {
        first.loadAll();
        trigger(net);
        agree(first, left, true, "main", IKE_REPORTED, "AES_GCM_16-128");
        stale = field(ok(left.control(new ControlRequest.IkeList(true))), "spi_i");
        first.kill(); // no Delete: meshsec keeps its SAs (DPD is slower than the restart)
      }
      try (Charon second =
          Charon.builder(net.rightName(), dir.resolve("right2")).config(conf).start()) {
        second.loadAll();
        second.initiate(CHILD); // a fresh charon: Main Mode (5) carries N(INITIAL-CONTACT)
        agree(second, left, false, "main", IKE_REPORTED, "AES_GCM_16-128");
        String json = ok(left.control(new ControlRequest.IkeList(true)));
        assertNotEquals(stale, field(json, "spi_i"), json);
        assertEquals(1, count(json, "\"spi_i\""), "the stale ISAKMP SA went: " + json);
        assertEquals(1, count(json, "\"spi_in\""), "and its pair: " + json);
        String sas = ok(left.control(new ControlRequest.SaList(true)));
        assertEquals(2, count(sas, "\"spi\""), "one pair in the SAD: " + sas);
        ping(net, left, 5);
      }
    }
  }

  /**
   * meshsec answers Aggressive Mode (it must be enabled for the peer: RFC 2409 section 5.4 puts
   * HASH_R in the clear, open to offline PSK guessing) from charon configured with {@code
   * aggressive = yes}.
   */
  @Test
  void aggressiveModePskStrongSwanInitiates() throws Exception {
    String ike = "aes128-sha256-modp2048";
    try (Topology net = Topology.create();
        Charon right =
            startCharon(net, charonConfig(ike, "aes128gcm16", StartAction.NONE, true), false);
        NodeProcess left =
            startMeshsec(net, meshsecConfig(ike, "aes128gcm16", "none", "aggressive = true"))) {
      right.loadAll();
      right.initiate(CHILD);
      agree(
          right,
          left,
          false,
          "aggressive",
          "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
          "AES_GCM_16-128");
      ping(net, left, 10);
    }
  }
}
