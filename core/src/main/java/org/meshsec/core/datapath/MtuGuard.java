package org.meshsec.core.datapath;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;

/**
 * MTU handling on the TUN side: ICMP "fragmentation needed" (RFC 792, RFC 1191) and ICMPv6 "packet
 * too big" (RFC 4443 section 3.2) for packets that would not fit the underlay path once wrapped in
 * ESP in UDP, so that path-MTU discovery works through the tunnel; and TCP MSS clamping, so TCP
 * never sends such packets in the first place.
 *
 * <p>The ICMP error's source address is the original packet's destination (we do not know the TUN
 * device's own address here); hosts accept it because they match errors by the quoted header.
 *
 * <p>Stateless and thread-safe.
 */
final class MtuGuard {
  private MtuGuard() {}

  /** Most of the offending packet an ICMPv4 error quotes: the whole error fits in 576 bytes. */
  static final int ICMP4_MAX = 576;

  /** An ICMPv6 error fits in the IPv6 minimum MTU (RFC 4443 section 2.4 (c)). */
  static final int ICMP6_MAX = 1280;

  /**
   * Builds the ICMP error telling the sender of {@code ip} that at most {@code mtu} bytes fit, or
   * returns null when none is due: an IPv4 packet without DF (the outer datagram will be fragmented
   * instead), or an ICMP error itself (never answer an error with an error, RFC 1122 3.2.2).
   */
  static ByteBuf tooBig(ByteBufAllocator alloc, ByteBuf ip, PacketInfo info, int mtu) {
    int r = ip.readerIndex();
    if (info.version == 4) {
      boolean df = (ip.getByte(r + 6) & 0x40) != 0;
      if (!df || isIcmpError(info)) {
        return null;
      }
      int quote = Math.min(ip.readableBytes(), ICMP4_MAX - 28);
      ByteBuf out = alloc.directBuffer(DataPath.HEADROOM + 28 + quote);
      out.writerIndex(DataPath.HEADROOM).readerIndex(DataPath.HEADROOM);
      int at = out.writerIndex();
      out.writeByte(0x45).writeByte(0).writeShort(28 + quote).writeShort(0).writeShort(0);
      out.writeByte(64).writeByte(1).writeShort(0);
      out.writeInt((int) info.dstLo).writeInt((int) info.srcLo);
      Checksums.setIpv4HeaderChecksum(out, at);
      int icmp = out.writerIndex();
      out.writeByte(3).writeByte(4).writeShort(0).writeShort(0).writeShort(mtu); // frag needed
      out.writeBytes(ip, r, quote);
      out.setShort(icmp + 2, Checksums.internetChecksum(out, icmp, 8 + quote));
      return out;
    }
    if (isIcmpError(info)) {
      return null;
    }
    int quote = Math.min(ip.readableBytes(), ICMP6_MAX - 48);
    ByteBuf out = alloc.directBuffer(DataPath.HEADROOM + 48 + quote);
    out.writerIndex(DataPath.HEADROOM).readerIndex(DataPath.HEADROOM);
    int at = out.writerIndex();
    out.writeInt(0x60000000).writeShort(8 + quote).writeByte(58).writeByte(255);
    out.writeLong(info.dstHi).writeLong(info.dstLo).writeLong(info.srcHi).writeLong(info.srcLo);
    int icmp = out.writerIndex();
    out.writeByte(2).writeByte(0).writeShort(0).writeInt(Math.max(mtu, 1280)); // packet too big
    out.writeBytes(ip, r, quote);
    Checksums.setTransportChecksum(out, at, icmp, 8 + quote, 58);
    return out;
  }

  private static boolean isIcmpError(PacketInfo info) {
    if (info.protocol == 1) {
      return info.icmpType != 0 && info.icmpType != 8; // not echo reply / request
    }
    if (info.protocol == 58) {
      return info.icmpType >= 0 && info.icmpType < 128; // RFC 4443: errors are 0..127
    }
    return false;
  }

  /**
   * Lowers the MSS option of a TCP SYN (or SYN-ACK) to {@code maxMss} if it is larger, fixing the
   * checksum incrementally (RFC 1624). Does nothing for other packets.
   */
  static void clampMss(ByteBuf ip, PacketInfo info, int maxMss) {
    if (info.protocol != 6 || info.fragment) {
      return;
    }
    int tcp = ip.readerIndex() + info.l4Offset;
    if (ip.writerIndex() < tcp + 20 || (ip.getByte(tcp + 13) & 0x02) == 0) {
      return; // not a SYN
    }
    int end = Math.min(tcp + ((ip.getByte(tcp + 12) >> 4) & 0xF) * 4, ip.writerIndex());
    int at = tcp + 20;
    while (at < end) {
      int kind = ip.getByte(at) & 0xFF;
      if (kind == 0) {
        return; // end of options
      }
      if (kind == 1) {
        at++; // NOP
        continue;
      }
      if (at + 1 >= end) {
        return;
      }
      int len = ip.getByte(at + 1) & 0xFF;
      if (len < 2 || at + len > end) {
        return;
      }
      if (kind == 2 && len == 4) {
        int mss = ip.getUnsignedShort(at + 2);
        if (mss > maxMss) {
          ip.setShort(at + 2, maxMss);
          int sum = ip.getUnsignedShort(tcp + 16);
          ip.setShort(tcp + 16, Checksums.update16(sum, mss, maxMss));
        }
        return;
      }
      at += len;
    }
  }
}
