package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meshsec.core.offload.GroCoalescer;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.tun.VirtioNetHdr;

/**
 * The data path with a TUN device opened with offloads ({@link DataPath#tunVnetHdr}): a TCP
 * super-packet read from the TUN device leaves as one ESP packet per segment, in order, and the
 * receiver writes the segments back to its TUN device as the same super-packet, once the UDP read
 * batch ends.
 */
class DataPathOffloadTest {

  /** Bytes as the kernel hands them over: a virtio_net_hdr and the packet, with headroom. */
  private static void fromTun(Node n, byte[] read) {
    ByteBuf b =
        PooledByteBufAllocator.DEFAULT.directBuffer(
            DataPath.HEADROOM + read.length + DataPath.TAILROOM);
    b.writerIndex(DataPath.HEADROOM).writeBytes(read).readerIndex(DataPath.HEADROOM);
    n.dp.fromTun(b);
    n.dp.flush();
  }

  /**
   * {@code count} in-order segments of one flow, merged by GRO into a super-packet (with header).
   */
  private static byte[] superPacket(PacketBuilder pb, int count, int mss) {
    GroCoalescer gro = new GroCoalescer(UnpooledByteBufAllocator.DEFAULT, 4);
    List<byte[]> out = new ArrayList<>();
    Random rnd = new Random(11);
    long seq = 123456789L;
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[mss];
      rnd.nextBytes(payload);
      ByteBuf seg = Unpooled.directBuffer(2000);
      seg.writerIndex(VirtioNetHdr.LENGTH).readerIndex(VirtioNetHdr.LENGTH);
      int flags = PacketBuilder.TCP_ACK; // no PSH: the run stays open until flushed
      int len =
          pb.identification(100 + i)
              .tcp(seg, VirtioNetHdr.LENGTH, 40000, 5001, seq, 7, flags, payload);
      seg.writerIndex(VirtioNetHdr.LENGTH + len);
      seq += mss;
      gro.add(seg, b -> out.add(Node.take(b)));
    }
    gro.flush(b -> out.add(Node.take(b)));
    assertEquals(1, out.size(), "the segments form one super-packet");
    return out.get(0);
  }

  @ParameterizedTest(name = "IPv{0}")
  @ValueSource(ints = {4, 6})
  void superPacketLeavesAsSegmentsAndArrivesAsTheSameSuperPacket(int version) throws Exception {
    DataPathPairTest.Pair p =
        new DataPathPairTest.Pair(EspSuite.AES128_GCM16, IpsecMode.TUNNEL, version);
    Node a = p.a;
    Node b = p.b;
    List<ByteBuf> wire = new ArrayList<>();
    a.wire = (esp, from, to) -> wire.add(esp);
    a.dp.tunVnetHdr(true);
    b.dp.tunVnetHdr(true);
    int count = 20;
    int mss = version == 4 ? 1398 : 1378;
    byte[] sp = superPacket(new PacketBuilder().addresses(p.srcA, p.dstB), count, mss);
    assertEquals(version == 4 ? VirtioNetHdr.GSO_TCPV4 : VirtioNetHdr.GSO_TCPV6, sp[1]);

    fromTun(a, sp);

    assertEquals(count, wire.size(), "one ESP packet per segment");
    long lastSeq = 0;
    for (ByteBuf esp : wire) {
      long seq = esp.getUnsignedInt(esp.readerIndex() + 4);
      assertEquals(lastSeq + 1, seq, "sequence numbers in segment order");
      lastSeq = seq;
    }
    assertEquals(0, b.delivered.size());
    for (ByteBuf esp : wire) {
      b.dp.inbound(esp, null);
    }
    assertEquals(0, b.delivered.size(), "held until the end of the read batch");
    b.dp.inboundBatchEnd();
    assertEquals(1, b.delivered.size(), "one TUN write");
    assertArrayEquals(sp, b.delivered.poll(), "the same super-packet, header included");
    assertEquals(0L, DataPathPairTest.total(a) + DataPathPairTest.total(b));
  }

  @ParameterizedTest(name = "IPv{0}")
  @ValueSource(ints = {4, 6})
  void wholePacketWithPartialChecksumIsCompletedAndArrivesBehindAZeroHeader(int version)
      throws Exception {
    DataPathPairTest.Pair p =
        new DataPathPairTest.Pair(EspSuite.AES128_GCM16, IpsecMode.TUNNEL, version);
    p.a.dp.tunVnetHdr(true);
    p.b.dp.tunVnetHdr(true);
    PacketBuilder pb = new PacketBuilder().addresses(p.srcA, p.dstB);
    ByteBuf buf = Unpooled.buffer(2000);
    int len = pb.tcp(buf, VirtioNetHdr.LENGTH, 40000, 22, 1, 2, PacketBuilder.TCP_ACK, 300);
    byte[] whole = new byte[len];
    buf.getBytes(VirtioNetHdr.LENGTH, whole);
    // What the kernel hands over: NEEDS_CSUM, the pseudo-header sum folded into the field
    int ipHdr = version == 4 ? 20 : 40;
    int l4 = VirtioNetHdr.LENGTH + ipHdr;
    int full = buf.getUnsignedShort(l4 + 16);
    long partial =
        org.meshsec.core.packet.Checksums.pseudoHeaderSum(buf, VirtioNetHdr.LENGTH, 6, len - ipHdr);
    buf.setShort(l4 + 16, org.meshsec.core.packet.Checksums.fold(partial));
    VirtioNetHdr.set(buf, 0, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_NONE, 0, 0, ipHdr, 16);
    byte[] read = new byte[VirtioNetHdr.LENGTH + len];
    buf.getBytes(0, read);

    fromTun(p.a, read);
    p.b.dp.inboundBatchEnd();

    byte[] got = p.b.delivered.poll();
    byte[] expected = new byte[VirtioNetHdr.LENGTH + len];
    System.arraycopy(whole, 0, expected, VirtioNetHdr.LENGTH, len);
    assertArrayEquals(expected, got, ByteBufUtil.hexDump(got == null ? new byte[0] : got));
    assertEquals(full, ((got[l4 + 16] & 0xFF) << 8) | (got[l4 + 17] & 0xFF), "checksum completed");
  }
}
