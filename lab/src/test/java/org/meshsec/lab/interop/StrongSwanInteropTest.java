package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.lab.interop.Topology.LEFT_ADDR;
import static org.meshsec.lab.interop.Topology.LEFT_HOST;
import static org.meshsec.lab.interop.Topology.RIGHT_ADDR;
import static org.meshsec.lab.interop.Topology.RIGHT_HOST;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.lab.interop.Captures.IkeMessage;
import org.meshsec.lab.interop.SwanctlConf.Auth;
import org.meshsec.lab.interop.SwanctlConf.Mode;
import org.meshsec.lab.interop.SwanctlConf.StartAction;
import org.meshsec.lab.pcap.Pcap;
import org.meshsec.lab.pcap.Tcpdump;
import org.meshsec.tun.exec.Commands;
import org.meshsec.tun.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * strongSwan against strongSwan through the {@link Charon} harness, proving it before meshsec's own
 * IKE exists: two namespaces ({@link Topology}), a charon in each with userspace ESP, a PSK
 * host-to-host tunnel between loopback /32s. Each proof pings and sends a checksummed TCP stream
 * through the tunnel while tcpdump records the veth, then checks that the wire carries only
 * UDP-encapsulated ESP on 4500 with the negotiated SPIs, never a plaintext marker that was sent
 * through the tunnel (while a control datagram sent beside the tunnel is seen in the clear). The
 * four IKE messages of each run are written as hex files, with the initiator's key log, to {@code
 * target/captures/strongswan/<suite>/}; with the environment variable {@code
 * MESHSEC_RECORD_CAPTURES=1} also to {@code src/test/resources/captures/strongswan/<suite>/}.
 *
 * <p>Needs root and the packages {@code .ci/run} installs; tagged "interop" (run with -Pfull).
 */
@Tag("interop")
class StrongSwanInteropTest {
  private static final Logger LOG = LoggerFactory.getLogger(StrongSwanInteropTest.class);
  private static final String CONN = "interop";
  private static final String CHILD = "hosts";
  private static final Duration ESTABLISH = Duration.ofSeconds(10);

  /** A throwaway test PSK, recorded in the capture headers. */
  private static final byte[] PSK =
      "meshsec interop test PSK, not a secret".getBytes(StandardCharsets.US_ASCII);

  private static final long TCP_BYTES = 5_000_000;

  /** Bound on one command (ping, a datagram) run in a namespace. */
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** One proposal pair and what strongSwan reports for it. */
  record Suite(String name, String ike, String esp, String ikeReported, String espReported) {}

  @BeforeEach
  void preconditions() {
    InteropPreconditions.requireStrongSwan();
  }

  @Test
  void aesGcmX25519TunnelCarriesOnlyEspInUdp() throws Exception {
    proof(
        new Suite(
            "aes128gcm16-prfsha256-x25519",
            "aes128gcm16-prfsha256-x25519",
            "aes128gcm16",
            "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519",
            "AES_GCM_16-128"));
  }

  @Test
  void aesCbcSha256Modp3072TunnelCarriesOnlyEspInUdp() throws Exception {
    proof(
        new Suite(
            "aes256-sha256-modp3072",
            "aes256-sha256-modp3072",
            "aes256-sha256",
            "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072",
            "AES_CBC-256/HMAC_SHA2_256_128"));
  }

