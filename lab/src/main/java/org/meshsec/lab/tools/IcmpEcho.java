package org.meshsec.lab.tools;

/**
 * ICMP and ICMPv6 Echo Request / Echo Reply messages: RFC 792 (ICMP, "Echo or Echo Reply Message",
 * types 8 and 0) and RFC 4443 sections 4.1 and 4.2 (ICMPv6, types 128 and 129). The checksum is the
 * Internet checksum of RFC 1071.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 * +-+-+-+-+-
 * </pre>
 *
 * <p>The ICMPv6 checksum covers a pseudo-header (RFC 4443 section 2.3) that only the kernel knows
 * in full, and Linux always fills it in for ICMPv6 sockets; so it is left zero here. For ICMP over
 * IPv4 it is computed (a datagram "ping" socket recomputes it anyway). Stateless.
 */
final class IcmpEcho {
  static final int HEADER = 8;
  static final int V4_REQUEST = 8;
  static final int V4_REPLY = 0;
  static final int V6_REQUEST = 128;
  static final int V6_REPLY = 129;

  private IcmpEcho() {}

  /** A parsed echo message: where its data lies in the buffer it was parsed from. */
  record Echo(int type, int code, int id, int seq, int dataOffset, int dataLength) {}

  /** Writes an echo request into {@code buf} at 0 and returns its length. */
  static int encodeRequest(byte[] buf, boolean ipv6, int id, int seq, byte[] data) {
    buf[0] = (byte) (ipv6 ? V6_REQUEST : V4_REQUEST);
    buf[1] = 0;
    buf[2] = 0;
    buf[3] = 0;
    buf[4] = (byte) (id >>> 8);
    buf[5] = (byte) id;
    buf[6] = (byte) (seq >>> 8);
    buf[7] = (byte) seq;
    System.arraycopy(data, 0, buf, HEADER, data.length);
    int len = HEADER + data.length;
    if (!ipv6) {
      int c = checksum(buf, 0, len);
      buf[2] = (byte) (c >>> 8);
      buf[3] = (byte) c;
    }
    return len;
  }

  /** Parses an ICMP message at {@code buf[off, off+len)}; null if it is shorter than a header. */
  static Echo parse(byte[] buf, int off, int len) {
    if (len < HEADER) {
      return null;
    }
    return new Echo(
        buf[off] & 0xff,
        buf[off + 1] & 0xff,
        ((buf[off + 4] & 0xff) << 8) | (buf[off + 5] & 0xff),
        ((buf[off + 6] & 0xff) << 8) | (buf[off + 7] & 0xff),
        off + HEADER,
        len - HEADER);
  }

  /**
   * The RFC 1071 Internet checksum of {@code b[off, off+len)}: the ones' complement of the ones'
   * complement sum of the 16-bit big-endian words, an odd last byte padded with zero.
   */
  static int checksum(byte[] b, int off, int len) {
    long sum = 0;
    int i = off;
    int end = off + len;
    for (; i + 1 < end; i += 2) {
      sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
    if (i < end) {
      sum += (b[i] & 0xff) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
