package org.meshsec.core.packet;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) and its uses in IP packets: the IPv4 header checksum (RFC 791
 * section 3.1), the TCP / UDP / UDP-Lite / ICMPv6 checksums over a pseudo-header (RFC 9293 section
 * 3.1, RFC 768, RFC 3828 section 3.1, RFC 8200 section 8.1, RFC 4443 section 2.3), the ICMP
 * checksum (RFC 792, no pseudo-header), and incremental updates (RFC 1624 eqn. 3).
 *
 * <p>All methods are static, allocation-free, and work on absolute indexes of a {@link ByteBuf}
 * without changing its reader or writer index. They trust their input to be a packet that {@link
 * PacketInfo#parse} accepted (offsets are not re-validated; an index outside the buffer throws
 * Netty's {@link IndexOutOfBoundsException}, a programming error, not a packet error).
 *
 * <p>Sums are carried as an unfolded {@code long} accumulation of big-endian 16-bit words (summed
 * 32 bits at a time: 2^16 = 1 modulo 0xFFFF, so the folded result is the same); {@link #fold}
 * reduces one to 16 bits and {@link #finish} complements it. Several {@link #add} calls may be
 * chained as long as every segment but the last has an even length.
 *
 * <p>Thread-safe: stateless.
 */
public final class Checksums {
  private Checksums() {}

  // ---------------------------------------------------------------- RFC 1071 core

  /**
   * Adds the bytes {@code [index, index + length)} to {@code sum} as big-endian 16-bit words; an
   * odd last byte is padded with a zero byte on the right (RFC 1071 section 1).
   */
  public static long add(long sum, ByteBuf buf, int index, int length) {
    int i = index;
    int end = index + length;
    if (length >= BULK && buf.nioBufferCount() == 1) {
      int bulk = length & ~7;
      sum += bulkSum(buf.internalNioBuffer(index, bulk));
      i += bulk;
    }
    while (end - i >= 8) {
      long v = buf.getLong(i);
      sum += (v >>> 32) + (v & 0xFFFFFFFFL);
      i += 8;
    }
    if (end - i >= 4) {
      sum += buf.getUnsignedInt(i);
      i += 4;
    }
    if (end - i >= 2) {
      sum += buf.getUnsignedShort(i);
      i += 2;
    }
    if (end - i == 1) {
      sum += buf.getUnsignedByte(i) << 8;
    }
    return sum;
  }

  /** From this many bytes on, {@link #add} sums through the buffer's memory in native words. */
  private static final int BULK = 64;

  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * The sum of {@code [position, limit)} (a multiple of 8 bytes) as big-endian 16-bit words, folded
   * to 16 bits. It reads little-endian 64-bit words (plain loads on x86 and ARM, no byte swap and
   * no per-read checks of a {@link ByteBuf}), sums their 16-bit words in that order, and swaps the
   * bytes of the folded result: the sum is independent of byte order up to that swap (RFC 1071
   * section 2 (B)).
   */
  private static int bulkSum(ByteBuffer nio) {
    long a = 0;
    long b = 0;
    int limit = nio.limit();
    for (int p = nio.position(); p < limit; p += 8) {
      long v = (long) LITTLE_ENDIAN_LONG.get(nio, p);
      a += v >>> 32;
      b += v & 0xFFFFFFFFL;
    }
    return Integer.reverseBytes(fold(a + b)) >>> 16;
  }

  /** Folds an accumulated sum to 16 bits with end-around carry (one's complement addition). */
  public static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }

  /** The checksum value of an accumulated sum: the one's complement of its fold, 16 bits. */
  public static int finish(long sum) {
    return ~fold(sum) & 0xFFFF;
  }

  /** The Internet checksum (RFC 1071) of {@code [index, index + length)}. */
  public static int internetChecksum(ByteBuf buf, int index, int length) {
    return finish(add(0, buf, index, length));
  }

  // ---------------------------------------------------------------- IPv4 header

  /**
   * The IPv4 header checksum of the header at {@code ipIndex} (length from its IHL), computed as if
   * the checksum field were zero.
   */
  public static int ipv4HeaderChecksum(ByteBuf buf, int ipIndex) {
    int ihl = (buf.getUnsignedByte(ipIndex) & 0x0F) * 4;
    long s = add(0, buf, ipIndex, 10);
    s = add(s, buf, ipIndex + 12, ihl - 12);
    return finish(s);
  }

  /** Computes and stores the IPv4 header checksum of the header at {@code ipIndex}. */
  public static void setIpv4HeaderChecksum(ByteBuf buf, int ipIndex) {
    buf.setShort(ipIndex + 10, ipv4HeaderChecksum(buf, ipIndex));
  }

  /** Whether the IPv4 header at {@code ipIndex} carries a correct checksum. */
  public static boolean verifyIpv4HeaderChecksum(ByteBuf buf, int ipIndex) {
    int ihl = (buf.getUnsignedByte(ipIndex) & 0x0F) * 4;
    return fold(add(0, buf, ipIndex, ihl)) == 0xFFFF;
  }

  // ---------------------------------------------------------------- pseudo-headers

  /**
   * The pseudo-header sum for the IPv4 (RFC 9293 section 3.1 / RFC 768) or IPv6 (RFC 8200 section
   * 8.1) packet at {@code ipIndex}, taking its addresses from the packet. For an IPv6 packet with a
   * pending Routing header ({@link PacketInfo#routingPending}) the pseudo-header needs the final
   * destination instead: use {@link #pseudoHeaderSum6}.
   *
   * @param l4Length the upper-layer length (header and data) as the pseudo-header carries it
   */
  public static long pseudoHeaderSum(ByteBuf buf, int ipIndex, int protocol, int l4Length) {
    int version = buf.getUnsignedByte(ipIndex) >>> 4;
    long s = version == 4 ? add(0, buf, ipIndex + 12, 8) : add(0, buf, ipIndex + 8, 32);
    return s + protocol + (l4Length & 0xFFFFFFFFL);
  }

  /** The IPv4 pseudo-header sum from address values (e.g. an SA's addresses). */
  public static long pseudoHeaderSum4(int src, int dst, int protocol, int l4Length) {
    return (src & 0xFFFFFFFFL) + (dst & 0xFFFFFFFFL) + protocol + (l4Length & 0xFFFFFFFFL);
  }

  /** The IPv6 pseudo-header sum from address values in two-long form. */
  public static long pseudoHeaderSum6(
      long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int l4Length) {
    return words(srcHi) + words(srcLo) + words(dstHi) + words(dstLo) + protocol + l4Length;
  }

  private static long words(long v) {
    return (v >>> 32) + (v & 0xFFFFFFFFL);
  }

  // ---------------------------------------------------------------- upper-layer checksums

  /**
   * The offset of the checksum field inside the upper-layer header: TCP 16, UDP and UDP-Lite 6,
   * ICMP and ICMPv6 2; -1 for protocols this class does not checksum.
   */
  public static int checksumOffset(int protocol) {
    return switch (protocol) {
      case PacketInfo.PROTO_TCP -> 16;
      case PacketInfo.PROTO_UDP, PacketInfo.PROTO_UDPLITE -> 6;
      case PacketInfo.PROTO_ICMP, PacketInfo.PROTO_ICMPV6 -> 2;
      default -> -1;
    };
  }

  /**
   * The upper-layer checksum of a whole (unfragmented) packet, computed as if its checksum field
   * were zero: TCP, UDP, UDP-Lite and ICMPv6 over the pseudo-header, ICMP (protocol 1) without one.
   * A UDP or UDP-Lite result of zero is returned as 0xFFFF (RFC 768, RFC 3828 section 3.1).
   *
   * @param ipIndex start of the IP header (the pseudo-header addresses are read from it)
   * @param l4Index start of the upper-layer header
   * @param l4Length upper-layer length from the IP header (total length minus headers)
   * @return the 16-bit checksum, or -1 if the protocol has no checksum here, the segment is shorter
   *     than its checksum field, or a UDP-Lite checksum coverage is invalid
   */
  public static int transportChecksum(
      ByteBuf buf, int ipIndex, int l4Index, int l4Length, int protocol) {
    int co = checksumOffset(protocol);
    int covered = coverage(buf, l4Index, l4Length, protocol, co);
    if (covered < 0) {
      return -1;
    }
    long s =
        protocol == PacketInfo.PROTO_ICMP ? 0 : pseudoHeaderSum(buf, ipIndex, protocol, l4Length);
    s = add(s, buf, l4Index, co);
    s = add(s, buf, l4Index + co + 2, covered - co - 2);
    int c = finish(s);
    if (c == 0 && (protocol == PacketInfo.PROTO_UDP || protocol == PacketInfo.PROTO_UDPLITE)) {
      c = 0xFFFF;
    }
    return c;
  }

  /** {@link #transportChecksum} for a packet described by a successful {@link PacketInfo#parse}. */
  public static int transportChecksum(ByteBuf buf, int ipIndex, PacketInfo info) {
    if (info.fragment) {
      return -1;
    }
    return transportChecksum(
        buf, ipIndex, ipIndex + info.l4Offset, info.totalLength - info.l4Offset, info.protocol);
  }

  /**
   * Computes and stores the upper-layer checksum (see {@link #transportChecksum}).
   *
   * @return false (and nothing written) when {@link #transportChecksum} returns -1
   */
  public static boolean setTransportChecksum(
      ByteBuf buf, int ipIndex, int l4Index, int l4Length, int protocol) {
    int c = transportChecksum(buf, ipIndex, l4Index, l4Length, protocol);
    if (c < 0) {
      return false;
    }
    buf.setShort(l4Index + checksumOffset(protocol), c);
    return true;
  }

  /**
   * Whether the upper-layer checksum of a whole packet is correct. A UDP checksum of zero means
   * "not computed": accepted over IPv4 (RFC 768), refused over IPv6 (RFC 8200 section 8.1).
   */
  public static boolean verifyTransportChecksum(
      ByteBuf buf, int ipIndex, int l4Index, int l4Length, int protocol) {
    int co = checksumOffset(protocol);
    int covered = coverage(buf, l4Index, l4Length, protocol, co);
    if (covered < 0) {
      return false;
    }
    if (protocol == PacketInfo.PROTO_UDP && buf.getUnsignedShort(l4Index + 6) == 0) {
      return (buf.getUnsignedByte(ipIndex) >>> 4) == 4;
    }
    long s =
        protocol == PacketInfo.PROTO_ICMP ? 0 : pseudoHeaderSum(buf, ipIndex, protocol, l4Length);
    return fold(add(s, buf, l4Index, covered)) == 0xFFFF;
  }

  /** The number of upper-layer bytes the checksum covers, or -1 if it cannot be computed. */
  private static int coverage(ByteBuf buf, int l4Index, int l4Length, int protocol, int co) {
    if (co < 0 || l4Length < co + 2) {
      return -1;
    }
    if (protocol != PacketInfo.PROTO_UDPLITE) {
      return l4Length;
    }
    // RFC 3828 section 3.1: coverage 0 means the whole datagram; otherwise 8 <= coverage <= length
    int cov = buf.getUnsignedShort(l4Index + 4);
    if (cov == 0) {
      return l4Length;
    }
    return cov < 8 || cov > l4Length ? -1 : cov;
  }

  // ---------------------------------------------------------------- RFC 1624 incremental update

  /** RFC 1624 eqn. 3 for one 16-bit field changing from {@code oldWord} to {@code newWord}. */
  public static int update16(int checksum, int oldWord, int newWord) {
    return applyDelta(checksum, delta16(oldWord, newWord));
  }

  /** RFC 1624 eqn. 3 for a 32-bit field (two 16-bit words), e.g. an IPv4 address. */
  public static int update32(int checksum, int oldValue, int newValue) {
    return applyDelta(checksum, delta32(oldValue, newValue));
  }

  /** The RFC 1624 term {@code ~m + m'} for a 16-bit field, to sum with others. */
  public static long delta16(int oldWord, int newWord) {
    return (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
  }

  /** The RFC 1624 term {@code ~m + m'} for a 32-bit field. */
  public static long delta32(int oldValue, int newValue) {
    return (~oldValue & 0xFFFFFFFFL) + (newValue & 0xFFFFFFFFL);
  }

  /** The RFC 1624 term {@code ~m + m'} for a 64-bit field (half an IPv6 address). */
  public static long delta64(long oldValue, long newValue) {
    return words(~oldValue) + words(newValue);
  }

  /** RFC 1624 eqn. 3 with a summed delta: {@code HC' = ~(~HC + delta)}. */
  public static int applyDelta(int checksum, long delta) {
    return finish((~checksum & 0xFFFF) + delta);
  }

  // ---------------------------------------------------------------- address rewrite

  /**
   * Rewrites the source and destination addresses of the IPv4 or IPv6 packet at {@code ipIndex},
   * which {@code info} describes (a successful {@link PacketInfo#parse} of it), and fixes the
   * checksums that cover them incrementally (RFC 1624): the IPv4 header checksum, and for a packet
   * that is not a non-first fragment the TCP, UDP, UDP-Lite or ICMPv6 checksum (their pseudo-header
   * holds the addresses; ICMP for IPv4 has none). Transport mode needs this: the receiver rebuilds
   * the IP header from the SA's addresses (RFC 3948 section 3.1.2 for the NAT case). The update is
   * exact for first fragments too, since it only adds the address change.
   *
   * <p>A UDP checksum of zero (not computed) stays zero; a UDP / UDP-Lite result of zero is stored
   * as 0xFFFF. With a pending IPv6 Routing header the pseudo-header destination is the final one,
   * which does not change, so only the source change is applied to the upper layer. {@code info}'s
   * addresses are updated. Addresses are in the two-long form of {@link PacketInfo} and must be of
   * the packet's version.
   */
  public static void rewriteAddresses(
      ByteBuf buf, int ipIndex, PacketInfo info, long srcHi, long srcLo, long dstHi, long dstLo) {
    long delta;
    if (info.version == 4) {
      int oldSrc = buf.getInt(ipIndex + 12);
      int oldDst = buf.getInt(ipIndex + 16);
      delta = delta32(oldSrc, (int) srcLo) + delta32(oldDst, (int) dstLo);
      buf.setInt(ipIndex + 12, (int) srcLo);
      buf.setInt(ipIndex + 16, (int) dstLo);
      buf.setShort(ipIndex + 10, applyDelta(buf.getUnsignedShort(ipIndex + 10), delta));
      srcHi = 0;
      dstHi = 0;
      srcLo &= 0xFFFFFFFFL;
      dstLo &= 0xFFFFFFFFL;
    } else {
      long srcDelta =
          delta64(buf.getLong(ipIndex + 8), srcHi) + delta64(buf.getLong(ipIndex + 16), srcLo);
      long dstDelta =
          delta64(buf.getLong(ipIndex + 24), dstHi) + delta64(buf.getLong(ipIndex + 32), dstLo);
      delta = info.routingPending ? srcDelta : srcDelta + dstDelta;
      buf.setLong(ipIndex + 8, srcHi);
      buf.setLong(ipIndex + 16, srcLo);
      buf.setLong(ipIndex + 24, dstHi);
      buf.setLong(ipIndex + 32, dstLo);
    }
    if (!info.fragment) {
      int l4 = ipIndex + info.l4Offset;
      switch (info.protocol) {
        case PacketInfo.PROTO_TCP -> updateField(buf, l4 + 16, delta, false);
        case PacketInfo.PROTO_UDP -> {
          if (buf.getUnsignedShort(l4 + 6) != 0) {
            updateField(buf, l4 + 6, delta, true);
          }
        }
        case PacketInfo.PROTO_UDPLITE -> updateField(buf, l4 + 6, delta, true);
        case PacketInfo.PROTO_ICMPV6 -> {
          if (info.version == 6) {
            updateField(buf, l4 + 2, delta, false);
          }
        }
        default -> {
          // ICMP (no pseudo-header), ESP, others: nothing covers the addresses
        }
      }
    }
    info.srcHi = srcHi;
    info.srcLo = srcLo;
    info.dstHi = dstHi;
    info.dstLo = dstLo;
  }

  /** {@link #rewriteAddresses} for IPv4 addresses given as ints. */
  public static void rewriteAddresses4(
      ByteBuf buf, int ipIndex, PacketInfo info, int newSrc, int newDst) {
    rewriteAddresses(buf, ipIndex, info, 0, newSrc & 0xFFFFFFFFL, 0, newDst & 0xFFFFFFFFL);
  }

  private static void updateField(ByteBuf buf, int index, long delta, boolean zeroIsAllOnes) {
    int c = applyDelta(buf.getUnsignedShort(index), delta);
    if (c == 0 && zeroIsAllOnes) {
      c = 0xFFFF;
    }
    buf.setShort(index, c);
  }
}
