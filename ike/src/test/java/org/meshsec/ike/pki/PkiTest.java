package org.meshsec.ike.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.crypto.DeterministicRandom;

/** The {@code meshsec pki} facade: genkey, selfsign, req, sign, print, and PEM handling. */
class PkiTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private final Pki pki = new Pki(Clock.fixed(NOW, ZoneOffset.UTC), new DeterministicRandom(7));

  @Test
  void genkeyForEveryType() throws Exception {
    for (KeyType t : KeyType.values()) {
      String pem = pki.genkey(t);
      assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), t.name());
      PrivateKey k = Pem.readPrivateKey(pem);
      assertEquals(t, Keys.typeOf(k));
      if (t == KeyType.ED25519) {
        // the JDK names its Edwards keys EdDSA and keeps the curve in the parameters
        assertEquals("Ed25519", ((java.security.interfaces.EdECKey) k).getParams().getName());
      } else {
        assertEquals(t.algorithm(), k.getAlgorithm());
      }
      if (t == KeyType.ED25519) {
        assertInstanceOf(java.security.interfaces.EdECPrivateKey.class, k);
      } else if (t.curve() == null) {
        assertInstanceOf(RSAPrivateKey.class, k);
        assertEquals(t.bits(), ((RSAPrivateKey) k).getModulus().bitLength());
      } else {
        assertInstanceOf(ECPrivateKey.class, k);
      }
      assertEquals(t, KeyType.parse(t.cliName()));
    }
    assertEquals(KeyType.EC_P384, KeyType.parse("ecdsa-p384"));
    assertNull(KeyType.parse("dsa1024"));
  }

  @Test
  void genkeyIsDeterministicForAGivenRandom() {
    Pki a = new Pki(Clock.fixed(NOW, ZoneOffset.UTC), new DeterministicRandom(1));
    Pki b = new Pki(Clock.fixed(NOW, ZoneOffset.UTC), new DeterministicRandom(1));
    assertEquals(a.genkey(KeyType.EC_P256), b.genkey(KeyType.EC_P256));
  }

  @Test
  void selfSignedCaCertificate() throws Exception {
    String key = pki.genkey(KeyType.EC_P384);
    X509Certificate ca =
        Pem.readCertificate(
            pki.selfsign(
                key, "CN=meshsec test CA, O=example", Duration.ofDays(3650), List.of(), true));
    assertEquals(new X500Principal("CN=meshsec test CA, O=example"), ca.getSubjectX500Principal());
    assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
    assertTrue(ca.getBasicConstraints() >= 0, "cA=TRUE");
    assertTrue(ca.getKeyUsage()[5], "keyCertSign");
    assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.19"));
    assertEquals(NOW, ca.getNotBefore().toInstant());
    assertEquals(NOW.plus(Duration.ofDays(3650)), ca.getNotAfter().toInstant());
    assertEquals("SHA384withECDSA", ca.getSigAlgName());
    ca.verify(ca.getPublicKey());
    assertTrue(ca.getSerialNumber().signum() > 0);
  }

  @Test
  void selfSignedEndEntityWithAltNames() throws Exception {
    String key = pki.genkey(KeyType.EC_P256);
    X509Certificate c =
        Pem.readCertificate(
            pki.selfsign(
                key,
                "CN=gw1",
                Duration.ofDays(365),
                List.of(
                    SubjectAltName.dns("gw1.example.org"),
                    SubjectAltName.ip("192.0.2.1"),
                    SubjectAltName.ip("2001:db8::1"),
                    SubjectAltName.email("ops@example.org")),
                false));
    assertEquals(-1, c.getBasicConstraints());
    assertTrue(c.getKeyUsage()[0], "digitalSignature");
    List<SubjectAltName> sans = Certificates.subjectAltNames(c);
    assertEquals(4, sans.size());
    assertEquals(SubjectAltName.dns("gw1.example.org"), sans.get(0));
    assertEquals(SubjectAltName.Kind.IP, sans.get(2).kind());
    assertArrayEquals(
        SubjectAltName.parseIp("2001:db8::1"), SubjectAltName.parseIp(sans.get(2).value()));
    assertEquals(SubjectAltName.email("ops@example.org"), sans.get(3));
    c.verify(c.getPublicKey());
  }

  @Test
  void requestAndSignWithCaKey() throws Exception {
    String caKey = pki.genkey(KeyType.EC_P256);
    String caPem = pki.selfsign(caKey, "CN=CA", Duration.ofDays(3650), List.of(), true);
    X509Certificate ca = Pem.readCertificate(caPem);

    String eeKey = pki.genkey(KeyType.EC_P256);
    String reqPem =
        pki.req(eeKey, "CN=gw2, O=example", List.of(SubjectAltName.parse("dns:gw2.example.org")));
    CertificateRequest req = Pem.readRequest(reqPem);
    assertTrue(req.isSignatureValid());
    assertEquals(new X500Principal("CN=gw2, O=example"), req.subject());
    assertEquals(List.of(SubjectAltName.dns("gw2.example.org")), req.subjectAltNames());
    assertEquals(Keys.publicKeyOf(Pem.readPrivateKey(eeKey)), req.publicKey());

    // No altNames given: the request's are copied.
    X509Certificate ee =
        Pem.readCertificate(pki.sign(reqPem, caPem, caKey, Duration.ofDays(730), List.of(), false));
    ee.verify(ca.getPublicKey());
    assertEquals(ca.getSubjectX500Principal(), ee.getIssuerX500Principal());
    assertEquals(req.subject(), ee.getSubjectX500Principal());
    assertEquals(-1, ee.getBasicConstraints());
    assertEquals(List.of(SubjectAltName.dns("gw2.example.org")), Certificates.subjectAltNames(ee));
    assertEquals(NOW.plus(Duration.ofDays(730)), ee.getNotAfter().toInstant());
    assertTrue(Keys.matches(Pem.readPrivateKey(eeKey), ee.getPublicKey()));

    // altNames given: they replace the request's.
    X509Certificate ee2 =
        Pem.readCertificate(
            pki.sign(
                reqPem,
                caPem,
                caKey,
                Duration.ofDays(1),
                List.of(SubjectAltName.ip("10.0.0.2")),
                false));
    assertEquals(List.of(SubjectAltName.ip("10.0.0.2")), Certificates.subjectAltNames(ee2));
    // And an intermediate CA.
    X509Certificate sub =
        Pem.readCertificate(pki.sign(reqPem, caPem, caKey, Duration.ofDays(1), List.of(), true));
    assertTrue(sub.getBasicConstraints() >= 0);
  }

  @Test
  void ed25519CaSignsEd25519RequestAndTheChainValidates() throws Exception {
    String caKey = pki.genkey(KeyType.ED25519);
    String caPem = pki.selfsign(caKey, "CN=ed CA", Duration.ofDays(30), List.of(), true);
    String eeKey = pki.genkey(KeyType.ED25519);
    String req = pki.req(eeKey, "CN=gw1", List.of(SubjectAltName.dns("gw1.example")));
    X509Certificate ee =
        Pem.readCertificates(pki.sign(req, caPem, caKey, Duration.ofDays(7), List.of(), false))
            .get(0);
    X509Certificate ca = Pem.readCertificates(caPem).get(0);
    // RFC 8410 section 6: signatureAlgorithm id-Ed25519, no parameters
    assertEquals("1.3.101.112", ee.getSigAlgOID());
    assertNull(ee.getSigAlgParams());
    ee.verify(ca.getPublicKey());
    assertTrue(Keys.matches(Pem.readPrivateKey(eeKey), ee.getPublicKey()));
    assertFalse(Keys.matches(Pem.readPrivateKey(caKey), ee.getPublicKey()));
    assertEquals(KeyType.ED25519, Keys.typeOf(ee.getPublicKey()));
    assertEquals("Ed25519", Keys.describe(ee.getPublicKey()));
  }

  @Test
  void rsaCaSignsEcRequest() throws Exception {
    String caKey = pki.genkey(KeyType.RSA_2048);
    String caPem = pki.selfsign(caKey, "CN=RSA CA", Duration.ofDays(10), List.of(), true);
    String eeKey = pki.genkey(KeyType.EC_P384);
    String reqPem = pki.req(eeKey, "CN=ec peer", List.of());
    X509Certificate ee =
        Pem.readCertificate(pki.sign(reqPem, caPem, caKey, Duration.ofDays(1), List.of(), false));
    assertEquals("SHA256withRSA", ee.getSigAlgName());
    ee.verify(Pem.readCertificate(caPem).getPublicKey());
  }

  @Test
  void signRefusesBadInputs() throws Exception {
    String caKey = pki.genkey(KeyType.EC_P256);
    String caPem = pki.selfsign(caKey, "CN=CA", Duration.ofDays(10), List.of(), true);
    String otherKey = pki.genkey(KeyType.EC_P256);
    String eePem = pki.selfsign(otherKey, "CN=not a CA", Duration.ofDays(10), List.of(), false);
    String reqPem = pki.req(pki.genkey(KeyType.EC_P256), "CN=x", List.of());

    PkiException wrongKey =
        assertThrows(
            PkiException.class,
            () -> pki.sign(reqPem, caPem, otherKey, Duration.ofDays(1), List.of(), false));
    assertTrue(wrongKey.getMessage().contains("does not belong"));
    assertThrows(
        PkiException.class,
        () -> pki.sign(reqPem, eePem, otherKey, Duration.ofDays(1), List.of(), false));

    // A request whose signature no longer matches its content.
    byte[] der = Pem.readRequest(reqPem).encoded();
    der[der.length - 5] ^= 1;
    String tampered = Pem.encode("CERTIFICATE REQUEST", der);
    assertThrows(
        PkiException.class,
        () -> pki.sign(tampered, caPem, caKey, Duration.ofDays(1), List.of(), false));

    // The wrong kind of PEM object where another is expected.
    assertThrows(
        PkiException.class,
        () -> pki.sign(caPem, caPem, caKey, Duration.ofDays(1), List.of(), false));
    assertThrows(
        PkiException.class,
        () -> pki.selfsign(caPem, "CN=x", Duration.ofDays(1), List.of(), false));
    assertThrows(
        PkiException.class,
        () -> pki.selfsign(caKey, "not a dn", Duration.ofDays(1), List.of(), false));
  }

  @Test
  void pemReading() throws Exception {
    assertThrows(PkiException.class, () -> Pem.readAll(""));
    assertThrows(
        PkiException.class,
        () -> Pem.readAll("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
    assertThrows(
        PkiException.class, () -> Pem.readAll("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"));

    // A chain file with two certificates.
    String k = pki.genkey(KeyType.EC_P256);
    String a = pki.selfsign(k, "CN=a", Duration.ofDays(1), List.of(), true);
    String b = pki.selfsign(k, "CN=b", Duration.ofDays(1), List.of(), true);
    List<X509Certificate> both = Pem.readCertificates(a + b);
    assertEquals(2, both.size());
    assertEquals(new X500Principal("CN=b"), both.get(1).getSubjectX500Principal());
    assertThrows(PkiException.class, () -> Pem.readCertificate(a + b));
    assertThrows(PkiException.class, () -> Pem.readCertificates(a + k));

    // Round trips.
    X509Certificate cert = Pem.readCertificate(a);
    assertEquals(cert, Pem.readCertificate(Pem.write(cert)));
    assertEquals(cert.getPublicKey(), Pem.readPublicKey(Pem.write(cert.getPublicKey())));
    PrivateKey key = Pem.readPrivateKey(k);
    assertArrayEquals(key.getEncoded(), Pem.readPrivateKey(Pem.write(key)).getEncoded());
  }

  @Test
  void readsOpenSslTraditionalKeysAndRefusesEncryptedOnes() throws Exception {
    // "RSA PRIVATE KEY" (PKCS#1), as Bouncy Castle and OpenSSL write it.
    KeyPair rsa = Keys.generate(KeyType.RSA_2048, new DeterministicRandom(3));
    StringWriter rw = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(rw)) {
      pw.writeObject(rsa.getPrivate());
    }
    assertTrue(rw.toString().startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    PrivateKey rsaBack = Pem.readPrivateKey(rw.toString());
    assertTrue(Keys.matches(rsaBack, rsa.getPublic()));
    assertEquals(rsa.getPublic(), Keys.publicKeyOf(rsaBack));

    // "EC PRIVATE KEY" (SEC 1, RFC 5915) with the curve OID and public key, as OpenSSL writes it.
    KeyPair ec = Keys.generate(KeyType.EC_P256, new DeterministicRandom(3));
    ECPublicKey pub = (ECPublicKey) ec.getPublic();
    byte[] point = new byte[65];
    point[0] = 4;
    byte[] x = pub.getW().getAffineX().toByteArray();
    byte[] y = pub.getW().getAffineY().toByteArray();
    System.arraycopy(
        x,
        Math.max(0, x.length - 32),
        point,
        1 + Math.max(0, 32 - x.length),
        Math.min(32, x.length));
    System.arraycopy(
        y,
        Math.max(0, y.length - 32),
        point,
        33 + Math.max(0, 32 - y.length),
        Math.min(32, y.length));
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256,
            ((ECPrivateKey) ec.getPrivate()).getS(),
            new DERBitString(point),
            SECObjectIdentifiers.secp256r1);
    String ecPem = Pem.encode("EC PRIVATE KEY", sec1.getEncoded());
    PrivateKey ecBack = Pem.readPrivateKey(ecPem);
    assertTrue(Keys.matches(ecBack, ec.getPublic()));
    assertEquals(ec.getPublic(), Keys.publicKeyOf(ecBack));

    KeyPair kp = Keys.generate(KeyType.EC_P256, new DeterministicRandom(4));
    OutputEncryptor enc =
        new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
            .setPassword("secret".toCharArray())
            .setRandom(new DeterministicRandom(5))
            .build();
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(new JcaPKCS8Generator(kp.getPrivate(), enc));
    }
    assertTrue(w.toString().contains("ENCRYPTED PRIVATE KEY"));
    PkiException e = assertThrows(PkiException.class, () -> Pem.readPrivateKey(w.toString()));
    assertTrue(e.getMessage().contains("encrypted"));
  }

  @Test
  void printDescribesWithoutKeyMaterial() throws Exception {
    String key = pki.genkey(KeyType.EC_P256);
    String cert =
        pki.selfsign(
            key,
            "CN=printed",
            Duration.ofDays(30),
            List.of(SubjectAltName.dns("p.example")),
            false);
    String req = pki.req(key, "CN=requested", List.of(SubjectAltName.ip("192.0.2.7")));

    String c = pki.print(cert);
    assertTrue(c.startsWith("certificate\n"));
    assertTrue(c.contains("subject:     CN=printed"));
    assertTrue(c.contains("altNames:    dns:p.example"));
    assertTrue(c.contains("key:         EC P-256"));
    assertTrue(c.contains("CA:          no"));
    assertTrue(c.contains("not before:  2025-03-01T12:00:00Z"));

    String r = pki.print(req);
    assertTrue(r.contains("certificate request"));
    assertTrue(r.contains("signature:   valid"));
    assertTrue(r.contains("ip:192.0.2.7"));

    String k = pki.print(key);
    assertTrue(k.startsWith("private key\n"));
    assertTrue(k.contains("EC P-256"));
    // The public-key fingerprint of the key equals the certificate's.
    String fp = k.substring(k.indexOf("pubkey sha256: ")).lines().findFirst().get();
    assertTrue(c.contains(fp));
    // No key bytes: neither PEM nor Base64 of the private key appears.
    String b64 = Base64.getEncoder().encodeToString(Pem.readPrivateKey(key).getEncoded());
    assertFalse(k.contains("BEGIN"));
    assertFalse(k.contains(b64.substring(40, 80)));
    assertEquals(3, pki.print(cert + req + key).split("\n\n").length);
  }

  @Test
  void subjectAltNameParsing() {
    assertEquals(SubjectAltName.dns("a.example"), SubjectAltName.parse("dns:a.example"));
    assertEquals(SubjectAltName.dns("a.example"), SubjectAltName.parse("a.example"));
    assertEquals(SubjectAltName.ip("192.0.2.1"), SubjectAltName.parse("ip:192.0.2.1"));
    assertEquals(SubjectAltName.ip("192.0.2.1"), SubjectAltName.parse("192.0.2.1"));
    assertEquals(SubjectAltName.ip("2001:db8::1"), SubjectAltName.parse("2001:db8::1"));
    assertEquals(SubjectAltName.email("a@b.example"), SubjectAltName.parse("email:a@b.example"));
    assertEquals(SubjectAltName.email("a@b.example"), SubjectAltName.parse("a@b.example"));
    assertEquals("ip:10.1.2.3", SubjectAltName.parse("10.1.2.3").toString());
    assertThrows(IllegalArgumentException.class, () -> SubjectAltName.parse("ip:999.1.1.1"));
    assertThrows(IllegalArgumentException.class, () -> SubjectAltName.parse("ip:gw.example"));
    assertThrows(IllegalArgumentException.class, () -> SubjectAltName.parse("uri:x"));
    assertThrows(IllegalArgumentException.class, () -> SubjectAltName.parse("email:nobody"));
    assertNull(SubjectAltName.parseIp("1.2.3"));
    assertNull(SubjectAltName.parseIp("1.2.3.4.5"));
    assertNull(SubjectAltName.parseIp("2001:zz::1"));
  }
}
