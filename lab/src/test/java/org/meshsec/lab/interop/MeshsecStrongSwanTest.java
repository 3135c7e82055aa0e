package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.Pki;
import org.meshsec.ike.pki.SubjectAltName;
import org.meshsec.lab.interop.SwanctlConf.Auth;
import org.meshsec.lab.interop.SwanctlConf.Mode;
import org.meshsec.lab.interop.SwanctlConf.StartAction;
import org.meshsec.lab.netns.NodeProcess;
import org.meshsec.tun.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * meshsec's IKEv2 against strongSwan: a {@code meshsec run} daemon in the left namespace of {@link
 * Topology}, a {@link Charon} (kernel-libipsec: ESP always in UDP 4500, tunnel mode only) in the
 * right one, a tunnel between the loopback /32s 10.0.0.1 and 10.0.1.1. Each test checks the
 * negotiated algorithms and SPIs on both sides and sends traffic through: ping and, for the main
 * suites, a checksummed TCP stream. meshsec as initiator (on the first packet, or at start) and as
 * responder; PSK with AES-GCM/Curve25519 and AES-CBC/MODP-3072; ECDSA certificates made with
 * meshsec's own {@link Pki}; rekeys driven by either side; a SIGKILLed charon cleared by meshsec's
 * DPD, and traffic recovering once charon is back.
 *
 * <p>Needs root and strongSwan ({@code .ci/run}); tagged "interop" (run with -Pfull).
 */
@Tag("interop")
class MeshsecStrongSwanTest {
  private static final Logger LOG = LoggerFactory.getLogger(MeshsecStrongSwanTest.class);
  private static final String CONN = "interop";
  private static final String CHILD = "hosts";
  private static final Duration ESTABLISH = Duration.ofSeconds(15);
  private static final byte[] PSK =
      "meshsec interop test PSK, not a secret".getBytes(StandardCharsets.US_ASCII);
  private static final long TCP_BYTES = 5_000_000;

  /** Bound on one command (ping, a datagram) run in a namespace. */
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @BeforeEach
  void preconditions() {
    InteropPreconditions.requireStrongSwan();
  }

  // ---------------------------------------------------------------- configurations

  /** What meshsec's [[peer]] says beyond address and auth, as TOML lines. */
  record PeerOptions(String ike, String esp, String startAction, String extra) {
    static PeerOptions of(String ike, String esp, String startAction) {
      return new PeerOptions(ike, esp, startAction, "");
    }

    PeerOptions with(String moreToml) {
      return new PeerOptions(ike, esp, startAction, extra + moreToml + "\n");
    }
  }

