package org.meshsec.inet;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The usual text form of an IP address, as {@code ip} prints it and as logs and messages show it:
 * the dotted quad for IPv4, and for IPv6 the canonical form of RFC 5952 section 4 (lower-case hex,
 * no leading zeros, the longest run of two or more zero groups as "::", the leftmost on a tie; a
 * single zero group is not compressed). Never a host name, never a scope id.
 *
 * <p>{@link InetAddress#getHostAddress()} is not used for IPv6 because it never compresses
 * ("fd00:0:0:0:0:0:0:1").
 *
 * <p>Stateless and thread-safe.
 */
public final class InetText {
  private InetText() {}

  /**
   * An address and port as logs and messages show them: {@code 192.0.2.1:4500}, {@code
   * [2001:db8::1]:4500} (RFC 5952 section 6).
   */
  public static String endpoint(InetSocketAddress endpoint) {
    InetAddress a = endpoint.getAddress();
    if (a == null) {
      return endpoint.getHostString() + ":" + endpoint.getPort();
    }
    String host = format(a);
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + endpoint.getPort();
  }

  /** The text form of {@code address}. */
  public static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return format(4, 0, toLong(b, 0, 4));
    }
    return format(6, toLong(b, 0, 8), toLong(b, 8, 8));
  }

  /**
   * The text form of an address held as two longs, the form the packet path uses: IPv6 as its high
   * and low 64 bits, IPv4 in the low 32 bits of {@code lo} ({@code hi} ignored).
   *
   * @param version 4 or 6
   */
  public static String format(int version, long hi, long lo) {
    if (version == 4) {
      return ((lo >>> 24) & 0xFF)
          + "."
          + ((lo >>> 16) & 0xFF)
          + "."
          + ((lo >>> 8) & 0xFF)
          + "."
          + (lo & 0xFF);
    }
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
      g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is not compressed (RFC 5952 section 4.2.2)
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
    StringBuilder sb = new StringBuilder(39);
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

  private static long toLong(byte[] b, int off, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }
}
