package org.meshsec.core.tools;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

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

  static String host(InetAddress a) {
    String h = literal(a);
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** The address as text, IPv6 in the RFC 5952 canonical form ("2001:db8::1", "::1"). */
  static String literal(InetAddress a) {
    if (!(a instanceof java.net.Inet6Address)) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is not shortened (RFC 5952 section 4.2.2)
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
