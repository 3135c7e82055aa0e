package org.meshsec.ike.v1.task;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IdType;

/**
 * Quick Mode client identities (IDci / IDcr, RFC 2409 section 5.5; RFC 2407 section 4.6.2) as
 * traffic selectors ({@link TsRange}), and the narrowing of an offered selector to a policy, as
 * IKEv2's narrowing does with {@link TsRange#intersect} (RFC 7296 section 2.9). An ID carries one
 * address, subnet or range, one protocol and one port (0: any), so a selector with a port range
 * other than one port or all ports has no ID form. Stateless.
 */
final class ClientIds {
  private ClientIds() {}

  /** The ID for {@code ts}: a host as ID_IPVx_ADDR (as charon sends it), a prefix as a subnet. */
  static Optional<IdPayload> toId(TsRange ts) {
    int port;
    if (ts.startPort() == 0 && ts.endPort() == 0xFFFF) {
      port = 0;
    } else if (ts.startPort() == ts.endPort()) {
      port = ts.startPort();
    } else {
      return Optional.empty();
    }
    if (ts.start().equals(ts.end())) {
      return Optional.of(IdPayload.address(ts.start()).withProtocolPort(ts.protocol(), port));
    }
    int prefix = prefixLength(ts.start().getAddress(), ts.end().getAddress());
    if (prefix >= 0) {
      return Optional.of(IdPayload.subnet(ts.start(), prefix, ts.protocol(), port));
    }
    return Optional.of(IdPayload.range(ts.start(), ts.end(), ts.protocol(), port));
  }

  /** The selector an address, subnet or range ID stands for; empty for other ID types. */
  static Optional<TsRange> toTs(IdPayload id) {
    IdType t = id.idType();
    int lo = id.port() == 0 ? 0 : id.port();
    int hi = id.port() == 0 ? 0xFFFF : id.port();
    try {
      if (t.equals(IdType.IPV4_ADDR) || t.equals(IdType.IPV6_ADDR)) {
        return Optional.of(new TsRange(id.address(), id.address(), id.protocol(), lo, hi));
      }
      if (t.equals(IdType.IPV4_ADDR_RANGE) || t.equals(IdType.IPV6_ADDR_RANGE)) {
        return Optional.of(new TsRange(id.address(), id.secondAddress(), id.protocol(), lo, hi));
      }
      if (t.equals(IdType.IPV4_ADDR_SUBNET) || t.equals(IdType.IPV6_ADDR_SUBNET)) {
        byte[] a = id.address().getAddress();
        byte[] m = id.secondAddress().getAddress();
        byte[] first = new byte[a.length];
        byte[] last = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
          first[i] = (byte) (a[i] & m[i]);
          last[i] = (byte) (a[i] | ~m[i]);
        }
        return Optional.of(
            new TsRange(
                InetAddress.getByAddress(first),
                InetAddress.getByAddress(last),
                id.protocol(),
                lo,
                hi));
      }
    } catch (IllegalArgumentException | UnknownHostException e) {
      return Optional.empty(); // a range whose start is above its end
    }
    return Optional.empty();
  }

  /** The first non-empty intersection of {@code offered} with one of {@code policy}. */
  static Optional<TsRange> narrow(TsRange offered, List<TsRange> policy) {
    for (TsRange p : policy) {
      Optional<TsRange> i = offered.intersect(p);
      if (i.isPresent() && toId(i.get()).isPresent()) {
        return i;
      }
    }
    return Optional.empty();
  }

  /** The prefix length if {@code first..last} is exactly one prefix, else -1. */
  private static int prefixLength(byte[] first, byte[] last) {
    int bits = first.length * 8;
    int prefix = 0;
    while (prefix < bits && bit(first, prefix) == bit(last, prefix)) {
      prefix++;
    }
    for (int i = prefix; i < bits; i++) {
      if (bit(first, i) != 0 || bit(last, i) != 1) {
        return -1;
      }
    }
    return prefix;
  }

  private static int bit(byte[] a, int i) {
    return (a[i / 8] >>> (7 - i % 8)) & 1;
  }
}
