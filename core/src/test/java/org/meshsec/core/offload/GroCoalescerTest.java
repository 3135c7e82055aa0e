package org.meshsec.core.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.tun.VirtioNetHdr;

class GroCoalescerTest {
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
  private final List<ByteBuf> emitted = new ArrayList<>();
  private final List<ByteBuf> toRelease = new ArrayList<>();
  private final GroCoalescer gro = new GroCoalescer(alloc, 2);

  @AfterEach
  void release() {
    emitted.forEach(ByteBuf::release);
    toRelease.forEach(ByteBuf::release);
    assertEquals(0, alloc.metric().usedDirectMemory(), "run buffers leaked");
  }

  /** The segments of a generated super-packet; the super-packet is released after the test. */
  private List<ByteBuf> segments(SuperPackets.Spec spec) {
    ByteBuf sup = SuperPackets.build(spec);
    toRelease.add(sup);
    int n = (spec.payload() + spec.gsoSize() - 1) / spec.gsoSize();
    ByteBuf[] out = SuperPackets.outBuffers(n, 100 + spec.gsoSize());
    assertEquals(n, GsoSegmenter.segment(sup, 0, sup.readableBytes() - 10, out, 0));
    return new ArrayList<>(List.of(out));
  }

  private static SuperPackets.Spec spec(int version, int gso, int payload, long seed) {
    return new SuperPackets.Spec(version, 0, 12, gso, payload, SuperPackets.ACK, seed);
  }

  private void add(ByteBuf p) {
    gro.add(p, emitted::add);
  }

  private static byte[] packetOf(ByteBuf emitted) {
    return SuperPackets.bytes(
        emitted.slice(emitted.readerIndex() + 10, emitted.readableBytes() - 10));
  }

  @Test
  void nonTcpPassesThroughInItsOwnBufferBehindAZeroHeader() {
    ByteBuf udp = Unpooled.directBuffer(64);
    udp.writerIndex(16).readerIndex(16);
    udp.writeBytes(
        new byte[] {
          0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2, 0, 8, 0, 0
        });
    add(udp);
    assertEquals(1, emitted.size());
    assertSame(udp, emitted.get(0));
    assertEquals(6, udp.readerIndex());
    assertEquals(0, udp.getLong(6) | udp.getShort(14));
    assertEquals(1, gro.passedThrough());
    assertEquals(0, gro.copies());
  }

  @Test
  void packetWithoutHeadroomIsCopied() {
    ByteBuf p = Unpooled.directBuffer(28);
    p.writeBytes(
        new byte[] {
          0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2, 0, 8, 0, 0
        });
    byte[] original = SuperPackets.bytes(p);
    add(p);
    assertEquals(0, p.refCnt());
    assertEquals(1, gro.copies());
    assertArrayEquals(original, packetOf(emitted.get(0)));
  }

  @Test
  void interleavedFlowsGiveOneSuperPacketEach() {
    SuperPackets.Spec a = spec(4, 1000, 5500, 1);
    SuperPackets.Spec b = spec(6, 1200, 4000, 2);
    List<ByteBuf> sa = segments(a);
    List<ByteBuf> sb = segments(b);
    for (int i = 0; i < Math.max(sa.size(), sb.size()); i++) {
      if (i < sa.size()) {
        add(sa.get(i));
      }
      if (i < sb.size()) {
        add(sb.get(i));
      }
    }
    gro.flush(emitted::add);
    assertEquals(2, emitted.size());
    // both runs end with a short segment, so each is emitted as soon as it completes: b first
    assertArrayEquals(SuperPackets.bytes(toRelease.get(1)), SuperPackets.bytes(emitted.get(0)));
    assertArrayEquals(SuperPackets.bytes(toRelease.get(0)), SuperPackets.bytes(emitted.get(1)));
    assertEquals(2, gro.superPackets());
  }

  @Test
  void aGapInSequenceNumbersEndsTheRun() {
    List<ByteBuf> s = segments(spec(4, 1000, 4000, 3));
    add(s.get(0));
    add(s.get(1));
    s.get(2).release(); // lost
    add(s.get(3));
    gro.flush(emitted::add);
    assertEquals(2, emitted.size());
    assertEquals(VirtioNetHdr.GSO_TCPV4, VirtioNetHdr.gsoType(emitted.get(0), 0));
    assertEquals(2 * 1000, emitted.get(0).readableBytes() - 10 - 20 - 32);
    assertEquals(VirtioNetHdr.GSO_NONE, VirtioNetHdr.gsoType(emitted.get(1), 6));
    assertEquals(1, gro.merged());
  }

