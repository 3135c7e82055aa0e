package org.meshsec.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;

/**
 * Fuzzing of inner-packet parsing ({@link PacketInfo#parse}: IPv4 RFC 791, IPv6 RFC 8200 with its
 * extension header chain, the first bytes of TCP, UDP and ICMP): packets from {@link PacketBuilder}
 * and hand-made IPv6 chains (hop-by-hop, routing, destination options, fragments, AH, ESP,
 * no-next-header), mutated and read at any reader offset. Parsing never throws nor moves the
 * indexes, and a packet that parses has consistent offsets. The second property: what the builder
 * writes parses back to the same addresses, protocol and ports.
 */
@AddLifecycleHook(FuzzBudget.class)
class PacketInfoFuzzTest {

  private static byte[] built(PacketBuilder b, int kind) {
    ByteBuf buf = Unpooled.buffer(2048);
    try {
      int n =
          switch (kind) {
            case 0 -> b.udp(buf, 0, 5353, 53, 40);
            case 1 -> b.tcp(buf, 0, 40000, 443, 1, 2, PacketBuilder.TCP_ACK, 100);
            default -> b.icmpEcho(buf, 0, true, 7, 9, new byte[24]);
          };
      byte[] out = new byte[n];
      buf.getBytes(0, out);
      return out;
    } finally {
      buf.release();
    }
  }

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    for (int kind = 0; kind < 3; kind++) {
      seeds.add(built(new PacketBuilder().addresses("10.0.0.1", "10.0.0.2"), kind));
      seeds.add(built(new PacketBuilder().addresses("fd00::1", "fd00::2"), kind));
    }
    byte[] udp = TestPackets.cat(TestPackets.udpHeader(1, 2, 12), new byte[4]);
    seeds.add(
        TestPackets.ipv6(
            PacketInfo.PROTO_HOPOPT,
            TestPackets.cat(
                TestPackets.extension(PacketInfo.PROTO_ROUTING, 0),
                TestPackets.extension(PacketInfo.PROTO_DSTOPTS, 1),
                TestPackets.extension(PacketInfo.PROTO_UDP, 0),
                udp)));
    byte[] fragment = TestPackets.bytes(PacketInfo.PROTO_TCP, 0, 0, 0x08, 0, 0, 0, 1);
    seeds.add(TestPackets.ipv6(PacketInfo.PROTO_FRAGMENT, TestPackets.cat(fragment, new byte[40])));
    seeds.add(
        TestPackets.ipv6(
            PacketInfo.PROTO_AH, TestPackets.cat(TestPackets.extension(PacketInfo.PROTO_ESP, 1))));
    seeds.add(TestPackets.ipv6(PacketInfo.PROTO_NONE, new byte[8]));
    seeds.add(
        TestPackets.cat(
            TestPackets.ipv4Header(PacketInfo.PROTO_UDP, 40, 0x2001, 0x0a000001, 0x0a000002),
            new byte[40]));
    return seeds;
  }

  @Provide
  Arbitrary<Mutations.Input> packets() {
    return Mutations.of(seeds());
  }

  @Property(tries = 3000, seed = "8200")
  void anyPacketParsesToAStatus(
      @ForAll("packets") Mutations.Input in, @ForAll @IntRange(max = 9) int offset) {
    byte[] b = in.bytes();
    ByteBuf buf = Unpooled.buffer(offset + b.length);
    buf.writerIndex(offset).readerIndex(offset);
    buf.writeBytes(b);
    try {
      PacketInfo info = new PacketInfo();
      ParseStatus s = info.parse(buf);
      Statistics.collect(s);
      assertEquals(offset, buf.readerIndex(), "reader index moved");
      assertEquals(offset + b.length, buf.writerIndex(), "writer index moved");
      if (s == ParseStatus.OK) {
        assertTrue(info.version == 4 || info.version == 6, "version " + info.version);
        assertTrue(info.totalLength <= b.length, "total length beyond the buffer");
        assertTrue(info.l4Offset >= 0 && info.l4Offset <= info.totalLength, "L4 offset");
        info.toString();
      } else {
        assertEquals(0, info.version, "a failed parse leaves version 0");
      }
    } finally {
      buf.release();
    }
  }

  @Provide
  Arbitrary<Integer> kinds() {
    return Arbitraries.integers().between(0, 2);
  }

  @Property(tries = 500, seed = "791")
  void builtPacketsParseBack(
      @ForAll boolean v6,
      @ForAll long a,
      @ForAll long c,
      @ForAll @IntRange(min = 1, max = 65535) int sport,
      @ForAll @IntRange(min = 1, max = 65535) int dport,
      @ForAll @Size(max = 1400) byte[] payload,
      @ForAll("kinds") int kind) {
    PacketBuilder builder =
        v6 ? new PacketBuilder().ipv6(a, c, c, a) : new PacketBuilder().ipv4((int) a, (int) c);
    ByteBuf buf = Unpooled.buffer(2048);
    try {
      int n =
          switch (kind) {
            case 0 -> builder.udp(buf, 0, sport, dport, payload);
            case 1 -> builder.tcp(buf, 0, sport, dport, 1, 2, PacketBuilder.TCP_ACK, payload);
            default -> builder.icmpEcho(buf, 0, true, sport, dport, payload);
          };
      buf.setIndex(0, n);
      PacketInfo info = new PacketInfo();
      assertEquals(ParseStatus.OK, info.parse(buf));
      assertEquals(v6 ? 6 : 4, info.version);
      assertEquals(n, info.totalLength);
      if (v6) {
        assertEquals(a, info.srcHi);
        assertEquals(c, info.srcLo);
        assertEquals(c, info.dstHi);
        assertEquals(a, info.dstLo);
      } else {
        assertEquals((int) a & 0xFFFF_FFFFL, info.srcLo & 0xFFFF_FFFFL);
        assertEquals((int) c & 0xFFFF_FFFFL, info.dstLo & 0xFFFF_FFFFL);
      }
      if (kind < 2) {
        assertEquals(kind == 0 ? PacketInfo.PROTO_UDP : PacketInfo.PROTO_TCP, info.protocol);
        assertEquals(sport, info.srcPort);
        assertEquals(dport, info.dstPort);
      } else {
        assertTrue(PacketInfo.isIcmp(info.protocol));
        assertEquals(v6 ? 128 : 8, info.icmpType);
      }
    } finally {
      buf.release();
    }
  }
}
