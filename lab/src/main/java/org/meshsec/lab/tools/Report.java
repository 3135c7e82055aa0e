package org.meshsec.lab.tools;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.meshsec.inet.InetText;

/** Formatting shared by the tools. Stateless. */
final class Report {
  private Report() {}

  /** "N bytes sha256=HEX in T ms (R Mbit/s)". */
  static String transfer(long bytes, byte[] sha256, long nanos) {
    double ms = nanos / 1e6;
    double mbit = nanos == 0 ? 0 : bytes * 8.0 * 1000.0 / nanos;
    return String.format(
        Locale.ROOT,
        "%d bytes sha256=%s in %.1f ms (%.1f Mbit/s)",
        bytes,
        java.util.HexFormat.of().formatHex(sha256),
        ms,
        mbit);
  }

  /** "192.0.2.1:5001" or "[2001:db8::1]:5001". */
  static String endpoint(InetSocketAddress a) {
    return host(a.getAddress()) + ":" + a.getPort();
  }

  /** "192.0.2.1" or "[2001:db8::1]": the address in its text form, IPv6 in brackets. */
  static String host(InetAddress a) {
    String h = InetText.format(a);
    return h.contains(":") ? "[" + h + "]" : h;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
