package org.meshsec.core.packet;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import org.meshsec.core.net.IpPrefix;

/**
 * Builds well-formed IPv4 (RFC 791) or IPv6 (RFC 8200) packets carrying UDP (RFC 768), TCP (RFC
 * 9293, a 20-byte header without options) or an ICMP / ICMPv6 echo (RFC 792, RFC 4443 section 4.1),
 * with correct IPv4 header and upper-layer checksums, into a {@link ByteBuf} at a given index. For
 * tests, the demo and benchmarks; the data path never builds packets from scratch.
 *
 * <p>Usage: {@code new PacketBuilder().addresses("10.9.0.1", "10.9.0.2").udp(buf, 64, 5000, 53,
 * 100)} writes a 128-byte packet at index 64 (leaving 64 bytes of headroom) and sets the buffer's
 * reader index to 64 and writer index to 192, so the readable bytes are exactly the packet. The
 * buffer's capacity is raised if it is too small. Payloads are either given or filled with the
 * pattern {@code (byte) i}. The builder's settings (addresses, TTL, ...) persist across packets.
 *
 * <p>Not thread-safe (mutable settings); one instance per thread. Writing a packet allocates
 * nothing.
 */
public final class PacketBuilder {
  public static final int TCP_FIN = 0x01;
  public static final int TCP_SYN = 0x02;
  public static final int TCP_RST = 0x04;
  public static final int TCP_PSH = 0x08;
  public static final int TCP_ACK = 0x10;

  private int version = 4;
  private long srcHi;
  private long srcLo;
  private long dstHi;
  private long dstLo;
  private int ttl = 64;
  private int trafficClass;
  private int flowLabel;
  private int identification;
  private boolean dontFragment;

  /** IPv4 addresses as unsigned ints in an int. */
  public PacketBuilder ipv4(int src, int dst) {
    version = 4;
    srcHi = 0;
    srcLo = src & 0xFFFFFFFFL;
    dstHi = 0;
    dstLo = dst & 0xFFFFFFFFL;
    return this;
  }

  /** IPv6 addresses in the two-long form of {@link PacketInfo}. */
  public PacketBuilder ipv6(long srcHi, long srcLo, long dstHi, long dstLo) {
    version = 6;
    this.srcHi = srcHi;
    this.srcLo = srcLo;
    this.dstHi = dstHi;
    this.dstLo = dstLo;
    return this;
  }

  /** Numeric addresses of the same version, e.g. {@code "10.0.0.1"} or {@code "fd00::1"}. */
  public PacketBuilder addresses(String src, String dst) {
    return addresses(IpPrefix.parse(src), IpPrefix.parse(dst));
  }

  /** Addresses of the same version. */
  public PacketBuilder addresses(InetAddress src, InetAddress dst) {
    return addresses(IpPrefix.host(src), IpPrefix.host(dst));
  }

  private PacketBuilder addresses(IpPrefix s, IpPrefix d) {
    if (s.version() != d.version()) {
      throw new IllegalArgumentException("source and destination must be the same IP version");
    }
    version = s.version();
    srcHi = s.hi();
    srcLo = s.lo();
    dstHi = d.hi();
    dstLo = d.lo();
    return this;
  }

  /** IPv4 TTL / IPv6 hop limit (default 64). */
  public PacketBuilder ttl(int ttl) {
    this.ttl = ttl & 0xFF;
    return this;
  }

  /** IPv4 TOS / IPv6 traffic class (default 0). */
  public PacketBuilder trafficClass(int trafficClass) {
    this.trafficClass = trafficClass & 0xFF;
    return this;
  }

  /** IPv6 flow label (default 0). */
  public PacketBuilder flowLabel(int flowLabel) {
    this.flowLabel = flowLabel & 0xFFFFF;
    return this;
  }

  /** IPv4 identification (default 0). */
  public PacketBuilder identification(int identification) {
    this.identification = identification & 0xFFFF;
    return this;
  }

  /** IPv4 Don't Fragment flag (default off). */
  public PacketBuilder dontFragment(boolean dontFragment) {
    this.dontFragment = dontFragment;
    return this;
  }

  /** 4 or 6: the version of the configured addresses. */
  public int version() {
    return version;
  }

  /** The IP header length this builder writes: 20 (IPv4, no options) or 40 (IPv6). */
  public int ipHeaderLength() {
    return version == 4 ? 20 : 40;
  }

  /** A UDP packet with the given payload. Returns the packet length. */
  public int udp(ByteBuf buf, int index, int srcPort, int dstPort, byte[] payload) {
    return udp(buf, index, srcPort, dstPort, payload, payload.length);
  }

  /** A UDP packet with {@code payloadLength} pattern bytes. Returns the packet length. */
  public int udp(ByteBuf buf, int index, int srcPort, int dstPort, int payloadLength) {
    return udp(buf, index, srcPort, dstPort, null, payloadLength);
  }

  private int udp(
      ByteBuf buf, int index, int srcPort, int dstPort, byte[] payload, int payloadLength) {
    int l4 = begin(buf, index, PacketInfo.PROTO_UDP, 8, payload, payloadLength);
    buf.setShort(l4, srcPort);
    buf.setShort(l4 + 2, dstPort);
    buf.setShort(l4 + 4, 8 + payloadLength);
    buf.setShort(l4 + 6, 0);
    return end(buf, index, l4, 8 + payloadLength, PacketInfo.PROTO_UDP);
  }

  /** A TCP segment (20-byte header, window 65535). Returns the packet length. */
  public int tcp(
      ByteBuf buf,
      int index,
      int srcPort,
      int dstPort,
      long seq,
      long ack,
      int flags,
      byte[] payload) {
    return tcp(buf, index, srcPort, dstPort, seq, ack, flags, payload, payload.length);
  }

