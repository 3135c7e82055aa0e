package org.meshsec.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.packet.TestPackets.hex;
import static org.meshsec.core.packet.TestPackets.slowIpv4HeaderChecksum;
import static org.meshsec.core.packet.TestPackets.slowTransportChecksum;
import static org.meshsec.core.packet.TestPackets.toArray;
import static org.meshsec.core.packet.TestPackets.u16;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class PacketBuilderTest {
  private final PacketInfo info = new PacketInfo();

  @Test
  void ipv4UdpExactBytes() {
    ByteBuf buf = Unpooled.buffer(64);
    try {
      int len =
          new PacketBuilder()
              .addresses("192.168.0.1", "192.168.0.199")
              .identification(0x1c46)
              .dontFragment(true)
              .udp(buf, 0, 0x1234, 53, new byte[] {'h', 'i'});
      assertEquals(30, len);
      byte[] pkt = toArray(buf);
      byte[] expectedHeader =
          hex("4500 001e 1c46 4000 4011 0000 c0a8 0001 c0a8 00c7 1234 0035 000a 0000 6869");
      expectedHeader[10] = pkt[10];
      expectedHeader[11] = pkt[11];
      expectedHeader[26] = pkt[26];
      expectedHeader[27] = pkt[27];
      assertArrayEquals(expectedHeader, pkt);
      assertEquals(slowIpv4HeaderChecksum(pkt), u16(pkt, 10));
      assertEquals(slowTransportChecksum(pkt, 20, 17), u16(pkt, 26));
    } finally {
      buf.release();
    }
  }

  @Test
  void writesAtOffsetSetsIndexesAndGrowsCapacity() {
    ByteBuf buf = Unpooled.buffer(16);
    try {
      int len =
          new PacketBuilder().addresses("fd00::1", "fd00::2").tcp(buf, 64, 1, 2, 3, 4, 0x12, 100);
      assertEquals(40 + 20 + 100, len);
      assertEquals(64, buf.readerIndex());
      assertEquals(64 + len, buf.writerIndex());
      assertTrue(buf.capacity() >= 64 + len);
      assertEquals(ParseStatus.OK, info.parse(buf));
      assertEquals(6, info.version);
      assertEquals(6, info.protocol);
      assertEquals(1, info.srcPort);
      assertEquals(2, info.dstPort);
      assertEquals(len, info.totalLength);
      assertEquals(99, buf.getUnsignedByte(64 + 60 + 99), "pattern payload (byte) i");
      assertTrue(Checksums.verifyTransportChecksum(buf, 64, 64 + 40, len - 40, 6));
      byte[] pkt = toArray(buf);
      assertEquals(slowTransportChecksum(pkt, 40, 6), u16(pkt, 40 + 16));
      assertEquals(0x12, pkt[40 + 13], "flags");
      assertEquals(0x50, pkt[40 + 12] & 0xFF, "data offset 5");
    } finally {
      buf.release();
    }
  }

  @Test
  void icmpEchoBothVersions() {
    ByteBuf buf = Unpooled.buffer(128);
    try {
      PacketBuilder b4 = new PacketBuilder().addresses("10.0.0.1", "10.0.0.2").ttl(1);
      b4.icmpEcho(buf, 0, true, 0x1234, 7, 56);
      assertEquals(ParseStatus.OK, info.parse(buf));
      assertEquals(1, info.protocol);
      assertEquals(8, info.icmpType);
      assertEquals(1, buf.getUnsignedByte(8));
      byte[] pkt = toArray(buf);
      assertEquals(slowTransportChecksum(pkt, 20, 1), u16(pkt, 22));
      assertEquals(slowIpv4HeaderChecksum(pkt), u16(pkt, 10));

      PacketBuilder b6 = new PacketBuilder().addresses("2001:db8::1", "2001:db8::2");
      b6.icmpEcho(buf, 0, false, 1, 2, new byte[] {1, 2, 3});
      assertEquals(ParseStatus.OK, info.parse(buf));
      assertEquals(58, info.protocol);
      assertEquals(129, info.icmpType);
      pkt = toArray(buf);
      assertEquals(slowTransportChecksum(pkt, 40, 58), u16(pkt, 42));
      assertTrue(Checksums.verifyTransportChecksum(buf, 0, 40, 11, 58));
    } finally {
      buf.release();
    }
  }

  @Test
  void rawPacket() {
    ByteBuf buf = Unpooled.buffer(64);
    try {
      new PacketBuilder().addresses("10.0.0.1", "10.0.0.2").raw(buf, 0, 50, new byte[12]);
      assertEquals(ParseStatus.OK, info.parse(buf));
      assertEquals(50, info.protocol);
      assertEquals(32, info.totalLength);
      assertTrue(Checksums.verifyIpv4HeaderChecksum(buf, 0));
    } finally {
      buf.release();
    }
  }

  @Test
  void refusesMixedVersionsAndOversizedPackets() {
    assertThrows(
        IllegalArgumentException.class, () -> new PacketBuilder().addresses("10.0.0.1", "fd00::1"));
    ByteBuf buf = Unpooled.buffer(16);
    try {
      PacketBuilder b = new PacketBuilder().addresses("10.0.0.1", "10.0.0.2");
      assertThrows(IllegalArgumentException.class, () -> b.udp(buf, 0, 1, 2, 65535 - 28 + 1));
      assertEquals(65535, b.udp(buf, 0, 1, 2, 65535 - 28));
    } finally {
      buf.release();
    }
  }
}
