package org.meshsec.core.packet;

import io.netty.buffer.ByteBuf;
import org.meshsec.inet.InetText;

/**
 * A reusable, allocation-free view of the fields of an IPv4 (RFC 791) or IPv6 (RFC 8200) packet
 * that the SPD and the inbound policy check need: addresses, the upper-layer protocol (after
 * walking IPv6 extension headers), TCP/UDP/SCTP/UDP-Lite ports, ICMP/ICMPv6 type and code.
 *
 * <p>Addresses are held as two longs: IPv6 as the high and low 64 bits; IPv4 in the low 32 bits of
 * {@code *Lo} (unsigned) with {@code *Hi} zero. Fields for absent headers (ports of a fragment or
 * ICMP packet, ICMP type of TCP) are -1, which the SPD treats as "OPAQUE" (RFC 4301 section
 * 4.4.1.1).
 *
 * <p>What {@link #parse} checks, and nothing more (it is a classifier, not a validator: header
 * checksums are {@link Checksums}' job):
 *
 * <ul>
 *   <li>IPv4 (RFC 791 section 3.1): version, IHL &gt;= 5, 20 &lt;= total length &lt;= bytes
 *       present, header inside total length. Bytes after the total length (link padding) are
 *       allowed and ignored. A fragment with a non-zero offset is a non-first fragment: {@link
 *       #fragment} is set and ports / ICMP fields stay -1 (RFC 4301 section 7).
 *   <li>IPv6 (RFC 8200 sections 3, 4): 40 + payload length &lt;= bytes present; the extension
 *       header chain is walked: Hop-by-Hop (0, only first, section 4.3), Routing (43, section 4.4),
 *       Fragment (44, section 4.5), Destination Options (60, section 4.6), and AH (51, RFC 4302
 *       section 2.2, length in 4-octet units + 2). The walk stops at ESP (50), No Next Header (59)
 *       or any other value, which is the upper-layer protocol. At most {@link
 *       #MAX_EXTENSION_HEADERS} extension headers are walked. A Fragment header with a non-zero
 *       offset makes a non-first fragment: {@link #protocol} is its Next Header value, {@link
 *       #l4Offset} points after it, and ports / ICMP fields stay -1.
 *   <li>Upper layer: the fixed header of TCP (20 bytes, RFC 9293), UDP (8, RFC 768), UDP-Lite (8,
 *       RFC 3828), SCTP (12, RFC 9260) and ICMP / ICMPv6 (4: type, code, checksum; RFC 792, RFC
 *       4443) must lie inside the total length, else {@link ParseStatus#TRUNCATED_L4}.
 * </ul>
 *
 * <p>Not thread-safe: one instance per thread or pipeline, overwritten by every {@link #parse}.
 */
public final class PacketInfo {
  /** The bound on the IPv6 extension headers {@link #parse} walks before giving up. */
  public static final int MAX_EXTENSION_HEADERS = 16;

  public static final int PROTO_HOPOPT = 0;
  public static final int PROTO_ICMP = 1;
  public static final int PROTO_TCP = 6;
  public static final int PROTO_UDP = 17;
  public static final int PROTO_ROUTING = 43;
  public static final int PROTO_FRAGMENT = 44;
  public static final int PROTO_ESP = 50;
  public static final int PROTO_AH = 51;
  public static final int PROTO_ICMPV6 = 58;
  public static final int PROTO_NONE = 59;
  public static final int PROTO_DSTOPTS = 60;
  public static final int PROTO_SCTP = 132;
  public static final int PROTO_UDPLITE = 136;

  /** 4 or 6 after a successful parse; 0 after a failed one. */
  public int version;

  public long srcHi;
  public long srcLo;
  public long dstHi;
  public long dstLo;

  /** Upper-layer protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, 58 ICMPv6, ...). */
  public int protocol;

  public int srcPort;
  public int dstPort;
  public int icmpType;
  public int icmpCode;

  /** Offset from the packet start to the upper-layer header. */
  public int l4Offset;

  /** Total packet length from the IP header (IPv4 total length, IPv6 40 + payload length). */
  public int totalLength;

  /** Whether this is a non-first fragment (no upper-layer header present). */
  public boolean fragment;

  /**
   * Whether an IPv6 Routing header with Segments Left &gt; 0 was seen: the destination field is
   * then not the final destination, which the upper-layer pseudo-header uses (RFC 8200 section
   * 8.1).
   */
  public boolean routingPending;

  /** Whether {@code protocol} carries 16-bit source and destination ports that parse extracts. */
  public static boolean hasPorts(int protocol) {
    return protocol == PROTO_TCP
        || protocol == PROTO_UDP
        || protocol == PROTO_SCTP
        || protocol == PROTO_UDPLITE;
  }

