package org.meshsec.ike.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.crypto.DeterministicRandom;

/**
 * Path validation against configured CAs and pinned certificates, with the reason for each kind of
 * failure.
 */
class CertValidatorTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOW = T0.plus(Duration.ofDays(10));
  private static final DeterministicRandom RND = new DeterministicRandom(11);

  private static KeyPair rootKey;
  private static X509Certificate root;
  private static KeyPair subKey;
  private static X509Certificate sub;
  private static KeyPair peerKey;
  private static X509Certificate peer; // issued by sub
  private static X509Certificate direct; // issued by root

  @BeforeAll
  static void pki() throws Exception {
    rootKey = Keys.generate(KeyType.EC_P256, RND);
    root = ca(rootKey, "CN=Root CA", T0, T0.plus(Duration.ofDays(3650)));
    subKey = Keys.generate(KeyType.EC_P256, RND);
    sub =
        Certificates.issue(
            req(subKey, "CN=Sub CA"),
            root,
            rootKey.getPrivate(),
            T0,
            T0.plus(Duration.ofDays(1000)),
            List.of(),
            true,
            RND);
    peerKey = Keys.generate(KeyType.EC_P256, RND);
    peer = issue(peerKey, "CN=peer", sub, subKey, T0, T0.plus(Duration.ofDays(365)));
    direct = issue(peerKey, "CN=direct", root, rootKey, T0, T0.plus(Duration.ofDays(365)));
  }

  static X509Certificate ca(KeyPair kp, String dn, Instant from, Instant to) throws Exception {
    return Certificates.selfSigned(kp, new X500Principal(dn), from, to, List.of(), true, RND);
  }

  static CertificateRequest req(KeyPair kp, String dn) throws Exception {
    return Certificates.request(kp, new X500Principal(dn), List.of(), RND);
  }

  static X509Certificate issue(
      KeyPair kp, String dn, X509Certificate ca, KeyPair caKey, Instant from, Instant to)
      throws Exception {
    return Certificates.issue(req(kp, dn), ca, caKey.getPrivate(), from, to, List.of(), false, RND);
  }

  private static ValidationFailure failure(ValidationResult r) {
    assertInstanceOf(ValidationResult.Untrusted.class, r, () -> "trusted: " + r);
    return ((ValidationResult.Untrusted) r).reason();
  }

  @Test
  void chainThroughAnIntermediate() {
    CertValidator v = new CertValidator(List.of(root), List.of());
    ValidationResult r = v.validate(peer, List.of(sub), NOW);
    assertTrue(r.isTrusted(), r.toString());
    ValidationResult.Trusted t = (ValidationResult.Trusted) r;
    assertEquals(root, t.anchor());
    assertEquals(List.of(peer, sub), t.path());
    assertFalse(t.pinned());
    // Directly issued by the root, no intermediates needed.
    assertTrue(v.validate(direct, List.of(), NOW).isTrusted());
    // Unrelated extra certificates and the root itself among them do no harm.
    assertTrue(v.validate(peer, List.of(direct, root, sub), NOW).isTrusted());
    // The intermediate as anchor works too.
    assertTrue(
        new CertValidator(List.of(sub), List.of()).validate(peer, List.of(), NOW).isTrusted());
  }

  @Test
  void missingIntermediateOrOtherCaIsUntrusted() throws Exception {
    CertValidator v = new CertValidator(List.of(root), List.of());
    assertEquals(ValidationFailure.UNTRUSTED, failure(v.validate(peer, List.of(), NOW)));
    KeyPair otherKey = Keys.generate(KeyType.EC_P256, RND);
    X509Certificate other = ca(otherKey, "CN=Other CA", T0, T0.plus(Duration.ofDays(100)));
    CertValidator o = new CertValidator(List.of(other), List.of());
    ValidationResult r = o.validate(peer, List.of(sub), NOW);
    assertEquals(ValidationFailure.UNTRUSTED, failure(r));
    assertTrue(((ValidationResult.Untrusted) r).detail().contains("CN=peer"));
    assertEquals(
        ValidationFailure.UNTRUSTED,
        failure(new CertValidator(List.of(), List.of()).validate(direct, List.of(), NOW)));
  }

  @Test
  void expiredAndNotYetValid() throws Exception {
    CertValidator v = new CertValidator(List.of(root), List.of());
    // The peer expires after 365 days, the intermediate after 1000.
    assertEquals(
        ValidationFailure.EXPIRED,
        failure(v.validate(peer, List.of(sub), T0.plus(Duration.ofDays(400)))));
    assertEquals(
        ValidationFailure.NOT_YET_VALID,
        failure(v.validate(peer, List.of(sub), T0.minus(Duration.ofDays(1)))));
    // An expired intermediate under a valid peer.
    X509Certificate longPeer =
        issue(peerKey, "CN=long", sub, subKey, T0, T0.plus(Duration.ofDays(5000)));
    ValidationResult r = v.validate(longPeer, List.of(sub), T0.plus(Duration.ofDays(2000)));
    assertEquals(ValidationFailure.EXPIRED, failure(r));
    assertTrue(((ValidationResult.Untrusted) r).detail().contains("Sub CA"), r.toString());
    // An expired CA certificate.
    KeyPair shortKey = Keys.generate(KeyType.EC_P256, RND);
    X509Certificate shortCa = ca(shortKey, "CN=Short CA", T0, T0.plus(Duration.ofDays(5)));
    X509Certificate underShort =
        issue(peerKey, "CN=u", shortCa, shortKey, T0, T0.plus(Duration.ofDays(100)));
    assertEquals(
        ValidationFailure.EXPIRED,
        failure(
            new CertValidator(List.of(shortCa), List.of()).validate(underShort, List.of(), NOW)));
  }

  @Test
  void signatureByAnImpostorWithTheSameName() throws Exception {
    // A second "Root CA" with its own key issues a certificate: the name chains, the signature not.
    KeyPair fakeKey = Keys.generate(KeyType.EC_P256, RND);
    X509Certificate fakeRoot = ca(fakeKey, "CN=Root CA", T0, T0.plus(Duration.ofDays(100)));
    X509Certificate forged =
        issue(peerKey, "CN=forged", fakeRoot, fakeKey, T0, T0.plus(Duration.ofDays(100)));
    CertValidator v = new CertValidator(List.of(root), List.of());
    assertEquals(ValidationFailure.BAD_SIGNATURE, failure(v.validate(forged, List.of(), NOW)));
  }

  @Test
  void tamperedSignature() throws Exception {
    byte[] der = direct.getEncoded();
    der[der.length - 3] ^= 0x01; // inside the signature value
    X509Certificate bad =
        (X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
    CertValidator v = new CertValidator(List.of(root), List.of());
    assertEquals(ValidationFailure.BAD_SIGNATURE, failure(v.validate(bad, List.of(), NOW)));
    // Also under an intermediate: the peer certificate's signature by the intermediate is bad.
    byte[] der2 = peer.getEncoded();
    der2[der2.length - 3] ^= 0x01;
    X509Certificate bad2 =
        (X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der2));
    assertEquals(ValidationFailure.BAD_SIGNATURE, failure(v.validate(bad2, List.of(sub), NOW)));
  }

  @Test
  void endEntityCannotIssue() throws Exception {
    // "direct" is an end-entity certificate (cA=FALSE, no keyCertSign); one issued under it fails.
    X509Certificate underEe = issueBypassingChecks(peerKey, "CN=under-ee", direct, peerKey);
    CertValidator v = new CertValidator(List.of(root), List.of());
    assertEquals(
        ValidationFailure.INVALID_PATH, failure(v.validate(underEe, List.of(direct), NOW)));
  }

  /** Issues with an end-entity certificate as issuer, which {@link Certificates#issue} refuses. */
  private static X509Certificate issueBypassingChecks(
      KeyPair kp, String dn, X509Certificate issuer, KeyPair issuerKey) throws Exception {
    var b =
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
            issuer,
            java.math.BigInteger.TEN,
            java.util.Date.from(T0),
            java.util.Date.from(T0.plus(Duration.ofDays(100))),
            new X500Principal(dn),
            kp.getPublic());
    var signer =
        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
            .build(issuerKey.getPrivate());
    return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
        .getCertificate(b.build(signer));
  }

  @Test
  void pinnedCertificates() throws Exception {
    KeyPair k = Keys.generate(KeyType.EC_P256, RND);
    X509Certificate self =
        Certificates.selfSigned(
            k,
            new X500Principal("CN=pinned"),
            T0,
            T0.plus(Duration.ofDays(30)),
            List.of(),
            false,
            RND);
    CertValidator v = new CertValidator(List.of(), List.of(self));
    ValidationResult r = v.validate(self, List.of(), NOW);
    assertTrue(r.isTrusted());
    assertTrue(((ValidationResult.Trusted) r).pinned());
    assertNull(((ValidationResult.Trusted) r).anchor());
    // A different certificate with the same subject and key is not the pinned one.
    X509Certificate twin =
        Certificates.selfSigned(
            k,
            new X500Principal("CN=pinned"),
            T0,
            T0.plus(Duration.ofDays(30)),
            List.of(),
            false,
            RND);
    assertEquals(ValidationFailure.UNTRUSTED, failure(v.validate(twin, List.of(), NOW)));
    // A pinned certificate still has a validity period.
    assertEquals(
        ValidationFailure.EXPIRED,
        failure(v.validate(self, List.of(), T0.plus(Duration.ofDays(31)))));
    // Pinning and CAs combine.
    CertValidator both = new CertValidator(List.of(root), List.of(self));
    assertTrue(both.validate(peer, List.of(sub), NOW).isTrusted());
    assertTrue(both.validate(self, List.of(), NOW).isTrusted());
  }
}
