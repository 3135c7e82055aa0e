package org.meshsec.ike.pki;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;

/**
 * Checks that an end-entity certificate carries the identity the peer claims in its ID payload, as
 * RFC 4945 section 3.1 prescribes: ID_DER_ASN1_DN against the subject (compared in canonical form),
 * ID_FQDN against dNSName, ID_RFC822_ADDR against rfc822Name and ID_IPV4/IPV6_ADDR against
 * iPAddress subjectAltNames, never against the subject's CN (RFC 4945 section 3.1). Host names
 * compare case-insensitively without wildcards; in e-mail addresses only the domain part does (RFC
 * 5280 section 4.2.1.6). Stateless and thread-safe.
 */
public final class IdentityMatcher {
  private IdentityMatcher() {}

  /** Whether {@code cert} carries {@code id} in the field RFC 4945 section 3.1 assigns to it. */
  public static IdentityMatch match(X509Certificate cert, PeerIdentity id) {
    if (id instanceof PeerIdentity.Dn dn) {
      return cert.getSubjectX500Principal().equals(dn.name())
          ? IdentityMatch.MATCH
          : IdentityMatch.NO_MATCH;
    }
    if (id instanceof PeerIdentity.Fqdn f) {
      return anySan(cert, SubjectAltName.Kind.DNS, f.name());
    }
    if (id instanceof PeerIdentity.Email e) {
      return anySan(cert, SubjectAltName.Kind.EMAIL, e.address());
    }
    if (id instanceof PeerIdentity.IpAddress ip) {
      return anyIp(cert, ip.address().getAddress());
    }
    return IdentityMatch.NOT_APPLICABLE; // KeyId
  }

  private static IdentityMatch anySan(X509Certificate cert, SubjectAltName.Kind kind, String v) {
    for (SubjectAltName san : Certificates.subjectAltNames(cert)) {
      if (san.kind() == kind
          && (kind == SubjectAltName.Kind.DNS
              ? dnsEquals(san.value(), v)
              : emailEquals(san.value(), v))) {
        return IdentityMatch.MATCH;
      }
    }
    return IdentityMatch.NO_MATCH;
  }

  private static IdentityMatch anyIp(X509Certificate cert, byte[] addr) {
    for (SubjectAltName san : Certificates.subjectAltNames(cert)) {
      if (san.kind() == SubjectAltName.Kind.IP
          && Arrays.equals(SubjectAltName.parseIp(san.value()), addr)) {
        return IdentityMatch.MATCH;
      }
    }
    return IdentityMatch.NO_MATCH;
  }

  private static boolean dnsEquals(String a, String b) {
    return strip(a).toLowerCase(Locale.ROOT).equals(strip(b).toLowerCase(Locale.ROOT));
  }

  /** A trailing dot names the same host (absolute form). */
  private static String strip(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  private static boolean emailEquals(String a, String b) {
    int ia = a.lastIndexOf('@');
    int ib = b.lastIndexOf('@');
    if (ia <= 0 || ib <= 0) {
      return false;
    }
    return a.substring(0, ia).equals(b.substring(0, ib))
        && a.substring(ia + 1).equalsIgnoreCase(b.substring(ib + 1));
  }
}