  /** Whether {@code protocol} is ICMP (1) or ICMPv6 (58), whose type and code parse extracts. */
  public static boolean isIcmp(int protocol) {
    return protocol == PROTO_ICMP || protocol == PROTO_ICMPV6;
  }

  /** Clears every field: version 0, addresses 0, protocol 0, ports and ICMP fields -1. */
  public void reset() {
    version = 0;
    srcHi = 0;
    srcLo = 0;
    dstHi = 0;
    dstLo = 0;
    protocol = 0;
    srcPort = -1;
    dstPort = -1;
    icmpType = -1;
    icmpCode = -1;
    l4Offset = 0;
    totalLength = 0;
    fragment = false;
    routingPending = false;
  }

  /**
   * Parses the readable bytes of {@code buf} without changing its indexes. Offsets ({@link
   * #l4Offset}) are relative to the reader index.
   *
   * @return {@link ParseStatus#OK} or the reason the packet is malformed; never throws. After a
   *     failure {@link #version} is 0 and the other fields are unspecified.
   */
  public ParseStatus parse(ByteBuf buf) {
    reset();
    int base = buf.readerIndex();
    int n = buf.readableBytes();
    if (n < 1) {
      return ParseStatus.TRUNCATED;
    }
    int v = buf.getUnsignedByte(base) >>> 4;
    ParseStatus st;
    if (v == 4) {
      st = parse4(buf, base, n);
    } else if (v == 6) {
      st = parse6(buf, base, n);
    } else {
      st = ParseStatus.BAD_VERSION;
    }
    if (st != ParseStatus.OK) {
      version = 0;
    }
    return st;
  }

  private ParseStatus parse4(ByteBuf buf, int base, int n) {
    if (n < 20) {
      return ParseStatus.TRUNCATED;
    }
    int ihl = (buf.getUnsignedByte(base) & 0x0F) * 4;
    if (ihl < 20) {
      return ParseStatus.BAD_HEADER_LENGTH;
    }
    int total = buf.getUnsignedShort(base + 2);
    if (total < 20 || total > n) {
      return ParseStatus.BAD_TOTAL_LENGTH;
    }
    if (ihl > total) {
      return ParseStatus.BAD_HEADER_LENGTH;
    }
    version = 4;
    protocol = buf.getUnsignedByte(base + 9);
    srcLo = buf.getUnsignedInt(base + 12);
    dstLo = buf.getUnsignedInt(base + 16);
    totalLength = total;
    l4Offset = ihl;
    if ((buf.getUnsignedShort(base + 6) & 0x1FFF) != 0) {
      fragment = true;
      return ParseStatus.OK;
    }
    return parseUpperLayer(buf, base, ihl, total);
  }

  private ParseStatus parse6(ByteBuf buf, int base, int n) {
    if (n < 40) {
      return ParseStatus.TRUNCATED;
    }
    int total = 40 + buf.getUnsignedShort(base + 4);
    if (total > n) {
      return ParseStatus.BAD_TOTAL_LENGTH;
    }
    version = 6;
    srcHi = buf.getLong(base + 8);
    srcLo = buf.getLong(base + 16);
    dstHi = buf.getLong(base + 24);
    dstLo = buf.getLong(base + 32);
    totalLength = total;
    int nh = buf.getUnsignedByte(base + 6);
    int off = 40;
    for (int count = 0; ; count++) {
      if (!isWalkedExtension(nh)) {
        protocol = nh;
        l4Offset = off;
        return parseUpperLayer(buf, base, off, total);
      }
      if (count >= MAX_EXTENSION_HEADERS || (nh == PROTO_HOPOPT && count != 0) || off + 8 > total) {
        return ParseStatus.BAD_EXTENSION_HEADER;
      }
      int next = buf.getUnsignedByte(base + off);
      int len;
      switch (nh) {
        case PROTO_FRAGMENT -> {
          len = 8;
          if ((buf.getUnsignedShort(base + off + 2) & 0xFFF8) != 0) {
            fragment = true;
            protocol = next;
            l4Offset = off + 8;
            return ParseStatus.OK;
          }
        }
        case PROTO_AH -> {
          int units = buf.getUnsignedByte(base + off + 1);
          if (units < 1) {
            // the fixed part of AH alone is 12 bytes (RFC 4302 section 2)
            return ParseStatus.BAD_EXTENSION_HEADER;
          }
          len = (units + 2) * 4;
        }
        default -> {
          len = (buf.getUnsignedByte(base + off + 1) + 1) * 8;
          if (nh == PROTO_ROUTING && buf.getUnsignedByte(base + off + 3) != 0) {
            routingPending = true;
          }
        }
      }
      if (off + len > total) {
        return ParseStatus.BAD_EXTENSION_HEADER;
      }
      off += len;
      nh = next;
    }
  }

