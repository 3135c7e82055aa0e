package org.meshsec.ike.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;

/**
 * The {@code meshsec pki} command's engine, in the manner of illumos {@code ikecert} and strongSwan
 * {@code pki}: each public method is one subcommand, taking and returning PEM text so that the CLI
 * only reads and writes files.
 *
 * <pre>
 * meshsec pki genkey   --type p256                              &gt; key.pem
 * meshsec pki selfsign --key key.pem --dn "CN=ca" --ca --days 3650 &gt; ca.pem
 * meshsec pki req      --key key.pem --dn "CN=gw1" --san dns:gw1.example  &gt; gw1.csr
 * meshsec pki sign     --in gw1.csr --cacert ca.pem --cakey cakey.pem --days 730 &gt; gw1.pem
 * meshsec pki sign     --in sub.csr --cacert ca.pem --cakey cakey.pem --ca     &gt; subca.pem
 * meshsec pki print    --in gw1.pem
 * </pre>
 *
 * <p>Validity starts at the clock's current second. Thread-safe if the {@link SecureRandom} is (the
 * JDK's are).
 */
public final class Pki {

  private final Clock clock;
  private final SecureRandom random;

  /** A facade with injected time and randomness (tests use fixed ones). */
  public Pki(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /** The system clock and a default {@link SecureRandom}. */
  public static Pki system() {
    return new Pki(Clock.systemUTC(), new SecureRandom());
  }

  /** {@code genkey}: a new private key, as unencrypted PKCS#8 PEM. */
  public String genkey(KeyType type) {
    return Pem.write(Keys.generate(type, random).getPrivate());
  }

  /**
   * {@code selfsign}: a self-signed certificate for the key, a CA root when {@code ca}.
   *
   * @param subjectDn RFC 4514 string, e.g. {@code "CN=gw1, O=example"}
   */
  public String selfsign(
      String keyPem, String subjectDn, Duration lifetime, List<SubjectAltName> altNames, boolean ca)
      throws PkiException {
    KeyPair kp = Keys.pairOf(Pem.readPrivateKey(keyPem));
    Instant now = now();
    return Pem.write(
        Certificates.selfSigned(kp, dn(subjectDn), now, now.plus(lifetime), altNames, ca, random));
  }

  /** {@code req}: a PKCS#10 request for the key, asking for the given subjectAltNames. */
  public String req(String keyPem, String subjectDn, List<SubjectAltName> altNames)
      throws PkiException {
    KeyPair kp = Keys.pairOf(Pem.readPrivateKey(keyPem));
    return Pem.write(Certificates.request(kp, dn(subjectDn), altNames, random));
  }

  /**
   * {@code sign}: a certificate for a request, issued by the CA: end-entity, or an intermediate CA
   * when {@code ca}.
   *
   * @param altNames subjectAltNames to write; empty to copy the request's
   */
  public String sign(
      String requestPem,
      String caCertPem,
      String caKeyPem,
      Duration lifetime,
      List<SubjectAltName> altNames,
      boolean ca)
      throws PkiException {
    CertificateRequest req = Pem.readRequest(requestPem);
    X509Certificate caCert = Pem.readCertificate(caCertPem);
    PrivateKey caKey = Pem.readPrivateKey(caKeyPem);
    Instant now = now();
    return Pem.write(
        Certificates.issue(req, caCert, caKey, now, now.plus(lifetime), altNames, ca, random));
  }

  /**
   * {@code print}: a human-readable description of every object in a PEM text (certificates,
   * requests, keys). Keys are described by type and public-key fingerprint only.
   */
  public String print(String pem) throws PkiException {
    StringBuilder sb = new StringBuilder();
    for (Object o : Pem.readAll(pem)) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      if (o instanceof X509Certificate c) {
        describe(sb, c);
      } else if (o instanceof CertificateRequest r) {
        describe(sb, r);
      } else if (o instanceof PrivateKey k) {
        sb.append("private key\n");
        sb.append("  type:        ").append(Keys.describe(k)).append('\n');
        PublicKey pub = Keys.publicKeyOf(k);
        sb.append("  pubkey sha256: ").append(Keys.fingerprint(pub)).append('\n');
      } else if (o instanceof PublicKey k) {
        sb.append("public key\n");
        sb.append("  type:        ").append(Keys.describe(k)).append('\n');
        sb.append("  pubkey sha256: ").append(Keys.fingerprint(k)).append('\n');
      }
    }
    return sb.toString();
  }

  private static void describe(StringBuilder sb, X509Certificate c) throws PkiException {
    sb.append("certificate\n");
    sb.append("  subject:     ").append(c.getSubjectX500Principal().getName()).append('\n');
    sb.append("  issuer:      ").append(c.getIssuerX500Principal().getName()).append('\n');
    sb.append("  serial:      ").append(Certificates.serialHex(c.getSerialNumber())).append('\n');
    sb.append("  not before:  ").append(c.getNotBefore().toInstant()).append('\n');
    sb.append("  not after:   ").append(c.getNotAfter().toInstant()).append('\n');
    sb.append("  key:         ").append(Keys.describe(c.getPublicKey())).append('\n');
    sb.append("  signature:   ").append(c.getSigAlgName()).append('\n');
    int bc = c.getBasicConstraints();
    sb.append("  CA:          ").append(bc >= 0 ? "yes" : "no").append('\n');
    List<SubjectAltName> sans = Certificates.subjectAltNames(c);
    if (!sans.isEmpty()) {
      sb.append("  altNames:    ")
          .append(sans.stream().map(SubjectAltName::toString).collect(Collectors.joining(", ")))
          .append('\n');
    }
    sb.append("  pubkey sha256: ").append(Keys.fingerprint(c.getPublicKey())).append('\n');
    try {
      sb.append("  cert sha256: ").append(Keys.sha256(c.getEncoded())).append('\n');
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new PkiException("certificate cannot be encoded", e);
    }
  }

  private static void describe(StringBuilder sb, CertificateRequest r) throws PkiException {
    sb.append("certificate request\n");
    sb.append("  subject:     ").append(r.subject().getName()).append('\n');
    sb.append("  key:         ").append(Keys.describe(r.publicKey())).append('\n');
    sb.append("  signature:   ").append(r.isSignatureValid() ? "valid" : "INVALID").append('\n');
    List<SubjectAltName> sans = r.subjectAltNames();
    if (!sans.isEmpty()) {
      sb.append("  altNames:    ")
          .append(sans.stream().map(SubjectAltName::toString).collect(Collectors.joining(", ")))
          .append('\n');
    }
    sb.append("  pubkey sha256: ").append(Keys.fingerprint(r.publicKey())).append('\n');
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static X500Principal dn(String s) throws PkiException {
    try {
      return new X500Principal(s);
    } catch (IllegalArgumentException e) {
      throw new PkiException("not a distinguished name: " + s, e);
    }
  }
}
