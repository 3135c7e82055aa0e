package org.meshsec.core.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** The {@code [metrics]} table. Stateless. */
final class MetricsParser {
  static final List<String> METRICS_KEYS = List.of("listen");

  private MetricsParser() {}

  /** Parses {@code [metrics]}: absent means off; null when invalid (reported). */
  static MetricsConfig parse(TomlSection s) {
    if (s == null) {
      return MetricsConfig.DISABLED;
    }
    s.checkKeys(METRICS_KEYS);
    String text = s.requireString("listen");
    if (text == null) {
      return null;
    }
    try {
      return MetricsConfig.on(endpoint(text));
    } catch (IllegalArgumentException e) {
      s.error("listen", e.getMessage());
      return null;
    }
  }

  /**
   * {@code address:port}, the address numeric, an IPv6 address in brackets ({@code [::1]:9745}),
   * the port within 1..65535.
   *
   * @throws IllegalArgumentException with the reason
   */
  static InetSocketAddress endpoint(String text) {
    String example = "\"127.0.0.1:" + MetricsConfig.DEFAULT_PORT + "\"";
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException(
            "\""
                + text
                + "\" is not [address]:port, e.g. \"[::1]:"
                + MetricsConfig.DEFAULT_PORT
                + "\"");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
      if (host.indexOf(':') < 0) {
        throw new IllegalArgumentException(
            "\"" + text + "\": only an IPv6 address is written in brackets");
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "\"" + text + "\" has no port: write address:port, e.g. " + example);
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "\""
                + text
                + "\": write an IPv6 address in brackets, e.g. \"[::1]:"
                + MetricsConfig.DEFAULT_PORT
                + "\"");
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" has no address: write address:port, e.g. " + example);
    }
    InetAddress a = Addresses.address(host);
    if (a.isMulticastAddress()) {
      throw new IllegalArgumentException("\"" + host + "\" is a multicast address");
    }
    if (!port.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("port \"" + port + "\" is not a number in 1..65535");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("port " + p + " is out of range 1..65535");
    }
    return new InetSocketAddress(a, p);
  }
}