  /** meshsec's configuration in the left namespace; auth lines from {@code auth}. */
  private Path meshsecConfig(PeerOptions o, String auth) throws IOException {
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
        address = "%s"
        %s
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
                auth,
                o.ike(),
                o.esp(),
                o.startAction(),
                o.extra(),
                CHILD,
                LEFT_HOST,
                RIGHT_HOST);
    Path p = d.resolve("meshsec.toml");
    Files.writeString(p, cfg);
    return p;
  }

  private static final String PSK_AUTH = "auth = \"psk\"\npsk = \"interop\"";

  private NodeProcess startMeshsec(Topology net, Path config) throws Exception {
    LOG.info("meshsec dir {}", config.getParent());
    return NodeProcess.start(
        net.left(), config, config.resolveSibling("meshsec.sock"), Duration.ofSeconds(30));
  }

  /** charon's side: the right end of the host-to-host tunnel. */
  private static SwanctlConf charonConfig(
      String ike,
      String esp,
      StartAction start,
      Auth auth,
      Consumer<SwanctlConf.ConnectionBuilder> connTweak,
      Consumer<SwanctlConf.ChildBuilder> childTweak) {
    SwanctlConf.ChildBuilder child =
        SwanctlConf.Child.builder(CHILD)
            .mode(Mode.TUNNEL)
            .espProposals(esp)
            .startAction(start)
            .dpdAction("clear")
            .localTs(RIGHT_HOST + "/32")
            .remoteTs(LEFT_HOST + "/32");
    childTweak.accept(child);
    SwanctlConf.ConnectionBuilder conn =
        SwanctlConf.Connection.builder(CONN)
            .localAddrs(RIGHT_ADDR)
            .remoteAddrs(LEFT_ADDR)
            .proposals(ike)
            .local(auth, RIGHT_ADDR)
            .remote(auth, LEFT_ADDR)
            .dpdDelay(Duration.ofSeconds(2));
    connTweak.accept(conn);
    conn.child(child.build());
    SwanctlConf.Builder conf = SwanctlConf.builder();
    if (auth == Auth.PUBKEY) {
      conn.localCerts("right.pem");
    } else {
      conf.psk("interop", PSK, LEFT_ADDR, RIGHT_ADDR);
    }
    return conf.connection(conn.build()).build();
  }

  private static SwanctlConf charonPsk(String ike, String esp, StartAction start) {
    return charonConfig(ike, esp, start, Auth.PSK, c -> {}, c -> {});
  }

  private Charon startCharon(Topology net, String name, SwanctlConf conf) throws IOException {
    return Charon.builder(net.rightName(), dir.resolve(name)).config(conf).start();
  }

  // ---------------------------------------------------------------- checks

  /** The one IKE SA meshsec lists, as its JSON text. */
  private static String meshsecSa(NodeProcess m) throws IOException {
    String json = ok(m.control(new ControlRequest.IkeList(true)));
    assertEquals(1, count(json, "\"spi_i\""), "meshsec IKE SAs: " + json);
    return json;
  }

  /**
   * Waits until both sides have one IKE SA with the child installed, checks that they agree (SPIs,
   * roles, encapsulation, mode, selectors) and returns charon's view.
   */
  private static Charon.IkeSa agree(
      Charon c, NodeProcess m, boolean meshsecInitiated, String ikeReported, String espReported)
      throws Exception {
    Charon.IkeSa r = c.awaitEstablished(CONN, CHILD, ESTABLISHED_WAIT);
    String json = awaitMeshsecEstablished(m);
    assertEquals(!meshsecInitiated, r.initiator(), "charon's role");
    assertEquals(Boolean.toString(meshsecInitiated), field(json, "initiator"), json);
    assertEquals(String.format("%016x", r.initiatorSpi()), field(json, "spi_i"), json);
    assertEquals(String.format("%016x", r.responderSpi()), field(json, "spi_r"), json);
    assertEquals(ikeReported, r.proposal(), "IKE proposal as charon reports it");
    assertEquals(4500, r.localPort(), "NAT-T float");
    assertEquals(4500, r.remotePort());
    Charon.ChildSa rc = r.installed(CHILD).get(0);
    assertEquals("TUNNEL", rc.mode());
    assertTrue(rc.encap(), "ESP in UDP");
    assertEquals(espReported, rc.proposal(), "ESP proposal as charon reports it");
    assertEquals(List.of(RIGHT_HOST + "/32"), rc.localTs());
    assertEquals(List.of(LEFT_HOST + "/32"), rc.remoteTs());
    assertEquals(hex8(rc.spiIn()), field(json, "spi_out"), json);
    assertEquals(hex8(rc.spiOut()), field(json, "spi_in"), json);
    assertTrue(json.contains("\"local_ts\":[\"" + LEFT_HOST + "/32\"]"), json);
    return r;
  }

  private static final Duration ESTABLISHED_WAIT = Duration.ofSeconds(15);

  private static String awaitMeshsecEstablished(NodeProcess m) throws Exception {
    long deadline = System.nanoTime() + ESTABLISHED_WAIT.toNanos();
    String json = "";
    while (System.nanoTime() < deadline) {
      json = ok(m.control(new ControlRequest.IkeList(true)));
      if (count(json, "\"spi_i\"") == 1
          && json.contains("\"state\":\"ESTABLISHED\"")
          && json.contains("\"name\":\"" + CHILD + "\"")) {
        return json;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("meshsec not established: " + json + "\n" + m.output());
  }

  private static void ping(Topology net, int count) throws IOException {
    ExecResult ping =
        net.left()
            .execAllowingFailure(
                RUN,
                "ping",
                "-n",
                "-c",
                Integer.toString(count),
                "-i",
                "0.2",
                "-W",
                "3",
                RIGHT_HOST);
    assertEquals(0, ping.exitCode(), ping.stdout() + ping.stderr());
    assertTrue(ping.stdout().contains(count + " received"), ping.stdout());
  }

  /** Runs the receiver in right, the sender in left; asserts size and sha256 agree. */
  private static void tcpTransfer(Topology net) throws Exception {
    Topology.Transfer t = net.tcpTransfer(TCP_BYTES, "MESHSEC-INTEROP", Duration.ofSeconds(60));
    assertTrue(t.sent().startsWith(TCP_BYTES + " bytes "), t.sent());
    assertEquals(t.sent(), t.received(), "size and sha256 agree");
  }

  private static long ms(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }

  // ---------------------------------------------------------------- PSK suites

  @Test
  void pskGcmX25519MeshsecInitiatesOnTheFirstPacket() throws Exception {
    long t0 = System.nanoTime();
    try (Topology net = Topology.create();
        Charon right =
            startCharon(
                net,
                "right",
                charonPsk("aes128gcm16-prfsha256-x25519", "aes128gcm16", StartAction.NONE));
        NodeProcess left =
            startMeshsec(
                net,
                meshsecConfig(
                    PeerOptions.of("aes128gcm16-prfsha256-x25519", "aes128gcm16", "trap"),
                    PSK_AUTH))) {
      right.loadAll();
      assertEquals(
          "[]", ok(left.control(new ControlRequest.IkeList(true))).strip(), "trap: nothing yet");
      long tUp = System.nanoTime();
      ping(net, 5); // the first echo request raises the ACQUIRE
      long tPing = System.nanoTime();
      agree(right, left, true, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
      tcpTransfer(net);
      long tTcp = System.nanoTime();
      Charon.ChildSa rc = right.awaitEstablished(CONN, CHILD, ESTABLISH).installed(CHILD).get(0);
      assertTrue(rc.bytesIn() >= TCP_BYTES, "charon's child SA counted the transfer: " + rc);
      // meshsec deletes the IKE SA; charon follows
      ok(left.control(new ControlRequest.Terminate("right", null, false)));
      awaitNoSas(right);
      LOG.info(
          "gcm/x25519 meshsec initiator: up {} ms, first ping (5 x 0.2 s) {} ms, 5 MB TCP {} ms",
          ms(t0, tUp),
          ms(tUp, tPing),
          ms(tPing, tTcp));
      checkLog(left);
    }
  }

  @Test
  void pskGcmX25519StrongSwanInitiates() throws Exception {
    try (Topology net = Topology.create();
        NodeProcess left =
            startMeshsec(
                net,
                meshsecConfig(
                    PeerOptions.of("aes128gcm16-prfsha256-x25519", "aes128gcm16", "none"),
                    PSK_AUTH));
        Charon right =
            startCharon(
                net,
                "right",
                charonPsk("aes128gcm16-prfsha256-x25519", "aes128gcm16", StartAction.START))) {
      right.loadAll(); // start_action = start: charon initiates
      agree(right, left, false, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
      ping(net, 3);
      tcpTransfer(net);
      // charon deletes; meshsec follows
      right.terminate(CONN);
      awaitMeshsecEmpty(left);
      checkLog(left);
    }
  }

  @Test
  void pskCbcModp3072MeshsecStartsAtBoot() throws Exception {
    try (Topology net = Topology.create();
        Charon right =
            startCharon(
                net,
                "right",
                charonPsk("aes256-sha256-modp3072", "aes256-sha256", StartAction.NONE))) {
      right.loadAll();
      try (NodeProcess left =
          startMeshsec(
              net,
              meshsecConfig(
                  PeerOptions.of("aes256-sha256-modp3072", "aes256-sha256", "start"), PSK_AUTH))) {
        agree(
            right,
            left,
            true,
            "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072",
            "AES_CBC-256/HMAC_SHA2_256_128");
        ping(net, 3);
        tcpTransfer(net);
        // meshsec's shutdown deletes the IKE SA with the peer (INFORMATIONAL Delete)
        left.stop();
        awaitNoSas(right);
        checkLog(left);
      }
    }
  }

  // ---------------------------------------------------------------- certificates

  /** ECDSA P-256, and Ed25519 (RFC 8420; strongSwan's openssl plugin), from {@code meshsec pki}. */
  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "ED25519"})
  void certificatesFromMeshsecPki(KeyType type) throws Exception {
    Pki pki = Pki.system();
    String caKey = pki.genkey(type);
    String ca =
        pki.selfsign(caKey, "O=meshsec, CN=interop CA", Duration.ofDays(2), List.of(), true);
    String[] left = leaf(pki, type, ca, caKey, "left", LEFT_ADDR);
    String[] right = leaf(pki, type, ca, caKey, "right", RIGHT_ADDR);
    Path d = dir.resolve("meshsec");
    Files.createDirectories(d);
    Files.writeString(d.resolve("ca.pem"), ca);
    Files.writeString(d.resolve("left.pem"), left[0]);
    Path key = d.resolve("left.key");
    Files.writeString(key, "");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(key, left[1]);
    String auth =
        "auth = \"pubkey\"\ncert = \"left.pem\"\nkey = \"left.key\"\ncert_root = \"ca.pem\"";
    try (Topology net = Topology.create();
        Charon c =
            Charon.builder(net.rightName(), dir.resolve("right"))
                .config(
                    charonConfig(
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        StartAction.NONE,
                        Auth.PUBKEY,
                        x -> {},
                        x -> {}))
                .credential("x509ca", "ca.pem", ca.getBytes(StandardCharsets.US_ASCII))
                .credential("x509", "right.pem", right[0].getBytes(StandardCharsets.US_ASCII))
                .credential("private", "right.key", right[1].getBytes(StandardCharsets.US_ASCII))
                .start();
        NodeProcess m =
            startMeshsec(
                net,
                meshsecConfig(
                    PeerOptions.of("aes128gcm16-prfsha256-x25519", "aes128gcm16", "trap"), auth))) {
      c.loadAll();
      ping(net, 3);
      agree(c, m, true, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
      String verified = "authentication of '" + LEFT_ADDR + "' with ";
      assertTrue(
          type == KeyType.ED25519
              ? c.log().contains(verified + "ED25519") || c.log().contains(verified + "RFC 7427")
              : c.log().contains(verified + "ECDSA") || c.log().contains(verified + "RFC 7427"),
          c.logTail(40));
      checkLog(m);
    }
  }

  /** An end-entity certificate with an IP subjectAltName: {certificate PEM, key PEM}. */
  private static String[] leaf(
      Pki pki, KeyType type, String ca, String caKey, String name, String ip) throws Exception {
    String key = pki.genkey(type);
    String req = pki.req(key, "O=meshsec, CN=" + name, List.of(SubjectAltName.ip(ip)));
    return new String[] {pki.sign(req, ca, caKey, Duration.ofDays(2), List.of(), false), key};
  }

  // ---------------------------------------------------------------- rekeying

  @Test
  void strongSwanRekeysChildAndIkeSaWhileTrafficFlows() throws Exception {
    try (Topology net = Topology.create();
        Charon right =
            startCharon(
                net,
                "right",
                charonConfig(
                    "aes128gcm16-prfsha256-x25519",
                    "aes128gcm16",
                    StartAction.NONE,
                    Auth.PSK,
                    // over_time / life_time well beyond rekey_time, else charon deletes the
                    // SAs at their "maximum lifetime" instead of rekeying them; rand_time 0 (its
                    // default is the whole difference) so that the rekeys happen at 5 s and 9 s
                    conn ->
                        conn.rekeyTime(Duration.ofSeconds(9))
                            .option("over_time", "60")
                            .option("rand_time", "0"),
                    child ->
                        child
                            .rekeyTime(Duration.ofSeconds(5))
                            .lifeTime(Duration.ofSeconds(60))
                            .option("rand_time", "0")));
        NodeProcess left =
            startMeshsec(
                net,
                meshsecConfig(
                    PeerOptions.of("aes128gcm16-prfsha256-x25519", "aes128gcm16", "trap"),
                    PSK_AUTH))) {
      right.loadAll();
      ping(net, 2);
      Charon.IkeSa first =
          agree(
              right, left, true, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
      int firstChild = first.installed(CHILD).get(0).spiIn();
      ping(net, 60); // 12 s: charon rekeys the child (~5 s) and the IKE SA (~9 s)
      Charon.IkeSa now = right.awaitEstablished(CONN, CHILD, ESTABLISH);
      assertNotEquals(first.initiatorSpi(), now.initiatorSpi(), "IKE SA rekeyed");
      assertNotEquals(firstChild, now.installed(CHILD).get(0).spiIn(), "child rekeyed");
      String log = right.log();
      assertTrue(
          Pattern.compile("CHILD_SA hosts\\{\\d+\\} state change: REKEYING => REKEYED")
              .matcher(log)
              .find(),
          "charon rekeyed the child (not expired and recreated): " + right.logTail(60));
      assertTrue(
          Pattern.compile("IKE_SA interop\\[\\d+\\] rekeyed between").matcher(log).find(),
          "charon rekeyed the IKE SA: " + right.logTail(60));
      assertFalse(log.contains("closing expired CHILD_SA"), right.logTail(60));
      // whoever rekeys an IKE SA is the original initiator of the new one (RFC 7296 section 2.18)
      agree(right, left, false, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
      ping(net, 3);
      assertFalse(
          left.output().contains("initiating IKE SA 2"),
          "meshsec never had to start over: " + left.output());
      checkLog(left);
    }
  }

  @Test
  void meshsecRekeysChildAndIkeSaWhileTrafficFlows() throws Exception {
    try (Topology net = Topology.create();
        Charon right =
            startCharon(
                net,
                "right",
                charonPsk("aes128gcm16-prfsha256-x25519", "aes128gcm16-x25519", StartAction.NONE));
        NodeProcess left =
            startMeshsec(
                net,
                meshsecConfig(
                    PeerOptions.of("aes128gcm16-prfsha256-x25519", "aes128gcm16-x25519", "trap")
                        .with("esp_lifetime = \"12s\"\nesp_rekey_margin = \"3s\""),
                    PSK_AUTH))) {
      right.loadAll();
      ping(net, 2);
      Charon.IkeSa first =
          agree(
              right, left, true, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
      int firstChild = first.installed(CHILD).get(0).spiIn();
      ping(net, 50); // 10 s: meshsec rekeys the child 6..9 s after it was installed, with PFS
      Charon.IkeSa afterChild = right.awaitEstablished(CONN, CHILD, ESTABLISH);
      assertNotEquals(firstChild, afterChild.installed(CHILD).get(0).spiIn(), "child rekeyed");
      assertEquals(first.initiatorSpi(), afterChild.initiatorSpi(), "same IKE SA");
      assertTrue(
          right.log().contains("parsed CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No KE TSi TSr ]"),
          "meshsec rekeyed the child with PFS (REKEY_SA, KE): " + right.logTail(40));

      ok(left.control(new ControlRequest.Rekey("right", null, false))); // the IKE SA, by command
      long deadline = System.nanoTime() + ESTABLISH.toNanos();
      Charon.IkeSa afterIke = afterChild;
      while (afterIke.initiatorSpi() == first.initiatorSpi()) {
        if (System.nanoTime() > deadline) {
          fail("IKE SA not rekeyed: " + right.listSas() + "\n" + right.logTail(40));
        }
        Thread.sleep(100);
        afterIke = right.awaitEstablished(CONN, CHILD, ESTABLISH);
      }
      ping(net, 3);
      assertTrue(
          Pattern.compile("IKE_SA interop\\[\\d+\\] rekeyed between").matcher(right.log()).find(),
          right.logTail(40));
      assertFalse(left.output().contains("initiating IKE SA 2"), left.output());
      // the child now comes from a CREATE_CHILD_SA with a fresh Curve25519 exchange (PFS)
      agree(
          right,
          left,
          true,
          "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519",
          "AES_GCM_16-128/CURVE_25519");
      checkLog(left);
    }
  }

  // ---------------------------------------------------------------- dead peer

  @Test
  void killedCharonIsClearedByDpdAndTrafficRecoversAfterRestart() throws Exception {
    SwanctlConf conf = charonPsk("aes128gcm16-prfsha256-x25519", "aes128gcm16", StartAction.NONE);
    try (Topology net = Topology.create();
        NodeProcess left =
            startMeshsec(
                net,
                meshsecConfig(
                    PeerOptions.of("aes128gcm16-prfsha256-x25519", "aes128gcm16", "trap")
                        .with("dpd_delay = \"1s\"\ndpd_timeout = \"4s\"\ndpd_action = \"clear\""),
                    PSK_AUTH))) {
      try (Charon first = startCharon(net, "right", conf)) {
        first.loadAll();
        ping(net, 2);
        agree(first, left, true, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
        long t = System.nanoTime();
        first.kill();
        assertFalse(first.isAlive());
        awaitMeshsecEmpty(left, Duration.ofSeconds(15));
        String sas = ok(left.control(new ControlRequest.SaList(true)));
        assertEquals(0, count(sas, "\"spi\""), "SAD emptied: " + sas);
        LOG.info(
            "dpd: charon SIGKILLed, meshsec cleared its SAs after {} ms", ms(t, System.nanoTime()));
      }
      try (Charon second = startCharon(net, "right2", conf)) {
        second.loadAll();
        ping(net, 3); // trap: negotiated again on the first packet
        agree(second, left, true, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16-128");
      }
      checkLog(left);
    }
  }

  /**
   * Keeps meshsec's log beside charon's (meshsec/meshsec.log) and checks it: no internal error of
   * the engine, no refused Child SA, no ERROR line.
   */
  private void checkLog(NodeProcess m) throws IOException {
    String out = m.output();
    Files.writeString(dir.resolve("meshsec").resolve("meshsec.log"), out);
    for (String line : out.split("\n")) {
      assertFalse(
          line.contains("internal error")
              || line.contains("refusing to install")
              || line.startsWith("ERROR"),
          "meshsec logged: " + line);
    }
  }

  // ---------------------------------------------------------------- waiting

  private static void awaitNoSas(Charon c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!c.listSas().isEmpty()) {
      assertTrue(
          System.nanoTime() < deadline, "charon SAs still up: " + c.listSas() + c.logTail(30));
      Thread.sleep(50);
    }
  }
}
