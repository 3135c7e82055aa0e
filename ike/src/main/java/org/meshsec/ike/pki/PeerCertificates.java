package org.meshsec.ike.pki;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The certificate side of authenticating a peer, shared by IKEv2 (RFC 7296 section 3.6) and IKEv1
 * (RFC 2409 section 5.1): the X.509 certificates it sent are parsed, its own (the first) must be
 * trusted by the {@link CertValidator} and must carry the identity its ID payload claims (RFC 4945
 * section 3.1, {@link IdentityMatcher}); and the comparison of a claimed identity with the
 * configured one ({@link #sameIdentity}). The signature check itself belongs to each version's
 * exchange. Stateless and thread-safe.
 */
public final class PeerCertificates {
  private PeerCertificates() {}

  /**
   * DER X.509 certificates, in the order received.
   *
   * @throws PkiException if one does not parse
   */
  public static List<X509Certificate> parse(List<byte[]> der) throws PkiException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (byte[] d : der) {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(d)));
      }
    } catch (CertificateException | ClassCastException e) {
      throw new PkiException("unparsable certificate");
    }
    return out;
  }

  /**
   * Why the peer's certificate does not authenticate {@code claimed}, or empty when it does: no
   * certificate, a certificate {@code validator} does not trust at {@code at}, or one that does not
   * carry the claimed identity. An ID_KEY_ID claim, which no certificate field carries, is accepted
   * only when the configuration names the peer ({@code remoteIdConfigured}).
   *
   * @param chain the peer's certificate first, then the intermediates it sent
   */
  public static Optional<String> refusal(
      CertValidator validator,
      List<X509Certificate> chain,
      PeerIdentity claimed,
      boolean remoteIdConfigured,
      Instant at) {
    if (chain.isEmpty()) {
      return Optional.of("peer sent no certificate");
    }
    X509Certificate cert = chain.get(0);
    ValidationResult trust = validator.validate(cert, chain.subList(1, chain.size()), at);
    if (trust instanceof ValidationResult.Untrusted u) {
      return Optional.of("certificate not trusted: " + u.reason() + ": " + u.detail());
    }
    IdentityMatch match = IdentityMatcher.match(cert, claimed);
    if (match == IdentityMatch.NO_MATCH
        || (match == IdentityMatch.NOT_APPLICABLE && !remoteIdConfigured)) {
      return Optional.of(
          "certificate " + cert.getSubjectX500Principal() + " does not carry " + claimed);
    }
    return Optional.empty();
  }

  /**
   * Whether a claimed identity is the configured one: DNs by their canonical form, host names
   * case-insensitively, e-mail addresses with a case-insensitive domain, the rest exactly.
   */
  public static boolean sameIdentity(PeerIdentity configured, PeerIdentity claimed) {
    if (configured instanceof PeerIdentity.Fqdn a && claimed instanceof PeerIdentity.Fqdn b) {
      return a.name().toLowerCase(Locale.ROOT).equals(b.name().toLowerCase(Locale.ROOT));
    }
    if (configured instanceof PeerIdentity.Email a && claimed instanceof PeerIdentity.Email b) {
      int ia = a.address().lastIndexOf('@');
      int ib = b.address().lastIndexOf('@');
      return ia > 0
          && ib > 0
          && a.address().substring(0, ia).equals(b.address().substring(0, ib))
          && a.address().substring(ia + 1).equalsIgnoreCase(b.address().substring(ib + 1));
    }
    return configured.equals(claimed);
  }
}
