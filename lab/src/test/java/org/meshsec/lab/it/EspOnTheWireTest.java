package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.esp.EspContext;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.crypto.JcaCryptoEngine;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.lab.pcap.Pcap;
import org.meshsec.lab.pcap.Tcpdump;
import org.meshsec.lab.tools.UdpEcho;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;

/**
 * What the underlay sees: a tcpdump capture on A's veth end. Tunnel mode between the nodes' own TUN
 * subnets (10.9.0.0/24 - 10.9.1.0/24 and fd00:9::/64 - fd00:9:1::/64) over the IPv4 underlay.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspOnTheWireTest {
  static final String UL = "ul0";
  static final Set<String> NODES = Set.of(Lab.A4, Lab.B4);

  Lab lab;
  NamespaceDaemon a;
  NamespaceDaemon b;
  Lab.Pair v4;
  Lab.Pair v6;

  @BeforeAll
  void up() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(false);
    NodeConf ca = NodeConf.overlayA();
    NodeConf cb = NodeConf.overlayB();
    v4 = lab.protect("v4", ca, cb, "10.9.0.0/24", "10.9.1.0/24", "tunnel", false, "", "");
    v6 = lab.protect("v6", ca, cb, "fd00:9::/64", "fd00:9:1::/64", "tunnel", false, "", "");
    NamespaceDaemon[] n = lab.start(ca, cb);
    a = n[0];
    b = n[1];
  }

  @AfterAll
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  static String marker() {
    byte[] r = new byte[8];
    new SecureRandom().nextBytes(r);
    return "MESHSEC-PLAINTEXT-MARKER-" + HexFormat.of().formatHex(r);
  }

  static String hex(String ascii) {
    return HexFormat.of().formatHex(Pcap.ascii(ascii));
  }

  /** Sends {@code payloads} (hex) from {@code ns} with {@link UdpSendMain}; returns its output. */
  static ExecResult udpSend(Netns ns, String... args) throws Exception {
    return ns.execAllowingFailure(Lab.TOOL_TIMEOUT, Jvm.tool(UdpSendMain.class, args));
  }

  Path pcap(String name) {
    return lab.dir.resolve(name + ".pcap");
  }

  @Test
  void underlayCarriesOnlyEspAndNeverThePlaintext() throws Exception {
    String marker = marker();
    List<Pcap.Packet> packets;
    try (Background echo = lab.b().spawn(Jvm.tool(UdpEcho.class, "7007"));
        Tcpdump cap = Tcpdump.start(lab.a(), UL, pcap("esp"))) {
      assertTrue(echo.awaitOutput("listening on", Lab.TOOL_TIMEOUT), echo.stderr());
      Lab.ping(lab.a(), "10.9.1.1");
      Lab.ping(lab.b(), "fd00:9::1");
      for (String[] ends :
          new String[][] {{"10.9.0.1", "10.9.1.1"}, {"fd00:9::1", "fd00:9:1::1"}}) {
        ExecResult r =
            udpSend(lab.a(), "--bind", ends[0], "--echo", "5000", ends[1], "7007", hex(marker));
        // The marker really crossed the tunnel, both ways: the echo came back unchanged.
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("echo " + marker.length() + " bytes ok"), r.stdout());
      }
      packets = cap.stop(lab.a(), Lab.B4);
    }
    byte[] needle = Pcap.ascii(marker);
    Set<Integer> spis = Set.of(v4.spiAb(), v4.spiBa(), v6.spiAb(), v6.spiBa());
    int esp = 0;
    int[] perSpi = new int[4];
    List<String> other = new ArrayList<>();
    for (Pcap.Packet p : packets) {
      assertFalse(p.contains(needle), "plaintext marker on the underlay: " + p);
      if (p.ipVersion() == 0) {
        assertEquals(Pcap.ETH_ARP, p.etherType(), "non-IP frame that is not ARP: " + p);
        continue;
      }
      if (p.isIpv6LinkHousekeeping()) {
        continue; // neighbour discovery / MLD on the veth itself
      }
      boolean ok =
          p.protocol() == Pcap.UDP
              && p.srcPort() == 4500
              && p.dstPort() == 4500
              && NODES.contains(p.src().getHostAddress())
              && NODES.contains(p.dst().getHostAddress())
              && !p.src().equals(p.dst());
      if (!ok) {
        other.add(p.toString());
        continue;
      }
      byte[] udp = p.payload();
      int spi =
          ((udp[0] & 0xff) << 24)
              | ((udp[1] & 0xff) << 16)
              | ((udp[2] & 0xff) << 8)
              | (udp[3] & 0xff);
      assertTrue(spis.contains(spi), "ESP with an SPI no SA has: " + Integer.toHexString(spi));
      esp++;
    }
    assertTrue(other.isEmpty(), "non-ESP traffic on the underlay: " + other);
    // 2 x 3 pings with replies, 2 marker datagrams with echoes
    assertTrue(esp >= 16, esp + " ESP datagrams in " + packets.size() + " frames: " + packets);

    // The control: the same marker sent in the clear over the underlay is found by this check.
    try (Tcpdump cap = Tcpdump.start(lab.a(), UL, pcap("clear"))) {
      udpSend(lab.a(), "--bind", Lab.A4, Lab.B4, "9", hex(marker));
      packets = cap.stop(lab.a(), Lab.B4);
    }
    assertTrue(
        packets.stream().anyMatch(p -> p.contains(needle) && p.isUdp(9)),
        "the marker check does not see a plaintext datagram: " + packets);
  }

  /** The first ESP datagram from A to B on {@code spi} in a capture: its UDP payload. */
  static byte[] firstEsp(List<Pcap.Packet> packets, int spi) {
    for (Pcap.Packet p : packets) {
      if (p.isUdp(4500) && p.src().getHostAddress().equals(Lab.A4)) {
        byte[] esp = p.payload();
        if (esp.length > 8 && ByteBuffer.wrap(esp).getInt(0) == spi) {
          return esp;
        }
      }
    }
    throw new AssertionError("no ESP from A on SPI " + Integer.toHexString(spi) + ": " + packets);
  }

  @Test
  void replayedEspDatagramIsDroppedAndCounted() throws Exception {
    List<Pcap.Packet> packets;
    try (Tcpdump cap = Tcpdump.start(lab.a(), UL, pcap("replay"))) {
      Lab.ping(lab.a(), "10.9.1.1");
      packets = cap.stop(lab.a(), Lab.B4);
    }
    byte[] esp = firstEsp(packets, v4.spiAb());
    long seqErrors = b.counter("XfrmInStateSeqError");
    Map<String, Object> inSa = b.sa("in", v4.spiAb());
    // The same bytes again, from A's underlay address (the SA is found by its SPI alone).
    ExecResult r =
        udpSend(lab.a(), "--bind", Lab.A4, Lab.B4, "4500", HexFormat.of().formatHex(esp));
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    assertEquals(seqErrors + 1, awaitCounter(b, "XfrmInStateSeqError", seqErrors + 1));
    Map<String, Object> after = b.sa("in", v4.spiAb());
    assertEquals((Long) inSa.get("replay_drops") + 1, after.get("replay_drops"));
    assertEquals(inSa.get("packets"), after.get("packets"), "the replay was delivered");
    Lab.ping(lab.a(), "10.9.1.1");
  }

  /**
   * Forges ESP with the keys from the test's own secrets file: one datagram whose inner source lies
   * inside the SA's selectors (the control: it must be accepted) and one with a spoofed inner
   * source, both with sequence numbers beyond what A has sent. Only the second fails, and only at
   * the inbound policy check: not at the ICV, not at the replay window.
   */
  @Test
  void espWithASpoofedInnerSourceIsDroppedAndCounted() throws Exception {
    Lab.ping(lab.a(), "10.9.1.1"); // so A's SA has sent something
    long sentByA = (Long) a.sa("out", v4.spiAb()).get("packets");
    long firstForged = sentByA + 50; // inside B's 1024-packet window, above anything A sent
    byte[] key = lab.key(v4.keyAb());
    String good;
    String spoofed;
    // A test-only key: the forged packets reuse nonces A will use for these sequence numbers.
    try (EspContext ctx =
        EspContext.outbound(
            new EspSaParams(v4.spiAb(), EspSuite.AES128_GCM16, key, false, 0),
            JcaCryptoEngine.INSTANCE)) {
      for (long s = 1; s < firstForged; s++) {
        seal(ctx, "10.9.0.1", 7010); // advance the sequence number; thrown away
      }
      good = seal(ctx, "10.9.0.1", 7010);
      spoofed = seal(ctx, "172.16.66.66", 7010);
      assertEquals(firstForged + 1, ctx.sequence());
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
    Map<String, Object> before = b.stats();
    long inPackets = (Long) b.sa("in", v4.spiAb()).get("packets");
    ExecResult r = udpSend(lab.a(), "--bind", Lab.A4, Lab.B4, "4500", good, spoofed);
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    long mismatch = (Long) before.get("XfrmInTmplMismatch");
    assertEquals(mismatch + 1, awaitCounter(b, "XfrmInTmplMismatch", mismatch + 1));
    Thread.sleep(300); // nothing else may arrive: the counters below are exact
    Map<String, Object> after = b.stats();
    assertEquals(mismatch + 1, after.get("XfrmInTmplMismatch"));
    for (String c : List.of("XfrmInStateProtoError", "XfrmInStateSeqError", "XfrmInNoStates")) {
      assertEquals(before.get(c), after.get(c), c);
    }
    // Both passed the ICV and the replay window (counted on the SA); only the control reached
    // B's TUN device.
    assertEquals(inPackets + 2, b.sa("in", v4.spiAb()).get("packets"));
    assertEquals((Long) before.get("TunTxPackets") + 1, after.get("TunTxPackets"));
    Lab.ping(lab.a(), "10.9.1.1"); // A's own sequence numbers are still inside the window
  }

  /** Seals an IPv4/UDP packet from {@code src} to B's TUN address in tunnel mode; returns hex. */
  static String seal(EspContext ctx, String src, int port) {
    ByteBuf buf = Unpooled.buffer(256);
    try {
      new PacketBuilder()
          .addresses(src, "10.9.1.1")
          .udp(buf, 64, 40000, port, Pcap.ascii("forged by the test"));
      EspStatus st = ctx.seal(buf, 4); // next header 4: an IPv4 packet (tunnel mode)
      assertEquals(EspStatus.OK, st);
      byte[] out = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), out);
      return HexFormat.of().formatHex(out);
    } finally {
      buf.release();
    }
  }

  static InetAddress addr(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  /** Waits until {@code counter} on {@code n} reaches {@code expected}; returns its value. */
  static long awaitCounter(NamespaceDaemon n, String counter, long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long v;
    do {
      v = n.counter(counter);
      if (v >= expected) {
        return v;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return v;
  }
}
