package org.meshsec.core.net;

/**
 * An inclusive port range, RFC 4301 section 4.4.1.1. {@link #ANY} is 0..65535; a selector with a
 * port range other than ANY does not match packets whose ports are OPAQUE (fragments) or absent.
 */
public record PortRange(int from, int to) {
  public static final PortRange ANY = new PortRange(0, 65535);

  public PortRange {
    if (from < 0 || to > 65535 || from > to) {
      throw new IllegalArgumentException("bad port range " + from + "-" + to);
    }
  }

  public static PortRange single(int port) {
    return new PortRange(port, port);
  }

  public boolean isAny() {
    return from == 0 && to == 65535;
  }

  /** Whether {@code port} (-1 for OPAQUE/absent) is in the range. */
  public boolean contains(int port) {
    return isAny() || (port >= from && port <= to);
  }

  @Override
  public String toString() {
    return isAny() ? "any" : from == to ? Integer.toString(from) : from + "-" + to;
  }
}
