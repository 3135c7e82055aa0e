package org.meshsec.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.inet.InetText;

/** Parsing of the address forms used in the config file; numeric only, never DNS. */
final class Addresses {
  private Addresses() {}

  /** Text form for messages: IPv4 dotted quad, IPv6 compressed as RFC 5952 section 4 says. */
  static String format(InetAddress a) {
    return InetText.format(a);
  }

  /** Text form of a prefix for messages, with a compressed IPv6 address. */
  static String format(IpPrefix p) {
    return format(p.address()) + "/" + p.length();
  }

  static int version(InetAddress a) {
    return a instanceof Inet4Address ? 4 : 6;
  }

  static String versionName(int v) {
    return v == 4 ? "IPv4" : "IPv6";
  }

  /**
   * A bare numeric address.
   *
   * @throws IllegalArgumentException with the reason
   */
  static InetAddress address(String text) {
    if (text.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "\"" + text + "\" must be an address without a prefix length");
    }
    return IpPrefix.parse(text).address();
  }

  /** A unicast address usable as a tunnel endpoint: not the wildcard, not multicast. */
  static InetAddress endpoint(String text) {
    InetAddress a = address(text);
    if (a.isAnyLocalAddress()) {
      throw new IllegalArgumentException("\"" + text + "\" is the wildcard address");
    }
    if (a.isMulticastAddress()) {
      throw new IllegalArgumentException("\"" + text + "\" is a multicast address");
    }
    return a;
  }

  /**
   * A network prefix such as {@code 10.9.0.0/16}; a bare address is a host prefix. Host bits set
   * beyond the prefix length are refused (they usually mean a typo).
   */
  static IpPrefix network(String text) {
    IpPrefix p = IpPrefix.parse(text);
    int slash = text.indexOf('/');
    if (slash >= 0) {
      InetAddress written = IpPrefix.parse(text.substring(0, slash)).address();
      if (!written.equals(p.address())) {
        throw new IllegalArgumentException(
            "\""
                + text
                + "\" has host bits set beyond /"
                + p.length()
                + "; did you mean "
                + format(p)
                + "?");
      }
    }
    return p;
  }

  /** An interface address with its prefix length, such as {@code 10.9.0.1/24}. */
  static TunAddress interfaceAddress(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "\"" + text + "\" needs a prefix length, such as 10.9.0.1/24 or fd00::1/64");
    }
    IpPrefix p = IpPrefix.parse(text);
    InetAddress a = IpPrefix.parse(text.substring(0, slash)).address();
    if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a unicast address");
    }
    return new TunAddress(a, p.length());
  }
}