  /**
   * Every header byte that must be the same across a run (RFC 9293 and RFC 791/8200 fields other
   * than length, IPv4 id, checksums, sequence number and PSH/FIN/CWR): a second segment that
   * differs in any one of them, with valid checksums, is not merged.
   */
  @Test
  void aSegmentDifferingInAnyFixedHeaderByteIsNotMerged() {
    for (int version : new int[] {4, 6}) {
      int ipLen = version == 4 ? 20 : 40;
      // the offsets allowed to differ: IPv4 total length, id, header checksum; IPv6 payload
      // length; TCP sequence number, flags, checksum
      java.util.Set<Integer> free =
          version == 4
              ? new java.util.HashSet<>(java.util.List.of(2, 3, 4, 5, 10, 11))
              : new java.util.HashSet<>(java.util.List.of(4, 5));
      for (int o : new int[] {4, 5, 6, 7, 13, 16, 17}) {
        free.add(ipLen + o);
      }
      int headers = ipLen + 32; // TCP header with 12 bytes of options
      for (int at = 0; at < headers; at++) {
        if (free.contains(at) || (version == 6 && at == 0)) {
          continue; // byte 0 of IPv6 is the version: another value is not IPv6 TCP at all
        }
        List<ByteBuf> s = segments(spec(version, 600, 1800, 40 + at));
        ByteBuf q = s.get(1);
        int ip = q.readerIndex();
        q.setByte(ip + at, q.getByte(ip + at) ^ (at == 0 ? 0x01 : 0x40));
        if (version == 4) {
          org.meshsec.core.packet.Checksums.setIpv4HeaderChecksum(q, ip);
        }
        org.meshsec.core.packet.Checksums.setTransportChecksum(
            q, ip, ip + ipLen, q.readableBytes() - ipLen, 6);
        long mergedBefore = gro.merged();
        s.forEach(this::add);
        gro.flush(emitted::add);
        assertEquals(mergedBefore, gro.merged(), "IPv" + version + " byte " + at);
        emitted.forEach(ByteBuf::release);
        emitted.clear();
      }
    }
  }

  @Test
  void aSegmentWithABadChecksumIsPassedOnAsItIs() {
    List<ByteBuf> s = segments(spec(6, 800, 2400, 4));
    ByteBuf bad = s.get(1);
    bad.setByte(bad.writerIndex() - 1, bad.getByte(bad.writerIndex() - 1) ^ 1);
    s.forEach(this::add);
    gro.flush(emitted::add);
    assertEquals(3, emitted.size(), "run of 1, bad segment, run of 1");
    assertEquals(1, gro.badChecksums());
    assertEquals(0, gro.superPackets());
    assertEquals(3, gro.passedThrough());
  }

  @Test
  void aPureAckOfTheSameFlowFlushesTheRunFirst() {
    List<ByteBuf> s = segments(spec(4, 500, 1500, 5));
    add(s.get(0));
    add(s.get(1));
    // the first segment's headers alone: a pure ACK of the same flow, with its lengths fixed
    ByteBuf ack = Unpooled.directBuffer(100);
    ack.setIndex(16, 16);
    ByteBuf third = s.get(2);
    ack.writeBytes(third, third.readerIndex(), 52);
    ack.setShort(16 + 2, 52);
    org.meshsec.core.packet.Checksums.setIpv4HeaderChecksum(ack, 16);
    org.meshsec.core.packet.Checksums.setTransportChecksum(ack, 16, 36, 32, 6);
    add(ack);
    add(third);
    gro.flush(emitted::add);
    assertEquals(3, emitted.size());
    assertEquals(VirtioNetHdr.GSO_TCPV4, VirtioNetHdr.gsoType(emitted.get(0), 0));
    assertSame(ack, emitted.get(1));
  }

  @Test
  void moreFlowsThanSlotsArePassedThrough() {
    List<ByteBuf> a = segments(spec(4, 500, 1000, 6));
    List<ByteBuf> b = segments(spec(4, 500, 1000, 7));
    List<ByteBuf> c = segments(spec(4, 500, 1000, 8));
    add(a.get(0));
    add(b.get(0));
    add(c.get(0)); // no slot left
    add(c.get(1));
    add(a.get(1));
    add(b.get(1));
    gro.flush(emitted::add);
    assertEquals(4, emitted.size());
    assertEquals(2, gro.superPackets());
  }
}
