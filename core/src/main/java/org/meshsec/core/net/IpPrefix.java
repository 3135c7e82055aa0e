package org.meshsec.core.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.meshsec.inet.InetText;

/**
 * An IPv4 or IPv6 address prefix in the two-long form that the packet parser ({@code
 * core.packet.PacketInfo}) and the SPD share: IPv6 as high and low 64 bits, IPv4 in the low 32 bits
 * of {@code lo}. Bits beyond {@code length} are always zero. Immutable.
 *
 * @param version 4 or 6
 * @param hi high 64 bits (IPv6) or 0
 * @param lo low 64 bits (IPv6) or the IPv4 address as an unsigned int
 * @param length prefix length, 0..32 or 0..128
 */
public record IpPrefix(int version, long hi, long lo, int length) {

  public IpPrefix {
    if (version != 4 && version != 6) {
      throw new IllegalArgumentException("version must be 4 or 6");
    }
    int max = version == 4 ? 32 : 128;
    if (length < 0 || length > max) {
      throw new IllegalArgumentException("prefix length " + length + " out of range 0.." + max);
    }
    hi &= maskHi(version, length);
    lo &= maskLo(version, length);
  }

  /** The IPv4 prefix 0.0.0.0/0. */
  public static final IpPrefix ANY4 = new IpPrefix(4, 0, 0, 0);

  /** The IPv6 prefix ::/0. */
  public static final IpPrefix ANY6 = new IpPrefix(6, 0, 0, 0);

  /**
   * Parses {@code 10.0.0.0/24}, {@code 2001:db8::/32} or a bare address (a host prefix). Accepts
   * only numeric addresses; never does DNS.
   *
   * @throws IllegalArgumentException with the reason, on a malformed prefix
   */
  public static IpPrefix parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    InetAddress a = parseNumericAddress(addr);
    int max = a instanceof Inet4Address ? 32 : 128;
    int len = max;
    if (slash >= 0) {
      String lenText = s.substring(slash + 1);
      if (!lenText.matches("\\d{1,3}")) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'");
      }
      len = Integer.parseInt(lenText);
      if (len < 0 || len > max) {
        throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
      }
    }
    return of(a, len);
  }

  /** The prefix of {@code address} with {@code length} bits. */
  public static IpPrefix of(InetAddress address, int length) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return new IpPrefix(4, 0, toLong(b, 0, 4), length);
    }
    return new IpPrefix(6, toLong(b, 0, 8), toLong(b, 8, 8), length);
  }

  /** The host prefix (/32 or /128) of {@code address}. */
  public static IpPrefix host(InetAddress address) {
    return of(address, address instanceof Inet4Address ? 32 : 128);
  }

  /** Whether the address (in two-long form) lies inside this prefix. */
  public boolean contains(int addrVersion, long addrHi, long addrLo) {
    if (addrVersion != version) {
      return false;
    }
    return (addrHi & maskHi(version, length)) == hi && (addrLo & maskLo(version, length)) == lo;
  }

  /** Whether {@code other} is entirely inside this prefix. */
  public boolean contains(IpPrefix other) {
    return other.version == version
        && other.length >= length
        && contains(other.version, other.hi, other.lo);
  }

  /** Network address of the prefix. */
  public InetAddress address() {
    try {
      if (version == 4) {
        int v = (int) lo;
        return InetAddress.getByAddress(
            new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
      }
      byte[] b = new byte[16];
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (hi >>> (56 - 8 * i));
        b[8 + i] = (byte) (lo >>> (56 - 8 * i));
      }
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The mask of the high 64 bits for a prefix of {@code length} bits (always 0 for IPv4).
   * Allocation-free: used on the packet path.
   */
  public static long maskHi(int version, int length) {
    if (version == 4 || length == 0) {
      return 0;
    }
    return length >= 64 ? -1L : -1L << (64 - length);
  }

  /** The mask of the low 64 bits for a prefix of {@code length} bits (IPv4: the low 32 bits). */
  public static long maskLo(int version, int length) {
    if (version == 4) {
      return length == 0 ? 0 : (0xFFFFFFFFL << (32 - length)) & 0xFFFFFFFFL;
    }
    return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
  }

  private static long toLong(byte[] b, int off, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  /**
   * Parses a numeric address without ever resolving a name: IPv4 dotted quads are parsed here (four
   * decimal octets, each 0..255, no leading zeros that BSD would read as octal); IPv6 literals are
   * handed to the JDK only when they start with a hex digit or ':' and contain a ':', the form for
   * which {@link InetAddress#getByName} parses a literal and never does DNS.
   */
  private static InetAddress parseNumericAddress(String addr) {
    if (addr.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      String[] parts = addr.split("\\.");
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        String part = parts[i];
        int v = Integer.parseInt(part);
        if (v > 255 || (part.length() > 1 && part.charAt(0) == '0')) {
          throw new IllegalArgumentException("not a valid IPv4 address: '" + addr + "'");
        }
        b[i] = (byte) v;
      }
      try {
        return InetAddress.getByAddress(b);
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
    }
    boolean v6 =
        addr.contains(":")
            && addr.matches("[0-9A-Fa-f:.]+")
            && (addr.charAt(0) == ':' || Character.digit(addr.charAt(0), 16) >= 0);
    if (!v6) {
      throw new IllegalArgumentException("not a numeric IP address: '" + addr + "'");
    }
    try {
      InetAddress a = InetAddress.getByName(addr);
      if (a instanceof Inet4Address) {
        // an IPv4-mapped IPv6 literal is returned as IPv4 by the JDK; keep it IPv6 as written
        byte[] b4 = a.getAddress();
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(b4, 0, b, 12, 4);
        return Inet6Address.getByAddress(null, b, -1);
      }
      return a;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a valid IP address: '" + addr + "'");
    }
  }

  @Override
  public String toString() {
    return InetText.format(version, hi, lo) + "/" + length;
  }
}
