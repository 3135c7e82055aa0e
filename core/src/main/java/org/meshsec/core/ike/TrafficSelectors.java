package org.meshsec.core.ike;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Selector;
import org.meshsec.ike.port.TsRange;

/**
 * Traffic selector arithmetic between the SPD and the IKE engine (RFC 7296 section 3.13.1): a
 * policy's prefix, protocol and ports become a {@link TsRange}; a negotiated pair of ranges becomes
 * a SAD {@link Selector} only when each side is exactly one prefix, never by widening (a wider
 * selector would let the peer send traffic the policy never allowed). Stateless.
 */
public final class TrafficSelectors {
  private TrafficSelectors() {}

  /** A prefix, protocol and port range as an IKE traffic selector. */
  public static TsRange ts(IpPrefix prefix, int protocol, PortRange ports) {
    byte[] lo = prefix.address().getAddress();
    byte[] hi = lo.clone();
    int bits = lo.length * 8;
    for (int i = prefix.length(); i < bits; i++) {
      hi[i / 8] |= (byte) (0x80 >>> (i % 8));
    }
    return new TsRange(address(lo), address(hi), protocol, ports.from(), ports.to());
  }

  /** The prefix a range is exactly, or null (a range like 10.0.0.1..10.0.0.6 is none). */
  public static IpPrefix prefixOf(TsRange ts) {
    BigInteger start = new BigInteger(1, ts.start().getAddress());
    BigInteger end = new BigInteger(1, ts.end().getAddress());
    BigInteger size = end.subtract(start).add(BigInteger.ONE);
    if (size.bitCount() != 1) {
      return null; // not a power of two
    }
    int hostBits = size.bitLength() - 1;
    if (start.getLowestSetBit() < hostBits && start.signum() != 0) {
      return null; // not aligned
    }
    int bits = ts.start().getAddress().length * 8;
    return IpPrefix.of(ts.start(), bits - hostBits);
  }

  /**
   * The SAD selector (OUT direction: src is our side) of a negotiated pair, or the reason it has
   * none.
   */
  public static SelectorConversion selectorOf(List<TsRange> local, List<TsRange> remote) {
    if (local.size() != 1 || remote.size() != 1) {
      return refused("more than one traffic selector per side (" + local + " === " + remote + ")");
    }
    TsRange l = local.get(0);
    TsRange r = remote.get(0);
    IpPrefix src = prefixOf(l);
    IpPrefix dst = prefixOf(r);
    if (src == null || dst == null) {
      return refused(
          "a traffic selector that is not exactly one prefix ("
              + (src == null ? l : r)
              + "); meshsec does not widen selectors");
    }
    if (src.version() != dst.version()) {
      return refused("selectors of two IP versions");
    }
    if (l.protocol() != 0 && r.protocol() != 0 && l.protocol() != r.protocol()) {
      return refused("two protocols " + l.protocol() + " and " + r.protocol());
    }
    int protocol = l.protocol() != 0 ? l.protocol() : r.protocol();
    PortRange sp = new PortRange(l.startPort(), l.endPort());
    PortRange dp = new PortRange(r.startPort(), r.endPort());
    if ((!sp.isAny() && l.protocol() == 0) || (!dp.isAny() && r.protocol() == 0)) {
      return refused("ports without a protocol");
    }
    try {
      return new SelectorConversion.Converted(new Selector(src, dst, protocol, sp, dp, -1, -1));
    } catch (IllegalArgumentException e) {
      return refused(e.getMessage());
    }
  }

  private static SelectorConversion refused(String reason) {
    return new SelectorConversion.Refused(reason);
  }

  /** A traffic selector for people: {@code 10.9.0.0/24}, {@code 10.0.0.1..10.0.0.6[6/80]}. */
  public static String format(TsRange ts) {
    IpPrefix p = prefixOf(ts);
    String addr =
        p == null ? ts.start().getHostAddress() + ".." + ts.end().getHostAddress() : p.toString();
    boolean anyPorts = ts.startPort() == 0 && ts.endPort() == 0xFFFF;
    if (ts.protocol() == 0 && anyPorts) {
      return addr;
    }
    String ports =
        anyPorts
            ? ""
            : "/" + ts.startPort() + (ts.startPort() == ts.endPort() ? "" : "-" + ts.endPort());
    return addr + "[" + ts.protocol() + ports + "]";
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes
    }
  }
}
