package org.meshsec.core.packet;

import io.netty.buffer.ByteBuf;

/**
 * A reusable, allocation-free view of the fields of an IPv4 (RFC 791) or IPv6 (RFC 8200) packet
 * that the SPD and the inbound policy check need: addresses, the upper-layer protocol (after
 * walking IPv6 extension headers), TCP/UDP/SCTP ports, ICMP/ICMPv6 type and code.
 *
 * <p>Addresses are held as two longs: IPv6 as the high and low 64 bits; IPv4 in the low 32 bits of
 * {@code *Lo} (unsigned) with {@code *Hi} zero. Fields for absent headers (ports of a fragment or
 * ICMP packet, ICMP type of TCP) are -1, which the SPD treats as "OPAQUE" (RFC 4301 section
 * 4.4.1.1).
 *
 * <p>Not thread-safe: one instance per thread or pipeline, overwritten by every {@link #parse}.
 */
public final class PacketInfo {
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
   * Parses the readable bytes of {@code buf} without changing its indexes.
   *
   * @return {@link ParseStatus#OK} or the reason the packet is malformed; never throws
   */
  public ParseStatus parse(ByteBuf buf) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
