package org.meshsec.ike.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * A subjectAltName entry (RFC 5280 section 4.2.1.6) of a kind IKE identities map to (RFC 4945
 * section 3.1): dNSName for ID_FQDN, iPAddress for ID_IPV4_ADDR / ID_IPV6_ADDR, rfc822Name for
 * ID_RFC822_ADDR.
 *
 * @param kind the entry type
 * @param value host name, IP address literal or e-mail address, as written
 */
public record SubjectAltName(Kind kind, String value) {

  /** The GeneralName choices meshsec writes and matches. */
  public enum Kind {
    DNS,
    IP,
    EMAIL
  }

  public SubjectAltName {
    if (kind == null || value == null || value.isBlank()) {
      throw new IllegalArgumentException("subjectAltName needs a kind and a value");
    }
    if (kind == Kind.IP && !isIpLiteral(value)) {
      throw new IllegalArgumentException("not an IP address literal: " + value);
    }
    if (kind == Kind.EMAIL && value.indexOf('@') <= 0) {
      throw new IllegalArgumentException("not an e-mail address: " + value);
    }
  }

  public static SubjectAltName dns(String host) {
    return new SubjectAltName(Kind.DNS, host);
  }

  public static SubjectAltName ip(String address) {
    return new SubjectAltName(Kind.IP, address);
  }

  public static SubjectAltName email(String address) {
    return new SubjectAltName(Kind.EMAIL, address);
  }

  /**
   * Parses {@code dns:host}, {@code ip:192.0.2.1}, {@code ip:2001:db8::1} or {@code
   * email:user@example.org} (the form of the CLI's {@code --san} option). Without a prefix, an IP
   * literal is taken as {@code ip:}, a value with {@code @} as {@code email:}, anything else as
   * {@code dns:}.
   *
   * @throws IllegalArgumentException on an unknown prefix or an invalid value
   */
  public static SubjectAltName parse(String text) {
    String t = text.trim();
    int colon = t.indexOf(':');
    if (colon > 0) {
      String prefix = t.substring(0, colon).toLowerCase(Locale.ROOT);
      String rest = t.substring(colon + 1);
      switch (prefix) {
        case "dns":
          return dns(rest);
        case "ip":
          return ip(rest);
        case "email":
        case "rfc822":
          return email(rest);
        default:
          break;
      }
    }
    if (isIpLiteral(t)) {
      return ip(t);
    }
    if (t.indexOf('@') > 0) {
      return email(t);
    }
    if (colon >= 0) {
      throw new IllegalArgumentException("unknown subjectAltName type in " + text);
    }
    return dns(t);
  }

  /** The Bouncy Castle GeneralName for certificate building. */
  GeneralName toGeneralName() {
    return switch (kind) {
      case DNS -> new GeneralName(GeneralName.dNSName, value);
      case IP -> new GeneralName(GeneralName.iPAddress, new DEROctetString(parseIp(value)));
      case EMAIL -> new GeneralName(GeneralName.rfc822Name, value);
    };
  }

  /** Whether {@code s} is an IPv4 or IPv6 literal; never performs a name lookup. */
  static boolean isIpLiteral(String s) {
    return parseIp(s) != null;
  }

  /**
   * The address bytes of an IPv4 (dotted quad) or IPv6 literal, or null. Never performs a name
   * lookup: IPv4 is parsed here, and the JDK parses a string with a colon only as an IPv6 literal.
   */
  static byte[] parseIp(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    if (s.indexOf(':') >= 0) {
      if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        return null;
      }
      try {
        return InetAddress.getByName(s).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /** The CLI form, e.g. {@code dns:gw.example.org}. */
  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + ":" + value;
  }
}
