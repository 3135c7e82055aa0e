package org.meshsec.core.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.tun.VirtioNetHdr;

class GsoSegmenterTest {

  private static SuperPackets.Spec spec(int version, int gso, int payload) {
    return new SuperPackets.Spec(version, 0, 0, gso, payload, SuperPackets.ACK, 42);
  }

  private static OffloadError segmentError(ByteBuf sup, ByteBuf[] out) {
    int r = GsoSegmenter.segment(sup, 0, sup.readableBytes() - 10, out, 0);
    assertTrue(r < 0, "expected an error, got " + r + " segments");
    return OffloadError.of(r);
  }

  @Test
  void refusalsAreTypedErrors() {
    ByteBuf sup = SuperPackets.build(spec(4, 1000, 3000));
    ByteBuf[] out = SuperPackets.outBuffers(3, 1100);
    try {
      assertEquals(
          OffloadError.TRUNCATED.code(), GsoSegmenter.segment(sup, 0, sup.readableBytes(), out, 0));
      ByteBuf[] two = {out[0], out[1]};
      assertEquals(OffloadError.TOO_MANY_SEGMENTS, segmentError(sup, two));
      ByteBuf[] small = SuperPackets.outBuffers(3, 100);
      assertEquals(OffloadError.NO_ROOM, segmentError(sup, small));
      SuperPackets.release(small);
      sup.setByte(1, VirtioNetHdr.GSO_TCPV6);
      assertEquals(OffloadError.UNSUPPORTED_GSO_TYPE, segmentError(sup, out));
      sup.setByte(1, VirtioNetHdr.GSO_UDP);
      assertEquals(OffloadError.UNSUPPORTED_GSO_TYPE, segmentError(sup, out));
      sup.setByte(1, VirtioNetHdr.GSO_TCPV4);
      sup.setShortLE(8, 6);
      assertEquals(OffloadError.BAD_CSUM_FIELDS, segmentError(sup, out));
      sup.setShortLE(8, 16);
      sup.setShortLE(4, 0);
      assertEquals(OffloadError.BAD_GSO_SIZE, segmentError(sup, out));
      sup.setShortLE(4, 1000);
      sup.setShort(10 + 6, 0x2000); // MF
      assertEquals(OffloadError.UNSUPPORTED_HEADERS, segmentError(sup, out));
      sup.setByte(10, 0x55);
      assertEquals(OffloadError.BAD_IP_HEADER, segmentError(sup, out));
    } finally {
      sup.release();
      SuperPackets.release(out);
    }
  }

  @Test
  void udpSuperPacketBecomesDatagrams() {
    // IPv6, UDP, 2500 payload bytes in datagrams of 1000
    int payload = 2500;
    ByteBuf sup = Unpooled.buffer();
    sup.writeByte(VirtioNetHdr.F_NEEDS_CSUM).writeByte(VirtioNetHdr.GSO_UDP_L4);
    sup.writeShortLE(48).writeShortLE(1000).writeShortLE(40).writeShortLE(6);
    sup.writeInt(0x60000000).writeShort(8 + payload).writeByte(17).writeByte(64);
    for (int i = 0; i < 8; i++) {
      sup.writeInt(0xfd000000 + i);
    }
    sup.writeShort(4500).writeShort(4501).writeShort(8 + payload).writeShort(0);
    for (int i = 0; i < payload; i++) {
      sup.writeByte(i);
    }
    sup.setShort(10 + 40 + 6, Checksums.fold(Checksums.pseudoHeaderSum(sup, 10, 17, 8 + payload)));
    ByteBuf[] out = SuperPackets.outBuffers(3, 1100);
    try {
      assertEquals(3, GsoSegmenter.segment(sup, 0, sup.readableBytes() - 10, out, 0));
      for (int i = 0; i < 3; i++) {
        ByteBuf d = out[i];
        int ip = d.readerIndex();
        int len = i < 2 ? 1000 : 500;
        assertEquals(48 + len, d.readableBytes());
        assertEquals(8 + len, d.getUnsignedShort(ip + 4));
        assertEquals(8 + len, d.getUnsignedShort(ip + 44));
        assertEquals((byte) (i * 1000), d.getByte(ip + 48));
        assertTrue(
            Checksums.verifyTransportChecksum(d, ip, ip + 40, 8 + len, PacketInfo.PROTO_UDP));
      }
    } finally {
      sup.release();
      SuperPackets.release(out);
    }
  }

  @Test
  void aPacketWithoutOffloadIsCopiedAsItIs() {
    ByteBuf sup = SuperPackets.build(spec(6, 1000, 300));
    VirtioNetHdr.setNone(sup, 0);
    ByteBuf[] out = SuperPackets.outBuffers(1, 400);
    try {
      assertEquals(1, GsoSegmenter.segment(sup, 0, sup.readableBytes() - 10, out, 0));
      assertTrue(out[0].equals(sup.slice(10, sup.readableBytes() - 10)));
    } finally {
      sup.release();
      SuperPackets.release(out);
    }
  }
}