  /** A TCP segment with {@code payloadLength} pattern bytes. Returns the packet length. */
  public int tcp(
      ByteBuf buf,
      int index,
      int srcPort,
      int dstPort,
      long seq,
      long ack,
      int flags,
      int payloadLength) {
    return tcp(buf, index, srcPort, dstPort, seq, ack, flags, null, payloadLength);
  }

  private int tcp(
      ByteBuf buf,
      int index,
      int srcPort,
      int dstPort,
      long seq,
      long ack,
      int flags,
      byte[] payload,
      int payloadLength) {
    int l4 = begin(buf, index, PacketInfo.PROTO_TCP, 20, payload, payloadLength);
    buf.setShort(l4, srcPort);
    buf.setShort(l4 + 2, dstPort);
    buf.setInt(l4 + 4, (int) seq);
    buf.setInt(l4 + 8, (int) ack);
    buf.setShort(l4 + 12, (5 << 12) | (flags & 0x1FF));
    buf.setShort(l4 + 14, 65535);
    buf.setShort(l4 + 16, 0);
    buf.setShort(l4 + 18, 0);
    return end(buf, index, l4, 20 + payloadLength, PacketInfo.PROTO_TCP);
  }

  /**
   * An echo request ({@code request}: ICMP type 8 / ICMPv6 128) or reply (ICMP 0 / ICMPv6 129).
   * Returns the packet length.
   */
  public int icmpEcho(
      ByteBuf buf, int index, boolean request, int identifier, int sequence, byte[] payload) {
    return icmpEcho(buf, index, request, identifier, sequence, payload, payload.length);
  }

  /** An echo request or reply with {@code payloadLength} pattern bytes. */
  public int icmpEcho(
      ByteBuf buf, int index, boolean request, int identifier, int sequence, int payloadLength) {
    return icmpEcho(buf, index, request, identifier, sequence, null, payloadLength);
  }

  private int icmpEcho(
      ByteBuf buf,
      int index,
      boolean request,
      int identifier,
      int sequence,
      byte[] payload,
      int payloadLength) {
    int protocol = version == 4 ? PacketInfo.PROTO_ICMP : PacketInfo.PROTO_ICMPV6;
    int type = version == 4 ? (request ? 8 : 0) : (request ? 128 : 129);
    int l4 = begin(buf, index, protocol, 8, payload, payloadLength);
    buf.setByte(l4, type);
    buf.setByte(l4 + 1, 0);
    buf.setShort(l4 + 2, 0);
    buf.setShort(l4 + 4, identifier);
    buf.setShort(l4 + 6, sequence);
    return end(buf, index, l4, 8 + payloadLength, protocol);
  }

  /**
   * An IP header with {@code protocol} (IPv6 Next Header) followed by {@code payload} as is (no
   * upper-layer checksum is computed). Returns the packet length.
   */
  public int raw(ByteBuf buf, int index, int protocol, byte[] payload) {
    int l4 = begin(buf, index, protocol, 0, payload, payload.length);
    return end(buf, index, l4, payload.length, -1);
  }

  /** Writes the IP header and the payload; returns the index of the upper-layer header. */
  private int begin(
      ByteBuf buf, int index, int protocol, int l4HeaderLength, byte[] payload, int payloadLength) {
    if (payloadLength < 0 || payload != null && payload.length < payloadLength) {
      throw new IllegalArgumentException("bad payload length " + payloadLength);
    }
    int hl = ipHeaderLength();
    int l4Length = l4HeaderLength + payloadLength;
    int total = hl + l4Length;
    if (version == 4 ? total > 65535 : l4Length > 65535) {
      throw new IllegalArgumentException("packet too long: " + total);
    }
    if (buf.capacity() < index + total) {
      buf.capacity(index + total);
    }
    if (version == 4) {
      buf.setByte(index, 0x45);
      buf.setByte(index + 1, trafficClass);
      buf.setShort(index + 2, total);
      buf.setShort(index + 4, identification);
      buf.setShort(index + 6, dontFragment ? 0x4000 : 0);
      buf.setByte(index + 8, ttl);
      buf.setByte(index + 9, protocol);
      buf.setShort(index + 10, 0);
      buf.setInt(index + 12, (int) srcLo);
      buf.setInt(index + 16, (int) dstLo);
    } else {
      buf.setInt(index, (6 << 28) | (trafficClass << 20) | flowLabel);
      buf.setShort(index + 4, l4Length);
      buf.setByte(index + 6, protocol);
      buf.setByte(index + 7, ttl);
      buf.setLong(index + 8, srcHi);
      buf.setLong(index + 16, srcLo);
      buf.setLong(index + 24, dstHi);
      buf.setLong(index + 32, dstLo);
    }
    int p = index + hl + l4HeaderLength;
    if (payload != null) {
      buf.setBytes(p, payload, 0, payloadLength);
    } else {
      for (int i = 0; i < payloadLength; i++) {
        buf.setByte(p + i, i);
      }
    }
    return index + hl;
  }

  /** Computes the checksums, sets the buffer's indexes; returns the packet length. */
  private int end(ByteBuf buf, int index, int l4, int l4Length, int protocol) {
    if (version == 4) {
      Checksums.setIpv4HeaderChecksum(buf, index);
    }
    if (protocol >= 0) {
      Checksums.setTransportChecksum(buf, index, l4, l4Length, protocol);
    }
    int total = l4 - index + l4Length;
    buf.setIndex(index, index + total);
    return total;
  }
}
