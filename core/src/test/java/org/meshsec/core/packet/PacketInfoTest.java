package org.meshsec.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.meshsec.core.packet.TestPackets.bytes;
import static org.meshsec.core.packet.TestPackets.cat;
import static org.meshsec.core.packet.TestPackets.extension;
import static org.meshsec.core.packet.TestPackets.hex;
import static org.meshsec.core.packet.TestPackets.ipv4Header;
import static org.meshsec.core.packet.TestPackets.ipv6;
import static org.meshsec.core.packet.TestPackets.tcpHeader;
import static org.meshsec.core.packet.TestPackets.udpHeader;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PacketInfoTest {
  private static final int A = 0x0A000001; // 10.0.0.1
  private static final int B = 0xC0A80102; // 192.168.1.2

  private final PacketInfo info = new PacketInfo();

  private ParseStatus parse(byte[] pkt) {
    ByteBuf buf = Unpooled.copiedBuffer(pkt);
    try {
      return info.parse(buf);
    } finally {
      buf.release();
    }
  }

  private void assertStatus(ParseStatus expected, byte[] pkt) {
    assertEquals(expected, parse(pkt));
    if (expected != ParseStatus.OK) {
      assertEquals(0, info.version, "version is cleared on failure");
    }
  }

  // ---------------------------------------------------------------- IPv4

  @Test
  void ipv4UdpFields() {
    byte[] pkt = cat(ipv4Header(17, 12, 0, A, B), udpHeader(5000, 53, 12), bytes(1, 2, 3, 4));
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(4, info.version);
    assertEquals(0, info.srcHi);
    assertEquals(0x0A000001L, info.srcLo);
    assertEquals(0xC0A80102L, info.dstLo, "unsigned");
    assertEquals(17, info.protocol);
    assertEquals(5000, info.srcPort);
    assertEquals(53, info.dstPort);
    assertEquals(-1, info.icmpType);
    assertEquals(20, info.l4Offset);
    assertEquals(32, info.totalLength);
    assertFalse(info.fragment);
  }

  @Test
  void ipv4RealTcpSynFromRfc9235() {
    // RFC 9235 section 4.1.1: 10.11.12.13:59863 -> 172.27.28.29:179, TCP SYN with options
    byte[] pkt =
        hex(
            "45 e0 00 4c dd 0f 40 00 ff 06 bf 6b 0a 0b 0c 0d ac 1b 1c 1d e9 d7 00 b3 fb fb ab 5a"
                + " 00 00 00 00 e0 02 ff ff ca c4 00 00 02 04 05 b4 01 03 03 08 04 02 08 0a 00 15"
                + " 5a b7 00 00 00 00 1d 10 3d 54 2e e4 37 c6 f8 ed e6 d7 c4 d6 02 e7");
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(6, info.protocol);
    assertEquals(0xE9D7, info.srcPort);
    assertEquals(179, info.dstPort);
    assertEquals(0x0A0B0C0DL, info.srcLo);
    assertEquals(0xAC1B1C1DL, info.dstLo);
    assertEquals(0x4C, info.totalLength);
  }

  @Test
  void ipv4WithOptionsUsesIhl() {
    byte[] h = ipv4Header(6, 24, 0, A, B);
    h[0] = 0x46; // IHL 6: one word of options
    h[3] = (byte) (24 + 20);
    byte[] pkt = cat(h, bytes(1, 1, 1, 0), tcpHeader(1234, 22));
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(24, info.l4Offset);
    assertEquals(1234, info.srcPort);
    assertEquals(22, info.dstPort);
  }

  @Test
  void ipv4TrailingBytesBeyondTotalLengthAreIgnored() {
    byte[] pkt = cat(ipv4Header(17, 8, 0, A, B), udpHeader(1, 2, 8), new byte[18]);
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(28, info.totalLength);
  }

  @Test
  void ipv4IcmpTypeAndCode() {
    byte[] pkt = cat(ipv4Header(1, 8, 0, A, B), bytes(3, 4, 0, 0, 0, 0, 5, 0xDC));
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(1, info.protocol);
    assertEquals(3, info.icmpType);
    assertEquals(4, info.icmpCode);
    assertEquals(-1, info.srcPort);
    assertEquals(-1, info.dstPort);
  }

  @Test
  void ipv4SctpAndUdpLitePorts() {
    assertStatus(
        ParseStatus.OK, cat(ipv4Header(132, 12, 0, A, B), bytes(0, 9, 0, 10), new byte[8]));
    assertEquals(9, info.srcPort);
    assertEquals(10, info.dstPort);
    assertStatus(ParseStatus.OK, cat(ipv4Header(136, 8, 0, A, B), udpHeader(7, 8, 0)));
    assertEquals(136, info.protocol);
    assertEquals(7, info.srcPort);
    assertEquals(8, info.dstPort);
  }

  @Test
  void ipv4OtherProtocolHasNoPorts() {
    assertStatus(ParseStatus.OK, cat(ipv4Header(50, 8, 0, A, B), new byte[8]));
    assertEquals(50, info.protocol);
    assertEquals(-1, info.srcPort);
    assertEquals(-1, info.icmpType);
  }

  @Test
  void ipv4FirstFragmentHasPortsNonFirstDoesNot() {
    // MF set, offset 0: the first fragment carries the UDP header
    assertStatus(
        ParseStatus.OK, cat(ipv4Header(17, 16, 0x2000, A, B), udpHeader(1, 2, 100), new byte[8]));
    assertFalse(info.fragment);
    assertEquals(1, info.srcPort);
    // offset 2 (16 bytes), MF set: a middle fragment
    assertStatus(ParseStatus.OK, cat(ipv4Header(17, 16, 0x2002, A, B), new byte[16]));
    assertTrue(info.fragment);
    assertEquals(17, info.protocol);
    assertEquals(-1, info.srcPort);
    assertEquals(-1, info.dstPort);
    assertEquals(20, info.l4Offset);
    // last fragment (MF clear, offset non-zero), too short to hold a UDP header: still fine
    assertStatus(ParseStatus.OK, cat(ipv4Header(1, 3, 0x0010, A, B), new byte[3]));
    assertTrue(info.fragment);
    assertEquals(-1, info.icmpType);
    // DF alone is not a fragment
    assertStatus(ParseStatus.OK, cat(ipv4Header(17, 8, 0x4000, A, B), udpHeader(1, 2, 8)));
    assertFalse(info.fragment);
  }

  @Test
  void ipv4Malformed() {
    assertStatus(ParseStatus.TRUNCATED, new byte[0]);
    assertStatus(ParseStatus.TRUNCATED, Arrays.copyOf(ipv4Header(17, 0, 0, A, B), 19));
    assertStatus(ParseStatus.BAD_VERSION, bytes(0x55, 0, 0, 20));
    assertStatus(ParseStatus.BAD_VERSION, bytes(0x05));

    byte[] ihl4 = cat(ipv4Header(17, 8, 0, A, B), udpHeader(1, 2, 8));
    ihl4[0] = 0x44;
    assertStatus(ParseStatus.BAD_HEADER_LENGTH, ihl4);

    byte[] ihlPastTotal = cat(ipv4Header(17, 8, 0, A, B), udpHeader(1, 2, 8));
    ihlPastTotal[0] = 0x48; // 32-byte header in a 28-byte packet
    assertStatus(ParseStatus.BAD_HEADER_LENGTH, ihlPastTotal);

    byte[] tooLong = cat(ipv4Header(17, 8, 0, A, B), udpHeader(1, 2, 8));
    tooLong[3] = 29; // one more byte than present
    assertStatus(ParseStatus.BAD_TOTAL_LENGTH, tooLong);

    byte[] tooShort = cat(ipv4Header(17, 8, 0, A, B), udpHeader(1, 2, 8));
    tooShort[3] = 19; // total length below the minimum header
    assertStatus(ParseStatus.BAD_TOTAL_LENGTH, tooShort);

    assertStatus(ParseStatus.TRUNCATED_L4, cat(ipv4Header(17, 7, 0, A, B), new byte[7]));
    assertStatus(ParseStatus.TRUNCATED_L4, cat(ipv4Header(6, 19, 0, A, B), new byte[19]));
    assertStatus(ParseStatus.TRUNCATED_L4, cat(ipv4Header(132, 11, 0, A, B), new byte[11]));
    assertStatus(ParseStatus.TRUNCATED_L4, cat(ipv4Header(1, 3, 0, A, B), new byte[3]));
    // the L4 bound is the total length, not the bytes present
    byte[] cut = cat(ipv4Header(17, 4, 0, A, B), udpHeader(1, 2, 8));
    assertStatus(ParseStatus.TRUNCATED_L4, cut);
  }

  @Test
  void parseDoesNotMoveIndexesAndHonoursReaderIndex() {
    byte[] pkt = cat(ipv4Header(17, 8, 0, A, B), udpHeader(1, 2, 8));
    ByteBuf buf = Unpooled.buffer(100);
    try {
      buf.writeZero(13);
      buf.writeBytes(pkt);
      buf.readerIndex(13);
      assertEquals(ParseStatus.OK, info.parse(buf));
      assertEquals(13, buf.readerIndex());
      assertEquals(13 + pkt.length, buf.writerIndex());
      assertEquals(20, info.l4Offset, "offsets are relative to the reader index");
      assertEquals(2, info.dstPort);
    } finally {
      buf.release();
    }
  }

  @Test
  void reparseClearsPreviousFields() {
    assertStatus(ParseStatus.OK, cat(ipv4Header(17, 8, 0, A, B), udpHeader(1, 2, 8)));
    assertStatus(ParseStatus.OK, cat(ipv4Header(1, 8, 0, A, B), bytes(8, 0, 0, 0, 0, 0, 0, 0)));
    assertEquals(-1, info.srcPort);
    assertEquals(8, info.icmpType);
    assertStatus(ParseStatus.OK, ipv6(59, new byte[0]));
    assertEquals(-1, info.icmpType);
    assertFalse(info.fragment);
  }

  // ---------------------------------------------------------------- IPv6

  @Test
  void ipv6UdpFields() {
    byte[] pkt = ipv6(17, cat(udpHeader(546, 547, 10), bytes(1, 2)));
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(6, info.version);
    assertEquals(0xFD00000000000000L, info.srcHi);
    assertEquals(1L, info.srcLo);
    assertEquals(0xFD00000000000000L, info.dstHi);
    assertEquals(2L, info.dstLo);
    assertEquals(546, info.srcPort);
    assertEquals(547, info.dstPort);
    assertEquals(40, info.l4Offset);
    assertEquals(50, info.totalLength);
  }

  @Test
  void ipv6RealTcpSynFromRfc9235() {
    // RFC 9235 section 6.1.1: fd00::1 port 63460 -> fd00::2 port 179
    byte[] pkt =
        hex(
            "6e 08 91 dc 00 38 06 40 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 fd 00 00 00"
                + " 00 00 00 00 00 00 00 00 00 00 00 02 f7 e4 00 b3 17 6a 83 3f 00 00 00 00 e0 02"
                + " ff ff 47 21 00 00 02 04 05 a0 01 03 03 08 04 02 08 0a 00 41 d0 87 00 00 00 00"
                + " 1d 10 3d 54 90 33 ec 3d 73 34 b6 4c 5e dd 03 9f");
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(6, info.protocol);
    assertEquals(0xF7E4, info.srcPort);
    assertEquals(179, info.dstPort);
    assertEquals(40 + 0x38, info.totalLength);
  }

  @Test
  void ipv6WalksEveryExtensionHeader() {
    // HBH (8) -> Routing, segments left 0 (16) -> DstOpts (8) -> Fragment offset 0 (8)
    //   -> AH (len 4 = 24 bytes) -> TCP
    byte[] routing = extension(60, 1);
    byte[] fragFirst = bytes(51, 0, 0, 1, 0, 0, 0, 7); // offset 0, M set
    byte[] ah = new byte[24];
    ah[0] = 6;
    ah[1] = 4;
    byte[] chain =
        cat(extension(43, 0), routing, extension(44, 0), fragFirst, ah, tcpHeader(40000, 443));
    assertStatus(ParseStatus.OK, ipv6(0, chain));
    assertEquals(6, info.protocol);
    assertEquals(40 + 8 + 16 + 8 + 8 + 24, info.l4Offset);
    assertEquals(40000, info.srcPort);
    assertEquals(443, info.dstPort);
    assertFalse(info.fragment);
    assertFalse(info.routingPending);
  }

  @Test
  void ipv6RoutingHeaderWithSegmentsLeftIsNoted() {
    byte[] rh = extension(17, 0);
    rh[2] = 4; // routing type
    rh[3] = 1; // segments left
    assertStatus(ParseStatus.OK, ipv6(43, cat(rh, udpHeader(1, 2, 8))));
    assertTrue(info.routingPending);
    assertEquals(17, info.protocol);
  }

  @Test
  void ipv6NonFirstFragment() {
    byte[] frag = bytes(58, 0, 0x05, 0x39, 0, 0, 0, 1); // offset 167, M set
    assertStatus(ParseStatus.OK, ipv6(44, cat(frag, new byte[3])));
    assertTrue(info.fragment);
    assertEquals(58, info.protocol);
    assertEquals(-1, info.icmpType);
    assertEquals(-1, info.srcPort);
    assertEquals(48, info.l4Offset);
  }

  @Test
  void ipv6StopsAtEspAndNoNextHeader() {
    assertStatus(ParseStatus.OK, ipv6(60, cat(extension(50, 0), new byte[16])));
    assertEquals(50, info.protocol);
    assertEquals(48, info.l4Offset);
    assertEquals(-1, info.srcPort);
    assertStatus(ParseStatus.OK, ipv6(59, new byte[5]));
    assertEquals(59, info.protocol);
    assertEquals(40, info.l4Offset);
  }

  @Test
  void ipv6Icmpv6() {
    assertStatus(ParseStatus.OK, ipv6(58, bytes(128, 0, 0, 0, 0, 1, 0, 1)));
    assertEquals(58, info.protocol);
    assertEquals(128, info.icmpType);
    assertEquals(0, info.icmpCode);
  }

  @Test
  void ipv6TrailingBytesAreIgnored() {
    byte[] pkt = cat(ipv6(17, udpHeader(1, 2, 8)), new byte[7]);
    assertStatus(ParseStatus.OK, pkt);
    assertEquals(48, info.totalLength);
  }

  @Test
  void ipv6Malformed() {
    assertStatus(ParseStatus.TRUNCATED, Arrays.copyOf(ipv6(59, new byte[0]), 39));

    byte[] tooLong = ipv6(17, udpHeader(1, 2, 8));
    tooLong[5] = 9;
    assertStatus(ParseStatus.BAD_TOTAL_LENGTH, tooLong);

    // extension header longer than the payload
    byte[] longExt = ipv6(60, cat(extension(59, 0)));
    longExt[41] = 1; // now claims 16 bytes in an 8-byte payload
    assertStatus(ParseStatus.BAD_EXTENSION_HEADER, longExt);
    // extension header cut before its length byte
    assertStatus(ParseStatus.BAD_EXTENSION_HEADER, ipv6(0, bytes(59, 0, 0, 0)));
    // hop-by-hop not first
    assertStatus(
        ParseStatus.BAD_EXTENSION_HEADER, ipv6(60, cat(extension(0, 0), extension(59, 0))));
    // AH with a length too small for its own fixed part
    assertStatus(ParseStatus.BAD_EXTENSION_HEADER, ipv6(51, cat(bytes(59, 0), new byte[6])));
    // payload length 0 with a hop-by-hop header (a jumbogram) is not supported
    assertStatus(ParseStatus.BAD_EXTENSION_HEADER, cat(ipv6(0, new byte[0]), extension(59, 0)));
    // upper layer cut short
    assertStatus(ParseStatus.TRUNCATED_L4, ipv6(6, new byte[19]));
    assertStatus(ParseStatus.TRUNCATED_L4, ipv6(60, cat(extension(17, 0), new byte[7])));
    assertStatus(ParseStatus.TRUNCATED_L4, ipv6(58, new byte[3]));
  }

  @Test
  void ipv6ExtensionHeaderChainIsBounded() {
    byte[] chain = new byte[0];
    for (int i = 0; i < PacketInfo.MAX_EXTENSION_HEADERS - 1; i++) {
      chain = cat(chain, extension(60, 0));
    }
    byte[] ok = ipv6(60, cat(chain, extension(59, 0)));
    assertStatus(ParseStatus.OK, ok);
    assertEquals(59, info.protocol);
    byte[] tooMany = ipv6(60, cat(chain, extension(60, 0), extension(59, 0)));
    assertStatus(ParseStatus.BAD_EXTENSION_HEADER, tooMany);
  }

  // ---------------------------------------------------------------- robustness

  @Test
  void randomBytesNeverThrow() {
    SplittableRandom rnd = new SplittableRandom(0x5EED_0001L);
    int[] counts = new int[ParseStatus.values().length];
    ByteBuf buf = Unpooled.buffer(200);
    try {
      for (int iter = 0; iter < 200_000; iter++) {
        int len = rnd.nextInt(120);
        buf.clear();
        for (int i = 0; i < len; i++) {
          buf.writeByte(rnd.nextInt(256));
        }
        if (len > 0 && rnd.nextBoolean()) {
          // steer towards the interesting versions and plausible lengths
          buf.setByte(0, (rnd.nextBoolean() ? 0x40 : 0x60) | rnd.nextInt(16));
          if (len > 6) {
            buf.setShort(2, rnd.nextInt(len + 4));
            buf.setShort(4, rnd.nextInt(len));
            buf.setByte(6, new int[] {0, 6, 17, 43, 44, 50, 51, 58, 60}[rnd.nextInt(9)]);
          }
        }
        checkInvariants(buf, counts);
      }
    } finally {
      buf.release();
    }
    assertTrue(counts[ParseStatus.OK.ordinal()] > 1000, Arrays.toString(counts));
  }

  @Test
  void mutatedValidPacketsNeverThrow() {
    SplittableRandom rnd = new SplittableRandom(0x5EED_0002L);
    PacketBuilder b4 = new PacketBuilder().addresses("10.1.2.3", "10.4.5.6");
    PacketBuilder b6 = new PacketBuilder().addresses("fd00::1", "fd00::2");
    int[] counts = new int[ParseStatus.values().length];
    ByteBuf buf = Unpooled.buffer(2048);
    try {
      for (int iter = 0; iter < 50_000; iter++) {
        PacketBuilder b = rnd.nextBoolean() ? b4 : b6;
        int payload = rnd.nextInt(64);
        switch (rnd.nextInt(3)) {
          case 0 -> b.udp(buf, 0, rnd.nextInt(65536), rnd.nextInt(65536), payload);
          case 1 -> b.tcp(buf, 0, 1, 2, 3, 4, PacketBuilder.TCP_ACK, payload);
          default -> b.icmpEcho(buf, 0, true, 7, iter, payload);
        }
        int flips = 1 + rnd.nextInt(4);
        for (int f = 0; f < flips; f++) {
          int at = rnd.nextInt(Math.min(buf.writerIndex(), 48));
          buf.setByte(at, rnd.nextInt(256));
        }
        if (rnd.nextInt(4) == 0) {
          buf.writerIndex(rnd.nextInt(buf.writerIndex() + 1));
        }
        checkInvariants(buf, counts);
      }
    } finally {
      buf.release();
    }
    for (ParseStatus s : ParseStatus.values()) {
      if (s != ParseStatus.BAD_VERSION) {
        assertTrue(counts[s.ordinal()] > 0, s + " never produced: " + Arrays.toString(counts));
      }
    }
  }

  private void checkInvariants(ByteBuf buf, int[] counts) {
    ParseStatus st;
    try {
      st = info.parse(buf);
    } catch (RuntimeException e) {
      fail("parse threw on " + io.netty.buffer.ByteBufUtil.hexDump(buf), e);
      return;
    }
    assertNotNull(st);
    counts[st.ordinal()]++;
    if (st == ParseStatus.OK) {
      assertTrue(info.version == 4 || info.version == 6);
      assertTrue(info.totalLength <= buf.readableBytes());
      assertTrue(info.l4Offset <= info.totalLength);
      assertTrue(info.srcPort >= -1 && info.srcPort <= 65535);
      if (info.fragment) {
        assertEquals(-1, info.srcPort);
        assertEquals(-1, info.icmpType);
      }
    } else {
      assertEquals(0, info.version);
    }
  }

  @Test
  void parseDoesNotAllocate() {
    byte[] v6 =
        ipv6(
            0,
            cat(
                extension(60, 0),
                extension(44, 0),
                bytes(17, 0, 0, 0, 0, 0, 0, 0),
                udpHeader(1, 2, 8)));
    ByteBuf a = Unpooled.copiedBuffer(cat(ipv4Header(6, 20, 0, A, B), tcpHeader(1, 22)));
    ByteBuf b = Unpooled.copiedBuffer(v6);
    try {
      com.sun.management.ThreadMXBean mx =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long tid = Thread.currentThread().getId();
      int sink = 0;
      for (int i = 0; i < 20_000; i++) { // warm-up
        sink += info.parse(a).ordinal() + info.parse(b).ordinal();
      }
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 100_000; i++) {
        sink += info.parse(a).ordinal() + info.parse(b).ordinal() + info.dstPort;
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      assertTrue(allocated < 4096, "parse allocated " + allocated + " bytes");
      assertEquals(100_000 * 2, sink);
    } finally {
      a.release();
      b.release();
    }
  }
}
