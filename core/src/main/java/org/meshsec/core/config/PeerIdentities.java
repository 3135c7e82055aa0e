package org.meshsec.core.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.meshsec.ike.pki.PeerIdentity;

/**
 * The identity fields of a {@code [[peer]]} ({@code local_id}, {@code remote_id}): the ID types of
 * RFC 7296 section 3.5, written {@code { type = "fqdn", value = "..." }}. Stateless.
 */
final class PeerIdentities {
  static final List<String> ID_KEYS = List.of("type", "value");

  private PeerIdentities() {}

  /** {@code { type = "fqdn", value = "..." }}; the address when absent; null when invalid. */
  static PeerIdentity parse(TomlSection s, String key, InetAddress def) {
    if (!s.has(key)) {
      return def == null ? null : new PeerIdentity.IpAddress(def);
    }
    TomlSection t = s.table(key);
    if (t == null) {
      return null;
    }
    t.checkKeys(ID_KEYS);
    String type = t.requireString("type");
    String value = t.requireString("value");
    if (type == null || value == null) {
      return null;
    }
    try {
      return switch (type) {
        case "ipv4" -> {
          InetAddress a = Addresses.address(value);
          if (!(a instanceof Inet4Address)) {
            throw new IllegalArgumentException("\"" + value + "\" is not an IPv4 address");
          }
          yield new PeerIdentity.IpAddress(a);
        }
        case "ipv6" -> {
          InetAddress a = Addresses.address(value);
          if (!(a instanceof Inet6Address)) {
            throw new IllegalArgumentException("\"" + value + "\" is not an IPv6 address");
          }
          yield new PeerIdentity.IpAddress(a);
        }
        case "fqdn" -> {
          if (!value.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("\"" + value + "\" is not a host name");
          }
          yield new PeerIdentity.Fqdn(value);
        }
        case "email" -> {
          if (!value.matches("[^@\\s]+@[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("\"" + value + "\" is not an e-mail address");
          }
          yield new PeerIdentity.Email(value);
        }
        case "dn" -> {
          try {
            yield new PeerIdentity.Dn(new X500Principal(value));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "\"" + value + "\" is not a distinguished name (write \"CN=alpha, O=Example\")");
          }
        }
        case "keyid" -> {
          String hex = value.startsWith("0x") ? value.substring(2) : value;
          if (hex.isEmpty() || !hex.matches("([0-9A-Fa-f]{2})+")) {
            throw new IllegalArgumentException("\"" + value + "\" is not a hex string");
          }
          yield new PeerIdentity.KeyId(HexFormat.of().parseHex(hex));
        }
        default -> {
          t.error("type", "\"" + type + "\" is not one of ipv4, ipv6, fqdn, email, dn, keyid");
          yield null;
        }
      };
    } catch (IllegalArgumentException e) {
      t.error("value", e.getMessage());
      return null;
    }
  }

  /** An identity in its usual text form, for messages. */
  static String describe(PeerIdentity id) {
    if (id instanceof PeerIdentity.Dn) {
      return "\"" + id.text() + "\"";
    }
    return id.text();
  }
}
