package org.meshsec.core.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.core.packet.ParseStatus;
import org.meshsec.tun.VirtioNetHdr;

/**
 * Property tests (jqwik, fixed seeds): segmenting a TCP super-packet gives valid segments that
 * follow the GSO rules, and coalescing those segments gives the super-packet back byte for byte,
 * virtio_net_hdr included.
 */
class GsoGroRoundTripPropertiesTest {
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

  @Provide
  Arbitrary<SuperPackets.Spec> superPackets() {
    Arbitrary<Integer> version = Arbitraries.of(4, 6);
    Arbitrary<Integer> ipOptions = Arbitraries.integers().between(0, 10).map(n -> n * 4);
    Arbitrary<Integer> tcpOptions = Arbitraries.integers().between(0, 10).map(n -> n * 4);
    Arbitrary<Integer> gsoSize =
        Arbitraries.oneOf(
            Arbitraries.integers().between(1, 64),
            Arbitraries.integers().between(500, 1460),
            Arbitraries.of(1357, 1448, 1428, 8960));
    Arbitrary<Integer> extraFlags =
        Arbitraries.of(
            0,
            GsoSegmenter.TCP_PSH,
            GsoSegmenter.TCP_FIN,
            GsoSegmenter.TCP_PSH | GsoSegmenter.TCP_FIN,
            GsoSegmenter.TCP_CWR,
            GsoSegmenter.TCP_CWR | GsoSegmenter.TCP_PSH,
            0x40); // ECE
    Arbitrary<Long> seed = Arbitraries.longs();
    Arbitrary<Double> fill = Arbitraries.doubles().between(0, 1);
    return Combinators.combine(version, ipOptions, tcpOptions, gsoSize, extraFlags, seed, fill)
        .as(
            (v, ipo, tcpo, gso, flags, s, f) -> {
              int hdr = (v == 4 ? 20 + ipo : 40) + 20 + tcpo;
              int max = Math.min(65535 - hdr, gso * 150);
              int min = gso + 1; // at least two segments
              int payload = min + (int) ((max - min) * f);
              return new SuperPackets.Spec(
                  v, v == 4 ? ipo : 0, tcpo, gso, payload, SuperPackets.ACK | flags, s);
            })
        .filter(s -> s.payload() > s.gsoSize());
  }

  @Property(tries = 120, seed = "20261203")
  void segmentsFollowTheGsoRulesAndCoalesceBack(@ForAll("superPackets") SuperPackets.Spec spec) {
    ByteBuf sup = SuperPackets.build(spec);
    int length = sup.readableBytes() - VirtioNetHdr.LENGTH;
    int n = (spec.payload() + spec.gsoSize() - 1) / spec.gsoSize();
    ByteBuf[] out = SuperPackets.outBuffers(n + 1, 200 + spec.gsoSize());
    List<ByteBuf> emitted = new ArrayList<>();
    try {
      int got = GsoSegmenter.segment(sup, 0, length, out, 0);
      assertEquals(n, got, () -> "segments of " + spec);
      checkSegments(spec, sup, out, n);

      GroCoalescer gro = new GroCoalescer(alloc, 4);
      for (int i = 0; i < n; i++) {
        ByteBuf seg = out[i];
        out[i] = null;
        gro.add(seg, emitted::add);
      }
      gro.flush(emitted::add);
      assertEquals(1, emitted.size(), () -> "one super-packet for " + spec);
      assertArrayEquals(
          SuperPackets.bytes(sup), SuperPackets.bytes(emitted.get(0)), spec::toString);
      assertEquals(n - 1, gro.merged());
    } finally {
      sup.release();
      SuperPackets.release(out);
      emitted.forEach(ByteBuf::release);
    }
  }

  private static void checkSegments(SuperPackets.Spec spec, ByteBuf sup, ByteBuf[] out, int n) {
    int ip0 = VirtioNetHdr.LENGTH;
    int ipHdr = spec.version() == 4 ? 20 + spec.ipOptions() : 40;
    int l40 = ip0 + ipHdr;
    long seq0 = sup.getUnsignedInt(l40 + 4);
    int id0 = spec.version() == 4 ? sup.getUnsignedShort(ip0 + 4) : 0;
    int hdr = ipHdr + 20 + spec.tcpOptions();
    for (int i = 0; i < n; i++) {
      ByteBuf s = out[i];
      int ip = s.readerIndex();
      int len = s.readableBytes();
      int payload = Math.min(spec.gsoSize(), spec.payload() - i * spec.gsoSize());
      assertEquals(hdr + payload, len);
      PacketInfo info = new PacketInfo();
      assertEquals(ParseStatus.OK, info.parse(s), "segment " + i + " parses");
      if (spec.version() == 4) {
        assertEquals(len, s.getUnsignedShort(ip + 2));
        assertEquals((id0 + i) & 0xFFFF, s.getUnsignedShort(ip + 4));
        assertTrue(Checksums.verifyIpv4HeaderChecksum(s, ip));
      } else {
        assertEquals(len - 40, s.getUnsignedShort(ip + 4));
      }
      int l4 = ip + ipHdr;
      assertEquals((seq0 + (long) i * spec.gsoSize()) & 0xFFFFFFFFL, s.getUnsignedInt(l4 + 4));
      int flags = s.getUnsignedByte(l4 + 13);
      int want = spec.flags();
      if (i != n - 1) {
        want &= ~(GsoSegmenter.TCP_PSH | GsoSegmenter.TCP_FIN);
      }
      if (i != 0) {
        want &= ~GsoSegmenter.TCP_CWR;
      }
      assertEquals(want, flags, "flags of segment " + i);
      assertTrue(
          Checksums.verifyTransportChecksum(s, ip, l4, len - ipHdr, PacketInfo.PROTO_TCP),
          "TCP checksum of segment " + i);
      assertTrue(
          s.slice(ip + hdr, payload).equals(sup.slice(ip0 + hdr + i * spec.gsoSize(), payload)),
          "payload of segment " + i);
    }
  }

  @Property(tries = 60, seed = "7")
  void partialChecksumOfAWholePacketIsCompleted(@ForAll("superPackets") SuperPackets.Spec spec) {
    // the same packet, announced as not GSO: only its checksum is to be completed
    ByteBuf sup = SuperPackets.build(spec);
    sup.setByte(1, VirtioNetHdr.GSO_NONE);
    int length = sup.readableBytes() - VirtioNetHdr.LENGTH;
    ByteBuf[] out = SuperPackets.outBuffers(1, length);
    try {
      assertEquals(1, GsoSegmenter.segment(sup, 0, length, out, 0));
      ByteBuf s = out[0];
      int ip = s.readerIndex();
      int ipHdr = spec.version() == 4 ? 20 + spec.ipOptions() : 40;
      assertTrue(
          Checksums.verifyTransportChecksum(
              s, ip, ip + ipHdr, length - ipHdr, PacketInfo.PROTO_TCP));
      int c = Checksums.transportChecksum(s, ip, ip + ipHdr, length - ipHdr, PacketInfo.PROTO_TCP);
      assertEquals(c, s.getUnsignedShort(ip + ipHdr + 16));
      s.setShort(ip + ipHdr + 16, sup.getUnsignedShort(VirtioNetHdr.LENGTH + ipHdr + 16));
      assertTrue(s.equals(sup.slice(VirtioNetHdr.LENGTH, length)), "only the checksum changed");
    } finally {
      sup.release();
      SuperPackets.release(out);
    }
  }
}
