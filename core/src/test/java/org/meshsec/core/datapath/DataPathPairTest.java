package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

/**
 * Two data paths back to back in one JVM, joined by a fake UDP pipe (issue: "A test that runs two
 * of these engines back to back"): thousands of IPv4 and IPv6 packets of all sizes through both
 * modes and every suite arrive byte-for-byte intact.
 */
class DataPathPairTest {

  static final EspSuite[] SUITES = {
    EspSuite.AES128_GCM16,
    EspSuite.AES256_GCM16,
    EspSuite.AES128_CBC_SHA256,
    EspSuite.AES256_CBC_SHA256,
    EspSuite.parse("aes256-sha512"),
    EspSuite.CHACHA20_POLY1305
  };

  static Stream<Arguments> cases() {
    List<Arguments> a = new ArrayList<>();
    for (EspSuite s : SUITES) {
      for (IpsecMode m : IpsecMode.values()) {
        a.add(Arguments.of(s, m, 4));
        a.add(Arguments.of(s, m, 6));
      }
    }
    return a.stream();
  }

  /** A linked pair of nodes with one policy and SA pair each way. */
  static final class Pair {
    final Node a;
    final Node b;
    final String srcA;
    final String dstB;

    Pair(EspSuite suite, IpsecMode mode, int version) throws Exception {
      a = new Node("a", "192.0.2.1");
      b = new Node("b", "192.0.2.2");
      a.wire = (esp, from, to) -> b.dp.inbound(esp, from);
      b.wire = (esp, from, to) -> a.dp.inbound(esp, from);
      Selector sel;
      if (mode == IpsecMode.TRANSPORT) {
        srcA = version == 4 ? "10.9.0.1" : "fd00:9::1";
        dstB = version == 4 ? "10.9.0.2" : "fd00:9::2";
        sel = Selector.between(IpPrefix.parse(srcA), IpPrefix.parse(dstB));
      } else {
        srcA = version == 4 ? "10.0.0.10" : "fd00:0::10";
        dstB = version == 4 ? "10.0.1.10" : "fd00:1::10";
        sel =
            version == 4
                ? Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"))
                : Selector.between(IpPrefix.parse("fd00:0::/64"), IpPrefix.parse("fd00:1::/64"));
      }
      Policy pa = a.protect(sel, mode, suite, b);
      Policy pb = b.protect(sel.reverse(), mode, suite, a);
      Node.keyPair(a, pa, b, pb, sel, mode, suite, 0x1000);
    }
  }

  @ParameterizedTest(name = "{0} {1} IPv{2}")
  @MethodSource("cases")
  void packetsOfAllSizesCrossIntactBothWays(EspSuite suite, IpsecMode mode, int version)
      throws Exception {
    Pair p = new Pair(suite, mode, version);
    PacketBuilder pbA = new PacketBuilder().addresses(p.srcA, p.dstB);
    PacketBuilder pbB = new PacketBuilder().addresses(p.dstB, p.srcA);
    Random rnd = new Random(7);
    int hl = version == 4 ? 28 : 48;
    int n = 0;
    for (int size = 0; size <= 1500 - hl; size += (size < 64 ? 1 : 37)) {
      byte[] payload = new byte[size];
      rnd.nextBytes(payload);
      roundTrip(p.a, p.b, pbA, payload, mode, n++);
      roundTrip(p.b, p.a, pbB, payload, mode, n++);
    }
    // TCP and ICMP as well as UDP
    ByteBuf buf = Unpooled.buffer(2000);
    int len = pbA.tcp(buf, 0, 40000, 22, 1, 2, PacketBuilder.TCP_ACK, 300);
    byte[] tcp = new byte[len];
    buf.getBytes(0, tcp);
    p.a.fromTun(tcp);
    assertDelivered(tcp, p.b.delivered.poll(), mode);
    len = pbB.icmpEcho(buf.clear(), 0, true, 7, 1, 56);
    byte[] icmp = new byte[len];
    buf.getBytes(0, icmp);
    p.b.fromTun(icmp);
    assertDelivered(icmp, p.a.delivered.poll(), mode);
    assertTrue(n > 100, "ran " + n);
    assertEquals(0L, total(p.a) + total(p.b), "no drops: " + p.a.dp.stats() + p.b.dp.stats());
  }

  static long total(Node n) {
    return n.dp.stats().snapshot().values().stream().mapToLong(Long::longValue).sum();
  }

  private static void roundTrip(
      Node from, Node to, PacketBuilder pb, byte[] payload, IpsecMode mode, int id) {
    ByteBuf buf = Unpooled.buffer(2000);
    int len = pb.identification(id & 0xFFFF).udp(buf, 0, 5000 + (id & 0xFF), 6000, payload);
    byte[] sent = new byte[len];
    buf.getBytes(0, sent);
    from.fromTun(sent);
    byte[] got = to.delivered.poll();
    assertNotNull(got, "packet " + id + " of " + payload.length + " bytes not delivered");
    assertDelivered(sent, got, mode);
  }

  /**
   * Tunnel mode: byte-for-byte. Transport mode: the IP header is rebuilt, so the transport segment
   * and the addresses must be identical; TTL, ID and flags are the receiver's.
   */
  static void assertDelivered(byte[] sent, byte[] got, IpsecMode mode) {
    assertNotNull(got, "not delivered");
    if (mode == IpsecMode.TUNNEL) {
      assertArrayEquals(sent, got);
      return;
    }
    int v = (sent[0] >> 4) & 0xF;
    int hl = v == 4 ? (sent[0] & 0xF) * 4 : 40;
    assertEquals(sent.length, got.length, "length");
    int addrOff = v == 4 ? 12 : 8;
    int addrLen = v == 4 ? 8 : 32;
    for (int i = 0; i < addrLen; i++) {
      assertEquals(sent[addrOff + i], got[addrOff + i], "address byte " + i);
    }
    assertEquals(sent[v == 4 ? 9 : 6], got[v == 4 ? 9 : 6], "protocol");
    for (int i = hl; i < sent.length; i++) {
      assertEquals(sent[i], got[i], "transport byte " + i);
    }
  }

  @Test
  void buffersWithoutRoomAreCopiedOnceAndStillArrive() throws Exception {
    Pair p = new Pair(EspSuite.AES128_CBC_SHA256, IpsecMode.TUNNEL, 4);
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(100, 100);
    int len = new PacketBuilder().addresses(p.srcA, p.dstB).udp(buf, 0, 1, 2, 60);
    byte[] sent = new byte[len];
    buf.getBytes(0, sent);
    p.a.dp.outbound(buf); // no headroom, no tailroom
    assertArrayEquals(sent, p.b.delivered.poll());
  }
}
