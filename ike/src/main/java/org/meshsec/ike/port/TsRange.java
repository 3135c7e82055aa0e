package org.meshsec.ike.port;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One traffic selector as the engine and the data plane exchange it (RFC 7296 section 3.13.1; RFC
 * 4301 section 4.4.1): an inclusive address range of one family, an IP protocol (0 = any) and an
 * inclusive port range (0..65535 = any). {@code core} converts it to its own selector type.
 *
 * <p>Immutable and thread-safe.
 *
 * @param start first address of the range
 * @param end last address of the range, same family as {@code start}, not below it
 * @param protocol IP protocol number, 0 for any
 * @param startPort first port
 * @param endPort last port, not below {@code startPort}
 */
public record TsRange(
    InetAddress start, InetAddress end, int protocol, int startPort, int endPort) {

  public TsRange {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.getAddress().length != end.getAddress().length) {
      throw new IllegalArgumentException("start and end of a range must be of one family");
    }
    if (Arrays.compareUnsigned(start.getAddress(), end.getAddress()) > 0) {
      throw new IllegalArgumentException("range start above its end");
    }
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("IP protocol out of range: " + protocol);
    }
    if (startPort < 0 || endPort > 0xFFFF || startPort > endPort) {
      throw new IllegalArgumentException("bad port range " + startPort + ".." + endPort);
    }
  }

  /** All traffic between {@code start} and {@code end}. */
  public static TsRange of(InetAddress start, InetAddress end) {
    return new TsRange(start, end, 0, 0, 0xFFFF);
  }

  /** All traffic of one host. */
  public static TsRange host(InetAddress address) {
    return of(address, address);
  }

  /** Everything of the family of {@code sample} (0.0.0.0/0 or ::/0). */
  public static TsRange anyOf(InetAddress sample) {
    int n = sample.getAddress().length;
    byte[] ones = new byte[n];
    Arrays.fill(ones, (byte) 0xFF);
    return of(address(new byte[n]), address(ones));
  }

  /**
   * Parses {@code a.b.c.d/len}, {@code x::y/len} or a single address.
   *
   * @throws IllegalArgumentException if the text is not a prefix
   */
  public static TsRange parse(String cidr) {
    String text = cidr.trim();
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (addr.isEmpty() || !(addr.indexOf(':') >= 0 || Character.isDigit(addr.charAt(0)))) {
      throw new IllegalArgumentException("not an address: " + cidr);
    }
    InetAddress base;
    try {
      base = InetAddress.getByName(addr); // literal only: checked above, no name lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + cidr, e);
    }
    byte[] raw = base.getAddress();
    int bits = raw.length * 8;
    int len = bits;
    if (slash >= 0) {
      try {
        len = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + cidr, e);
      }
      if (len < 0 || len > bits) {
        throw new IllegalArgumentException("bad prefix length in " + cidr);
      }
    }
    byte[] lo = raw.clone();
    byte[] hi = raw.clone();
    for (int i = len; i < bits; i++) {
      lo[i / 8] &= (byte) ~(0x80 >>> (i % 8));
      hi[i / 8] |= (byte) (0x80 >>> (i % 8));
    }
    return of(address(lo), address(hi));
  }

  /** Whether this range is IPv4. */
  public boolean isIpv4() {
    return start.getAddress().length == 4;
  }

  /** Whether every packet this selector matches is also matched by {@code other}. */
  public boolean isSubsetOf(TsRange other) {
    return intersect(other).map(this::equals).orElse(false);
  }

  /** Whether {@code address} lies in the address range (protocol and ports not considered). */
  public boolean containsAddress(InetAddress address) {
    byte[] a = address.getAddress();
    return a.length == start.getAddress().length
        && Arrays.compareUnsigned(a, start.getAddress()) >= 0
        && Arrays.compareUnsigned(a, end.getAddress()) <= 0;
  }

  /**
   * The traffic both selectors match (RFC 7296 section 2.9 narrowing), or empty when there is none
   * (other family, disjoint addresses or ports, different specific protocols).
   */
  public Optional<TsRange> intersect(TsRange other) {
    byte[] s1 = start.getAddress();
    byte[] s2 = other.start.getAddress();
    if (s1.length != s2.length) {
      return Optional.empty();
    }
    if (protocol != 0 && other.protocol != 0 && protocol != other.protocol) {
      return Optional.empty();
    }
    byte[] lo = Arrays.compareUnsigned(s1, s2) >= 0 ? s1 : s2;
    byte[] e1 = end.getAddress();
    byte[] e2 = other.end.getAddress();
    byte[] hi = Arrays.compareUnsigned(e1, e2) <= 0 ? e1 : e2;
    if (Arrays.compareUnsigned(lo, hi) > 0) {
      return Optional.empty();
    }
    int p1 = Math.max(startPort, other.startPort);
    int p2 = Math.min(endPort, other.endPort);
    if (p1 > p2) {
      return Optional.empty();
    }
    return Optional.of(
        new TsRange(address(lo), address(hi), protocol != 0 ? protocol : other.protocol, p1, p2));
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e); // cannot happen: 4 or 16 bytes
    }
  }

  @Override
  public String toString() {
    String range =
        start.equals(end)
            ? start.getHostAddress()
            : start.getHostAddress() + ".." + end.getHostAddress();
    String proto = protocol == 0 ? "" : "[" + protocol;
    String ports =
        startPort == 0 && endPort == 0xFFFF
            ? ""
            : (protocol == 0 ? "[" : "/") + startPort + (startPort == endPort ? "" : "-" + endPort);
    return range + proto + ports + (proto.isEmpty() && ports.isEmpty() ? "" : "]");
  }
}