  private static boolean isWalkedExtension(int nh) {
    return nh == PROTO_HOPOPT
        || nh == PROTO_ROUTING
        || nh == PROTO_FRAGMENT
        || nh == PROTO_DSTOPTS
        || nh == PROTO_AH;
  }

  private ParseStatus parseUpperLayer(ByteBuf buf, int base, int off, int total) {
    int avail = total - off;
    int need =
        switch (protocol) {
          case PROTO_TCP -> 20;
          case PROTO_UDP, PROTO_UDPLITE -> 8;
          case PROTO_SCTP -> 12;
          case PROTO_ICMP, PROTO_ICMPV6 -> 4;
          default -> 0;
        };
    if (avail < need) {
      return ParseStatus.TRUNCATED_L4;
    }
    if (hasPorts(protocol)) {
      srcPort = buf.getUnsignedShort(base + off);
      dstPort = buf.getUnsignedShort(base + off + 2);
    } else if (isIcmp(protocol)) {
      icmpType = buf.getUnsignedByte(base + off);
      icmpCode = buf.getUnsignedByte(base + off + 1);
    }
    return ParseStatus.OK;
  }

  // ---- setters for code that fills a PacketInfo without a packet (tests, inbound checks) ----

  /** Sets IPv4 addresses (as unsigned ints in an int) and version 4. Returns this. */
  public PacketInfo ipv4(int src, int dst) {
    version = 4;
    srcHi = 0;
    srcLo = src & 0xFFFFFFFFL;
    dstHi = 0;
    dstLo = dst & 0xFFFFFFFFL;
    return this;
  }

  /** Sets IPv6 addresses in two-long form and version 6. Returns this. */
  public PacketInfo ipv6(long srcHi, long srcLo, long dstHi, long dstLo) {
    version = 6;
    this.srcHi = srcHi;
    this.srcLo = srcLo;
    this.dstHi = dstHi;
    this.dstLo = dstLo;
    return this;
  }

  /**
   * Sets the upper layer: {@code protocol}, and ports if it {@link #hasPorts has ports} (else -1);
   * ICMP fields -1; not a fragment. Returns this.
   */
  public PacketInfo transport(int protocol, int srcPort, int dstPort) {
    this.protocol = protocol;
    boolean ports = hasPorts(protocol);
    this.srcPort = ports ? srcPort : -1;
    this.dstPort = ports ? dstPort : -1;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.fragment = false;
    return this;
  }

  /** Sets an ICMP or ICMPv6 upper layer with its type and code; ports -1. Returns this. */
  public PacketInfo icmp(int protocol, int type, int code) {
    this.protocol = protocol;
    this.srcPort = -1;
    this.dstPort = -1;
    this.icmpType = type;
    this.icmpCode = code;
    this.fragment = false;
    return this;
  }

  /** Marks a non-first fragment of {@code protocol}: ports and ICMP fields OPAQUE (-1). */
  public PacketInfo nonFirstFragment(int protocol) {
    this.protocol = protocol;
    this.srcPort = -1;
    this.dstPort = -1;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.fragment = true;
    return this;
  }

  /** Copies every field of {@code other} into this. Returns this. */
  public PacketInfo copyFrom(PacketInfo other) {
    version = other.version;
    srcHi = other.srcHi;
    srcLo = other.srcLo;
    dstHi = other.dstHi;
    dstLo = other.dstLo;
    protocol = other.protocol;
    srcPort = other.srcPort;
    dstPort = other.dstPort;
    icmpType = other.icmpType;
    icmpCode = other.icmpCode;
    l4Offset = other.l4Offset;
    totalLength = other.totalLength;
    fragment = other.fragment;
    routingPending = other.routingPending;
    return this;
  }

  /** For logs and tests (allocates): {@code "v4 proto 6 10.0.0.1:1234 -> 10.0.0.2:22"}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(96);
    sb.append('v').append(version).append(" proto ").append(protocol).append(' ');
    sb.append(InetText.format(version == 6 ? 6 : 4, srcHi, srcLo));
    if (srcPort >= 0) {
      sb.append(version == 6 ? " port " : ":").append(srcPort);
    }
    sb.append(" -> ").append(InetText.format(version == 6 ? 6 : 4, dstHi, dstLo));
    if (dstPort >= 0) {
      sb.append(version == 6 ? " port " : ":").append(dstPort);
    }
    if (icmpType >= 0) {
      sb.append(" icmp ").append(icmpType).append('/').append(icmpCode);
    }
    if (fragment) {
      sb.append(" fragment");
    }
    return sb.toString();
  }
}
