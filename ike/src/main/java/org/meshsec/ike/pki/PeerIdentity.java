package org.meshsec.ike.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.meshsec.inet.InetText;

/**
 * An IKE identity as carried in the IDi/IDr payload (RFC 7296 section 3.5), in the forms a
 * certificate can vouch for (RFC 4945 section 3.1). Immutable.
 */
public sealed interface PeerIdentity
    permits PeerIdentity.Dn,
        PeerIdentity.Fqdn,
        PeerIdentity.Email,
        PeerIdentity.IpAddress,
        PeerIdentity.KeyId {

  /** ID_IPV4_ADDR. */
  int ID_IPV4_ADDR = 1;

  /** ID_FQDN. */
  int ID_FQDN = 2;

  /** ID_RFC822_ADDR. */
  int ID_RFC822_ADDR = 3;

  /** ID_IPV6_ADDR. */
  int ID_IPV6_ADDR = 5;

  /** ID_DER_ASN1_DN. */
  int ID_DER_ASN1_DN = 9;

  /** ID_KEY_ID. */
  int ID_KEY_ID = 11;

  /**
   * The identity as strongSwan prints it and as logs and command output show it: an address in its
   * text form ({@code 192.0.2.2}, {@code 2001:db8::2}), a host name ({@code a.example}), an e-mail
   * address, a DN in RFC 4514 form ({@code CN=a,O=example}), a key id as {@code @#} and hex. Each
   * record's {@code toString()} is this text.
   */
  default String text() {
    if (this instanceof IpAddress ip) {
      return InetText.format(ip.address());
    }
    if (this instanceof Fqdn f) {
      return f.name();
    }
    if (this instanceof Email e) {
      return e.address();
    }
    if (this instanceof Dn dn) {
      return dn.name().getName();
    }
    return "@#" + HexFormat.of().formatHex(((KeyId) this).id);
  }

  /** ID_DER_ASN1_DN: a distinguished name, matched against the certificate subject. */
  record Dn(X500Principal name) implements PeerIdentity {
    @Override
    public String toString() {
      return text();
    }
  }

  /** ID_FQDN: a host name, matched against dNSName subjectAltNames. */
  record Fqdn(String name) implements PeerIdentity {
    @Override
    public String toString() {
      return text();
    }
  }

  /** ID_RFC822_ADDR: an e-mail address, matched against rfc822Name subjectAltNames. */
  record Email(String address) implements PeerIdentity {
    @Override
    public String toString() {
      return text();
    }
  }

  /** ID_IPV4_ADDR / ID_IPV6_ADDR, matched against iPAddress subjectAltNames. */
  record IpAddress(InetAddress address) implements PeerIdentity {
    @Override
    public String toString() {
      return text();
    }
  }

  /** ID_KEY_ID: opaque bytes no certificate field corresponds to. */
  record KeyId(byte[] id) implements PeerIdentity {
    public KeyId {
      id = id.clone();
    }

    @Override
    public byte[] id() {
      return id.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof KeyId k && Arrays.equals(id, k.id);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(id);
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /**
   * Decodes an ID payload's type and Identification Data. Empty when the type is not one of the
   * above or the data does not fit it (wrong address length, a DN that is not DER).
   */
  static Optional<PeerIdentity> fromIdPayload(int idType, byte[] data) {
    try {
      return switch (idType) {
        case ID_IPV4_ADDR ->
            data.length == 4
                ? Optional.of(new IpAddress(InetAddress.getByAddress(data)))
                : Optional.empty();
        case ID_IPV6_ADDR ->
            data.length == 16
                ? Optional.of(new IpAddress(InetAddress.getByAddress(data)))
                : Optional.empty();
        case ID_FQDN -> Optional.of(new Fqdn(new String(data, StandardCharsets.US_ASCII)));
        case ID_RFC822_ADDR -> Optional.of(new Email(new String(data, StandardCharsets.US_ASCII)));
        case ID_DER_ASN1_DN -> Optional.of(new Dn(new X500Principal(data)));
        case ID_KEY_ID -> Optional.of(new KeyId(data));
        default -> Optional.empty();
      };
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
