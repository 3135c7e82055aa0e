package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.core.packet.ParseStatus;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.EspOverhead;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

/** ICMP "fragmentation needed" / ICMPv6 "packet too big" and TCP MSS clamping. */
class MtuGuardTest {

  static PacketInfo parse(ByteBuf b) {
    PacketInfo i = new PacketInfo();
    assertEquals(ParseStatus.OK, i.parse(b));
    return i;
  }

  @Test
  void ipv4WithDfGetsFragmentationNeededQuotingTheHeader() {
    ByteBuf ip = Unpooled.buffer(2000);
    new PacketBuilder()
        .addresses("10.0.0.10", "10.0.1.10")
        .dontFragment(true)
        .udp(ip, 0, 1, 2, 1400);
    PacketInfo info = parse(ip);
    ByteBuf icmp = MtuGuard.tooBig(ByteBufAllocator.DEFAULT, ip, info, 1300);
    assertNotNull(icmp);
    PacketInfo e = parse(icmp);
    assertEquals(1, e.protocol);
    assertEquals(3, e.icmpType);
    assertEquals(4, e.icmpCode);
    assertEquals(info.srcLo, e.dstLo, "sent back to the sender");
    int r = icmp.readerIndex();
    assertTrue(Checksums.verifyIpv4HeaderChecksum(icmp, r));
    assertEquals(
        0, Checksums.internetChecksum(icmp, r + 20, icmp.readableBytes() - 20), "ICMP sum");
    assertEquals(1300, icmp.getUnsignedShort(r + 26), "next-hop MTU");
    byte[] quoted = new byte[28];
    icmp.getBytes(r + 28, quoted);
    byte[] orig = new byte[28];
    ip.getBytes(0, orig);
    assertArrayEquals(orig, quoted);
    assertTrue(icmp.readableBytes() <= MtuGuard.ICMP4_MAX);
    icmp.release();
  }

  @Test
  void ipv4WithoutDfAndIcmpErrorsGetNothing() {
    ByteBuf ip = Unpooled.buffer(2000);
    new PacketBuilder()
        .addresses("10.0.0.10", "10.0.1.10")
        .dontFragment(false)
        .udp(ip, 0, 1, 2, 1400);
    assertNull(MtuGuard.tooBig(ByteBufAllocator.DEFAULT, ip, parse(ip), 1300));
  }

  @Test
  void ipv6GetsPacketTooBigWithValidChecksumAndAtLeast1280() {
    ByteBuf ip = Unpooled.buffer(3000);
    new PacketBuilder().addresses("fd00::10", "fd00:1::10").udp(ip, 0, 1, 2, 1800);
    PacketInfo info = parse(ip);
    ByteBuf icmp = MtuGuard.tooBig(ByteBufAllocator.DEFAULT, ip, info, 1000);
    PacketInfo e = parse(icmp);
    assertEquals(58, e.protocol);
    assertEquals(2, e.icmpType);
    int r = icmp.readerIndex();
    assertEquals(1280, icmp.getInt(r + 44), "never below the IPv6 minimum MTU");
    assertTrue(Checksums.verifyTransportChecksum(icmp, r, r + 40, icmp.readableBytes() - 40, 58));
    assertTrue(icmp.readableBytes() <= MtuGuard.ICMP6_MAX);
    icmp.release();
  }

  @Test
  void dataPathAnswersOversizedPacketsIntoTheTunAndSendsTheRest() throws Exception {
    Node a = new Node("a", "192.0.2.1", 1400);
    Node b = new Node("b", "192.0.2.2");
    a.wire = (esp, from, to) -> b.dp.inbound(esp, from);
    Selector sel = Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"));
    Policy pa = a.protect(sel, IpsecMode.TUNNEL, EspSuite.AES128_GCM16, b);
    Policy pb = b.protect(sel.reverse(), IpsecMode.TUNNEL, EspSuite.AES128_GCM16, a);
    Node.keyPair(a, pa, b, pb, sel, IpsecMode.TUNNEL, EspSuite.AES128_GCM16, 0x1000);
    int limit = EspOverhead.maxInnerPacket(1400, EspSuite.AES128_GCM16, IpsecMode.TUNNEL, 4);

    a.fromTun(packet(limit + 1, true)); // one byte too many, DF set
    assertTrue(b.delivered.isEmpty(), "not sent");
    byte[] err = a.delivered.poll();
    assertNotNull(err, "ICMP error written back into a's TUN");
    PacketInfo e = parse(Unpooled.wrappedBuffer(err));
    assertEquals(3, e.icmpType);
    assertEquals(limit, ((err[26] & 0xFF) << 8) | (err[27] & 0xFF), "the MTU that fits");
    assertEquals(1, a.dp.stats().get(XfrmStat.OUT_PKT_TOO_BIG));

    byte[] fits = packet(limit, true);
    a.fromTun(fits);
    assertArrayEquals(fits, b.delivered.poll(), "a packet that fits crosses");
    byte[] noDf = packet(limit + 50, false);
    a.fromTun(noDf);
    assertArrayEquals(noDf, b.delivered.poll(), "without DF it is sent (outer UDP fragments)");
  }

  static byte[] packet(int total, boolean df) {
    ByteBuf ip = Unpooled.buffer(total + 100);
    int len =
        new PacketBuilder()
            .addresses("10.0.0.10", "10.0.1.10")
            .dontFragment(df)
            .udp(ip, 0, 1, 2, total - 28);
    byte[] out = new byte[len];
    ip.getBytes(0, out);
    return out;
  }

  @Test
  void mssIsClampedOnSynAndChecksumStaysValid() {
    for (String[] addrs : new String[][] {{"10.0.0.1", "10.0.1.1"}, {"fd00::1", "fd00:1::1"}}) {
      ByteBuf ip = Unpooled.buffer(200);
      PacketBuilder pb = new PacketBuilder().addresses(addrs[0], addrs[1]);
      int hl = pb.ipHeaderLength();
      // SYN with options: MSS 1460, NOP, NOP, SACK-permitted
      byte[] opts = {2, 4, 0x05, (byte) 0xB4, 1, 1, 4, 2};
      int len = pb.tcp(ip, 0, 40000, 80, 1, 0, PacketBuilder.TCP_SYN, 0);
      // rebuild with a 28-byte TCP header carrying the options
      ByteBuf pkt = Unpooled.buffer(200);
      pkt.writeBytes(ip, 0, hl + 20);
      pkt.setByte(hl + 12, (28 / 4) << 4);
      pkt.writeBytes(opts);
      if (hl == 20) {
        pkt.setShort(2, hl + 28);
        pkt.setShort(10, 0);
        Checksums.setIpv4HeaderChecksum(pkt, 0);
      } else {
        pkt.setShort(4, 28);
      }
      Checksums.setTransportChecksum(pkt, 0, hl, 28, 6);
      assertTrue(len > 0);
      PacketInfo info = parse(pkt);
      MtuGuard.clampMss(pkt, info, 1360);
      assertEquals(1360, pkt.getUnsignedShort(hl + 22));
      assertTrue(Checksums.verifyTransportChecksum(pkt, 0, hl, 28, 6), "checksum fixed");
      MtuGuard.clampMss(pkt, info, 1400); // larger than present: untouched
      assertEquals(1360, pkt.getUnsignedShort(hl + 22));
    }
  }
}