  private void proof(Suite suite) throws Exception {
    long t0 = System.nanoTime();
    String marker = "MESHSEC-PLAINTEXT-MARKER-" + randomHex(8);
    String pingPattern = randomHex(16); // 16 bytes, ping -p's maximum
    try (Topology net = Topology.create();
        Tcpdump cap = Tcpdump.start(net.left(), Topology.DEV, dir.resolve("u0.pcap"));
        Charon right =
            Charon.builder(net.rightName(), dir.resolve("right"))
                .config(hostToHost(suite, false, StartAction.NONE, Mode.TUNNEL))
                .logKeys()
                .start();
        Charon left =
            Charon.builder(net.leftName(), dir.resolve("left"))
                .config(hostToHost(suite, true, StartAction.START, Mode.TUNNEL))
                .logKeys()
                .start()) {
      long tStarted = System.nanoTime();
      right.loadAll();
      left.loadAll(); // start_action = start: initiates
      Charon.IkeSa l = left.awaitEstablished(CONN, CHILD, ESTABLISH);
      Charon.IkeSa r = right.awaitEstablished(CONN, CHILD, ESTABLISH);
      long tEstablished = System.nanoTime();

      assertTrue(l.initiator());
      assertFalse(r.initiator());
      assertEquals(l.initiatorSpi(), r.initiatorSpi());
      assertEquals(l.responderSpi(), r.responderSpi());
      assertEquals(suite.ikeReported(), l.proposal());
      assertEquals(suite.ikeReported(), r.proposal());
      assertEquals(4500, l.localPort(), "kernel-libipsec floats IKE to 4500");
      assertEquals(4500, l.remotePort());
      Charon.ChildSa lc = l.installed(CHILD).get(0);
      Charon.ChildSa rc = r.installed(CHILD).get(0);
      assertEquals("TUNNEL", lc.mode());
      assertTrue(lc.encap(), "kernel-libipsec always UDP-encapsulates");
      assertEquals(suite.espReported(), lc.proposal());
      assertEquals(lc.spiOut(), rc.spiIn());
      assertEquals(lc.spiIn(), rc.spiOut());
      assertEquals(List.of(LEFT_HOST + "/32"), lc.localTs());
      assertEquals(List.of(RIGHT_HOST + "/32"), lc.remoteTs());

      // Ping through the tunnel with a recognisable payload.
      ExecResult ping =
          net.left()
              .execAllowingFailure(
                  RUN,
                  "ping",
                  "-n",
                  "-c",
                  "5",
                  "-i",
                  "0.2",
                  "-W",
                  "2",
                  "-p",
                  pingPattern,
                  RIGHT_HOST);
      assertEquals(0, ping.exitCode(), ping.stdout() + ping.stderr());
      assertTrue(ping.stdout().contains("5 received"), ping.stdout());
      long tPinged = System.nanoTime();

      // A checksummed TCP stream through the tunnel, the marker every 64 KiB.
      String[] sums = tcpTransfer(net, marker);
      assertEquals(sums[0], sums[1], "sha256 and size at the receiver equal the sender's");
      long tTransferred = System.nanoTime();

      // Control: the same marker beside the tunnel (underlay, no policy) is seen in the clear.
      ExecResult control =
          net.left()
              .execAllowingFailure(
                  RUN,
                  "bash",
                  "-c",
                  "printf %s \"$1\" > /dev/udp/" + RIGHT_ADDR + "/9",
                  "control",
                  marker);
      assertEquals(0, control.exitCode(), control.stderr());

      Charon.ChildSa lcAfter =
          left.awaitEstablished(CONN, CHILD, ESTABLISH).installed(CHILD).get(0);
      assertTrue(lcAfter.bytesOut() >= TCP_BYTES, "the child SA counted the transfer: " + lcAfter);
      cap.awaitContent(marker.getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5));
      Path pcap = cap.stop();
      LOG.info("{}: tcpdump {}", suite.name(), cap.summary().replace('\n', ' '));

      List<IkeMessage> ike = checkWire(pcap, marker, pingPattern, l, lc);
      record(suite, left, ike);
      LOG.info(
          "{}: charons up {} ms, established {} ms, ping {} ms, {} MB TCP {} ms, total {} ms",
          suite.name(),
          ms(t0, tStarted),
          ms(tStarted, tEstablished),
          ms(tEstablished, tPinged),
          TCP_BYTES / 1_000_000,
          ms(tPinged, tTransferred),
          ms(t0, System.nanoTime()));
    }
  }

  /** Checks the capture and returns its IKE messages in wire order. */
  private static List<IkeMessage> checkWire(
      Path pcap, String marker, String pingPattern, Charon.IkeSa l, Charon.ChildSa lc)
      throws IOException {
    byte[] markerBytes = marker.getBytes(StandardCharsets.US_ASCII);
    byte[] pingBytes = HexFormat.of().parseHex(pingPattern);
    List<IkeMessage> ike = new ArrayList<>();
    int esp = 0;
    int clearMarkers = 0;
    Set<Integer> spis = Set.of(lc.spiIn(), lc.spiOut());
    for (Pcap.Frame f : Pcap.frames(pcap)) {
      assertFalse(Pcap.contains(f.data(), pingBytes), "ping payload in the clear on the veth");
      Pcap.IpPacket ip = Pcap.ip(f);
      if (ip == null || ip.src().getAddress().length != 4) {
        assertFalse(Pcap.contains(f.data(), markerBytes), "marker in a non-IPv4 frame");
        continue; // ARP, IPv6 neighbour discovery
      }
      assertTrue(ip.protocol() == 17 || ip.protocol() == 1, "only UDP and ICMP on the wire: " + ip);
      if (ip.protocol() == 1) {
        int icmpType = ip.payload()[0] & 0xff;
        assertEquals(3, icmpType, "no ICMP but port unreachables on the wire (pings are inside)");
        clearMarkers += Pcap.contains(f.data(), markerBytes) ? 1 : 0;
        continue;
      }
      Pcap.Udp u = Pcap.udp(ip);
      assertNotNull(u, "complete UDP datagram");
      if (u.dstPort() == 9) {
        assertTrue(Pcap.contains(u.data(), markerBytes), "control datagram carries the marker");
        clearMarkers++;
        continue;
      }
      assertFalse(Pcap.contains(f.data(), markerBytes), "marker in the clear: " + u);
      Captures.Kind kind = Captures.classify(u);
      switch (kind) {
        case IKE -> ike.add(Captures.ike(u));
        case ESP -> {
          esp++;
          assertEquals(4500, u.srcPort(), "ESP in UDP from 4500: " + u);
          assertEquals(4500, u.dstPort(), "ESP in UDP to 4500: " + u);
          int spi = Captures.espSpi(u);
          assertTrue(spis.contains(spi), "ESP SPI " + Integer.toHexString(spi) + " negotiated");
          boolean fromLeft = u.src().getHostAddress().equals(LEFT_ADDR);
          assertEquals(fromLeft ? lc.spiOut() : lc.spiIn(), spi, "SPI matches direction");
        }
        case NAT_KEEPALIVE -> {}
        case OTHER -> throw new AssertionError("unexpected UDP on the veth: " + u);
      }
    }
    assertTrue(clearMarkers >= 1, "the control datagram's marker was captured in the clear");
    assertTrue(esp > 10 + TCP_BYTES / 1400, "ESP datagrams carried ping and TCP: " + esp);
    assertTrue(ike.size() >= 4, "IKE_SA_INIT and IKE_AUTH captured: " + ike);
    int[][] expected = {
      {Captures.IKE_SA_INIT, 0, 0}, {Captures.IKE_SA_INIT, 1, 0},
      {Captures.IKE_AUTH, 0, 1}, {Captures.IKE_AUTH, 1, 1}
    };
    for (int i = 0; i < 4; i++) {
      IkeMessage m = ike.get(i);
      assertEquals(expected[i][0], m.exchangeType(), m.toString());
      assertEquals(expected[i][1] == 1, m.response(), m.toString());
      assertEquals(expected[i][2], m.messageId(), m.toString());
      assertEquals(m.bytes().length, m.length(), "IKE header length = datagram: " + m);
      assertEquals(l.initiatorSpi(), m.initiatorSpi(), m.toString());
      assertEquals(m.response() ? RIGHT_ADDR : LEFT_ADDR, m.udp().src().getHostAddress());
      assertEquals(i < 2 ? 500 : 4500, m.udp().dstPort(), "IKE_AUTH after the NAT-T float");
    }
    assertEquals(0, ike.get(0).responderSpi(), "IKE_SA_INIT request has a zero SPIr");
    return ike.subList(0, 4);
  }

  /** Writes the four IKE messages and the key log; returns nothing, fails on I/O errors. */
  private static void record(Suite suite, Charon initiator, List<IkeMessage> ike)
      throws IOException {
    String version = initiator.version();
    String pkg;
    try {
      ExecResult dpkg =
          Commands.runAllowingFailure(
              Commands.DEFAULT_TIMEOUT,
              List.of("dpkg-query", "-W", "-f=${Version}", "strongswan-charon"));
      pkg = dpkg.ok() ? " (Debian strongswan-charon " + dpkg.stdout().strip() + ")" : "";
    } catch (IOException e) {
      pkg = ""; // not Debian
    }
    List<String> common =
        List.of(
            "strongSwan "
                + version
                + pkg
                + ", kernel-libipsec, recorded "
                + LocalDate.now()
                + " by "
                + StrongSwanInteropTest.class.getName(),
            "proposals: ike="
                + suite.ike()
                + " esp="
                + suite.esp()
                + "; tunnel mode "
                + LEFT_HOST
                + "/32 === "
                + RIGHT_HOST
                + "/32, UDP-encapsulated",
            "initiator "
                + LEFT_ADDR
                + " (IKE ID "
                + LEFT_ADDR
                + "), responder "
                + RIGHT_ADDR
                + " (IKE ID "
                + RIGHT_ADDR
                + "), auth psk, PSK hex "
                + HexFormat.of().formatHex(PSK),
            "keys: keys.log beside this file (the initiator's charon log at ike 4 / chd 4)",
            "bytes: the IKE message from its RFC 7296 header on; on port 4500 the non-ESP marker"
                + " is stripped");
    String keys =
        "# key material logged by the initiator's charon (strongSwan "
            + version
            + ") for ike="
            + suite.ike()
            + " esp="
            + suite.esp()
            + "\n# (throwaway test keys; format: '<label> => <n> bytes @ <address>' then hex dump"
            + " lines)\n"
            + Captures.keyLogExcerpt(initiator.log());
    Map<String, byte[]> parsed = Captures.keyLog(keys);
    for (String label :
        List.of(
            "shared Diffie Hellman secret",
            "SKEYSEED",
            "Sk_d secret",
            "Sk_ei secret",
            "Sk_pr secret",
            "encryption initiator key")) {
      assertTrue(parsed.containsKey(label), "charon logged " + label + ": " + parsed.keySet());
    }
    List<Path> outs = new ArrayList<>();
    outs.add(Path.of("target", "captures", "strongswan", suite.name()));
    if ("1".equals(System.getenv("MESHSEC_RECORD_CAPTURES"))) {
      outs.add(Path.of("src", "test", "resources", "captures", "strongswan", suite.name()));
    }
    for (Path out : outs) {
      Files.createDirectories(out);
      for (IkeMessage m : ike) {
        List<String> comments = new ArrayList<>();
        comments.add(
            m.exchangeName()
                + (m.response() ? " response" : " request")
                + ", message ID "
                + m.messageId()
                + ", "
                + m.udp().src().getHostAddress()
                + ":"
                + m.udp().srcPort()
                + " -> "
                + m.udp().dst().getHostAddress()
                + ":"
                + m.udp().dstPort()
                + ", "
                + m.bytes().length
                + " bytes");
        comments.addAll(common);
        Files.writeString(out.resolve(m.fileName()), Captures.hexFile(comments, m.bytes()));
      }
      Files.writeString(out.resolve("keys.log"), keys);
      LOG.info("{}: recorded {} IKE messages and keys.log in {}", suite.name(), ike.size(), out);
    }
  }

  /** Runs the receiver in right, the sender in left; returns {sent, received} "bytes sha256". */
  private static String[] tcpTransfer(Topology net, String marker) throws Exception {
    Topology.Transfer t = net.tcpTransfer(TCP_BYTES, marker, Duration.ofSeconds(40));
    assertTrue(t.sent().startsWith(TCP_BYTES + " bytes "), t.sent());
    return new String[] {t.sent(), t.received()};
  }

  /**
   * Certificate authentication: ECDSA P-256 leaves with IP subjectAltNames from one CA; then {@link
   * Charon#terminate} deletes the SA on both sides.
   */
  @Test
  void pubkeyAuthenticationWithEcdsaCertificates() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    TestPki.Leaf l = pki.issue("left", LEFT_ADDR);
    TestPki.Leaf r = pki.issue("right", RIGHT_ADDR);
    Suite suite =
        new Suite(
            "pubkey",
            "aes128gcm16-prfsha256-x25519",
            "aes128gcm16",
            "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519",
            "AES_GCM_16-128");
    try (Topology net = Topology.create();
        Charon right =
            Charon.builder(net.rightName(), dir.resolve("right"))
                .config(hostToHost(suite, false, StartAction.NONE, Mode.TUNNEL, Auth.PUBKEY))
                .credential("x509ca", "ca.pem", pki.caCertPem())
                .credential("x509", "right.pem", r.certPem())
                .credential("private", "right.key", r.keyPem())
                .start();
        Charon left =
            Charon.builder(net.leftName(), dir.resolve("left"))
                .config(hostToHost(suite, true, StartAction.NONE, Mode.TUNNEL, Auth.PUBKEY))
                .credential("x509ca", "ca.pem", pki.caCertPem())
                .credential("x509", "left.pem", l.certPem())
                .credential("private", "left.key", l.keyPem())
                .start()) {
      right.loadAll();
      String loaded = left.loadAll();
      assertTrue(loaded.contains("x509ca/ca.pem'"), loaded);
      assertTrue(loaded.contains("x509/left.pem'"), loaded);
      // swanctl says "ECDSA key" or "private key" depending on how it probed the file
      assertTrue(loaded.contains("key from '" + left.directory() + "/swanctl/private/"), loaded);
      left.initiate(CHILD, ESTABLISH);
      Charon.IkeSa sa = left.awaitEstablished(CONN, CHILD, ESTABLISH);
      assertEquals(suite.ikeReported(), sa.proposal());
      right.awaitEstablished(CONN, CHILD, ESTABLISH);
      assertTrue(
          left.log().contains("authentication of '" + RIGHT_ADDR + "' with ECDSA"),
          left.logTail(40));
      ExecResult ping =
          net.left().execAllowingFailure(RUN, "ping", "-n", "-c", "1", "-W", "2", RIGHT_HOST);
      assertEquals(0, ping.exitCode(), ping.stdout() + ping.stderr());

      left.terminate(CONN); // an INFORMATIONAL exchange with DELETE: the peer drops it too
      assertTrue(left.listSas().isEmpty(), "terminated: " + left.listSas());
      awaitNoSas(right, Duration.ofSeconds(5));
    }
  }

  private static void awaitNoSas(Charon c, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!c.listSas().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "SAs still up: " + c.listSas());
      Thread.sleep(50);
    }
  }

  /**
   * A transport-mode child cannot be installed by libipsec: the responder says NO_PROPOSAL_CHOSEN
   * after IKE_AUTH; reloaded as tunnel mode, the same pair works.
   */
  @Test
  void transportModeIsRefusedByLibipsec() throws Exception {
    Suite suite = new Suite("transport", "aes128gcm16-prfsha256-x25519", "aes128gcm16", "", "");
    try (Topology net = Topology.create();
        Charon right =
            Charon.builder(net.rightName(), dir.resolve("right"))
                .config(hostToHost(suite, false, StartAction.NONE, Mode.TRANSPORT))
                .logLevel("esp", 2)
                .start();
        Charon left =
            Charon.builder(net.leftName(), dir.resolve("left"))
                .config(hostToHost(suite, true, StartAction.NONE, Mode.TRANSPORT))
                .start()) {
      right.loadAll();
      left.loadAll();
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> left.initiate(CHILD));
      assertTrue(e.getMessage().contains("NO_PROPOSAL_CHOSEN"), e.getMessage());
      assertTrue(right.log().contains("IPsec SA: unsupported mode"), right.logTail(30));
      Charon.IkeSa l =
          left.awaitSa(sa -> "ESTABLISHED".equals(sa.state()), ESTABLISH, "IKE SA only");
      assertTrue(l.children().isEmpty(), "no child SA: " + l.children());

      // The same pair in tunnel mode, loaded over the running daemons, works.
      right.reload(hostToHost(suite, false, StartAction.NONE, Mode.TUNNEL));
      left.reload(hostToHost(suite, true, StartAction.NONE, Mode.TUNNEL));
      left.initiate(CHILD, ESTABLISH);
      left.awaitEstablished(CONN, CHILD, ESTABLISH);
    }
  }

  /** {@link Charon#kill()} leaves the peer to notice by DPD and clear its SAs. */
  @Test
  void killedPeerIsDetectedByDeadPeerDetection() throws Exception {
    Suite suite = new Suite("dpd", "aes128gcm16-prfsha256-x25519", "aes128gcm16", "", "");
    try (Topology net = Topology.create();
        Charon right =
            Charon.builder(net.rightName(), dir.resolve("right"))
                .config(hostToHost(suite, false, StartAction.NONE, Mode.TUNNEL))
                .start();
        Charon left =
            Charon.builder(net.leftName(), dir.resolve("left"))
                .config(hostToHost(suite, true, StartAction.START, Mode.TUNNEL))
                .setting("retransmit_timeout", "0.5")
                .setting("retransmit_tries", "2")
                .start()) {
      right.loadAll();
      left.loadAll();
      left.awaitEstablished(CONN, CHILD, ESTABLISH);
      right.awaitEstablished(CONN, CHILD, ESTABLISH);
      long t = System.nanoTime();
      right.kill();
      assertFalse(right.isAlive());
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!left.listSas().isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "DPD cleared the IKE SA: " + left.logTail(30));
        Thread.sleep(100);
      }
      assertTrue(left.log().contains("giving up after 2 retransmits"), left.logTail(30));
      LOG.info("dpd: peer SIGKILLed, SAs cleared after {} ms", ms(t, System.nanoTime()));
    }
  }

  /** The swanctl.conf of one side of the host-to-host tunnel. */
  private static SwanctlConf hostToHost(Suite suite, boolean isLeft, StartAction start, Mode mode) {
    return hostToHost(suite, isLeft, start, mode, Auth.PSK);
  }

  /** With {@link Auth#PUBKEY} each side presents "left.pem" or "right.pem" from its x509 dir. */
  private static SwanctlConf hostToHost(
      Suite suite, boolean isLeft, StartAction start, Mode mode, Auth auth) {
    String me = isLeft ? LEFT_ADDR : RIGHT_ADDR;
    String peer = isLeft ? RIGHT_ADDR : LEFT_ADDR;
    SwanctlConf.ChildBuilder child =
        SwanctlConf.Child.builder(CHILD)
            .mode(mode)
            .espProposals(suite.esp())
            .startAction(start)
            .dpdAction("clear");
    if (mode == Mode.TUNNEL) {
      child
          .localTs((isLeft ? LEFT_HOST : RIGHT_HOST) + "/32")
          .remoteTs((isLeft ? RIGHT_HOST : LEFT_HOST) + "/32");
    }
    SwanctlConf.ConnectionBuilder conn =
        SwanctlConf.Connection.builder(CONN)
            .localAddrs(me)
            .remoteAddrs(peer)
            .proposals(suite.ike())
            .local(auth, me)
            .remote(auth, peer)
            .dpdDelay(Duration.ofSeconds(1))
            .child(child.build());
    SwanctlConf.Builder conf = SwanctlConf.builder();
    if (auth == Auth.PUBKEY) {
      conn.localCerts(isLeft ? "left.pem" : "right.pem");
    } else {
      conf.psk("interop", PSK, LEFT_ADDR, RIGHT_ADDR);
    }
    return conf.connection(conn.build()).build();
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static long ms(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }
}
