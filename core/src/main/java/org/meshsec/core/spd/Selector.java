package org.meshsec.core.spd;

import java.util.Objects;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.packet.PacketInfo;

/**
 * A traffic selector (RFC 4301 section 4.4.1.1): source and destination prefixes, upper-layer
 * protocol, port ranges, ICMP type and code. Written from the point of view of the direction of the
 * policy that holds it (for an OUT policy, {@code src} is the local side).
 *
 * @param src source prefix
 * @param dst destination prefix (same IP version as {@code src})
 * @param protocol upper-layer protocol number, or {@link #ANY_PROTOCOL}
 * @param srcPorts source ports (TCP, UDP, SCTP, UDP-Lite); {@link PortRange#ANY} otherwise
 * @param dstPorts destination ports (TCP, UDP, SCTP, UDP-Lite); {@link PortRange#ANY} otherwise
 * @param icmpType ICMP / ICMPv6 type, or -1 for any
 * @param icmpCode ICMP / ICMPv6 code, or -1 for any
 */
public record Selector(
    IpPrefix src,
    IpPrefix dst,
    int protocol,
    PortRange srcPorts,
    PortRange dstPorts,
    int icmpType,
    int icmpCode) {

  public static final int ANY_PROTOCOL = 0;

  public Selector {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(srcPorts, "srcPorts");
    Objects.requireNonNull(dstPorts, "dstPorts");
    if (src.version() != dst.version()) {
      throw new IllegalArgumentException("source and destination must be the same IP version");
    }
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol out of range: " + protocol);
    }
    if (icmpType < -1 || icmpType > 255 || icmpCode < -1 || icmpCode > 255) {
      throw new IllegalArgumentException("ICMP type/code out of range");
    }
    // A port or ICMP constraint on a protocol that has none would be silently ignored by
    // matches() (an operator's "port 22 BYPASS" without "tcp" would bypass everything): refuse.
    if ((!srcPorts.isAny() || !dstPorts.isAny()) && !PacketInfo.hasPorts(protocol)) {
      throw new IllegalArgumentException(
          "ports need protocol tcp, udp, sctp or udplite, not " + protocol);
    }
    if ((icmpType >= 0 || icmpCode >= 0) && !PacketInfo.isIcmp(protocol)) {
      throw new IllegalArgumentException("ICMP type/code need protocol icmp or ipv6-icmp");
    }
  }

  /** The IP version (4 or 6) of both prefixes. */
  public int version() {
    return src.version();
  }

  /** The same text as {@link #describe()}, so a selector in a log line reads as configured. */
  @Override
  public String toString() {
    return describe();
  }

  /** A selector on addresses only. */
  public static Selector between(IpPrefix src, IpPrefix dst) {
    return new Selector(src, dst, ANY_PROTOCOL, PortRange.ANY, PortRange.ANY, -1, -1);
  }

  /**
   * The selector as an operator writes it: {@code 10.0.0.0/24 -> 10.1.0.0/24 proto 6 dport 22} (the
   * CLI's policy and SA lists, warnings).
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(src).append(" -> ").append(dst);
    if (protocol != ANY_PROTOCOL) {
      sb.append(" proto ").append(protocol);
      if (!srcPorts.isAny()) {
        sb.append(" sport ").append(srcPorts);
      }
      if (!dstPorts.isAny()) {
        sb.append(" dport ").append(dstPorts);
      }
      if (icmpType >= 0) {
        sb.append(" type ").append(icmpType);
      }
      if (icmpCode >= 0) {
        sb.append(" code ").append(icmpCode);
      }
    }
    return sb.toString();
  }

  /** The same selector seen from the other end (src and dst, and their ports, swapped). */
  public Selector reverse() {
    return new Selector(dst, src, protocol, dstPorts, srcPorts, icmpType, icmpCode);
  }

  /** Whether the parsed packet falls under this selector. */
  public boolean matches(PacketInfo p) {
    if (!src.contains(p.version, p.srcHi, p.srcLo) || !dst.contains(p.version, p.dstHi, p.dstLo)) {
      return false;
    }
    if (protocol == ANY_PROTOCOL) {
      return true;
    }
    if (p.protocol != protocol) {
      return false;
    }
    if (PacketInfo.isIcmp(protocol)) {
      return (icmpType < 0 || (!p.fragment && p.icmpType == icmpType))
          && (icmpCode < 0 || (!p.fragment && p.icmpCode == icmpCode));
    }
    if (srcPorts.isAny() && dstPorts.isAny()) {
      return true;
    }
    return !p.fragment && srcPorts.contains(p.srcPort) && dstPorts.contains(p.dstPort);
  }
}
