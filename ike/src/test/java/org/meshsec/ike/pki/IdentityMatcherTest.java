package org.meshsec.ike.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.crypto.DeterministicRandom;

/** Does the certificate carry the claimed IKE identity (RFC 4945 section 3.1)? */
class IdentityMatcherTest {

  private static X509Certificate cert;

  @BeforeAll
  static void cert() throws Exception {
    DeterministicRandom rnd = new DeterministicRandom(21);
    KeyPair kp = Keys.generate(KeyType.EC_P256, rnd);
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    cert =
        Certificates.selfSigned(
            kp,
            new X500Principal("CN=gw1.example.org, O=Example, C=DE"),
            t0,
            t0.plus(Duration.ofDays(1)),
            List.of(
                SubjectAltName.dns("gw1.example.org"),
                SubjectAltName.ip("192.0.2.1"),
                SubjectAltName.ip("2001:db8::1"),
                SubjectAltName.email("Ops@Example.org")),
            false,
            rnd);
  }

  private static IdentityMatch m(PeerIdentity id) {
    return IdentityMatcher.match(cert, id);
  }

  @Test
  void distinguishedNameMatchesTheSubjectCanonically() {
    assertEquals(
        IdentityMatch.MATCH,
        m(new PeerIdentity.Dn(new X500Principal("CN=gw1.example.org, O=Example, C=DE"))));
    assertEquals(
        IdentityMatch.MATCH,
        m(new PeerIdentity.Dn(new X500Principal("cn=GW1.example.org,o=example,c=de"))));
    assertEquals(
        IdentityMatch.NO_MATCH,
        m(new PeerIdentity.Dn(new X500Principal("CN=gw1.example.org, O=Example"))));
    assertEquals(
        IdentityMatch.NO_MATCH,
        m(new PeerIdentity.Dn(new X500Principal("O=Example, CN=gw1.example.org, C=DE"))));
  }

  @Test
  void fqdnMatchesDnsNamesOnly() throws Exception {
    assertEquals(IdentityMatch.MATCH, m(new PeerIdentity.Fqdn("gw1.example.org")));
    assertEquals(IdentityMatch.MATCH, m(new PeerIdentity.Fqdn("GW1.Example.ORG")));
    assertEquals(IdentityMatch.MATCH, m(new PeerIdentity.Fqdn("gw1.example.org.")));
    assertEquals(IdentityMatch.NO_MATCH, m(new PeerIdentity.Fqdn("gw2.example.org")));
    assertEquals(IdentityMatch.NO_MATCH, m(new PeerIdentity.Fqdn("example.org")));
    // Never the CN (RFC 4945 section 3.1): a certificate without SANs does not match.
    DeterministicRandom rnd = new DeterministicRandom(22);
    X509Certificate cnOnly =
        Certificates.selfSigned(
            Keys.generate(KeyType.EC_P256, rnd),
            new X500Principal("CN=gw3.example.org"),
            Instant.EPOCH,
            Instant.EPOCH.plusSeconds(60),
            List.of(),
            false,
            rnd);
    assertEquals(
        IdentityMatch.NO_MATCH,
        IdentityMatcher.match(cnOnly, new PeerIdentity.Fqdn("gw3.example.org")));
  }

  @Test
  void emailComparesTheDomainCaseInsensitively() {
    assertEquals(IdentityMatch.MATCH, m(new PeerIdentity.Email("Ops@example.ORG")));
    assertEquals(IdentityMatch.NO_MATCH, m(new PeerIdentity.Email("ops@example.org")));
    assertEquals(IdentityMatch.NO_MATCH, m(new PeerIdentity.Email("gw1.example.org")));
  }

  @Test
  void ipAddressesCompareAsBytes() throws Exception {
    assertEquals(
        IdentityMatch.MATCH, m(new PeerIdentity.IpAddress(InetAddress.getByName("192.0.2.1"))));
    assertEquals(
        IdentityMatch.MATCH,
        m(new PeerIdentity.IpAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"))));
    assertEquals(
        IdentityMatch.NO_MATCH, m(new PeerIdentity.IpAddress(InetAddress.getByName("192.0.2.2"))));
    // An IPv4 identity is not matched by a dNSName that spells it.
    assertEquals(IdentityMatch.NO_MATCH, m(new PeerIdentity.Fqdn("192.0.2.1")));
  }

  @Test
  void keyIdHasNoCertificateField() {
    assertEquals(IdentityMatch.NOT_APPLICABLE, m(new PeerIdentity.KeyId(new byte[] {1, 2})));
  }

  @Test
  void fromIdPayload() throws Exception {
    assertEquals(
        new PeerIdentity.IpAddress(InetAddress.getByName("192.0.2.1")),
        PeerIdentity.fromIdPayload(PeerIdentity.ID_IPV4_ADDR, new byte[] {(byte) 192, 0, 2, 1})
            .orElseThrow());
    assertTrue(PeerIdentity.fromIdPayload(PeerIdentity.ID_IPV4_ADDR, new byte[5]).isEmpty());
    assertTrue(PeerIdentity.fromIdPayload(PeerIdentity.ID_IPV6_ADDR, new byte[4]).isEmpty());
    assertEquals(
        IdentityMatch.MATCH,
        m(
            PeerIdentity.fromIdPayload(
                    PeerIdentity.ID_IPV6_ADDR,
                    HexFormat.of().parseHex("20010db8000000000000000000000001"))
                .orElseThrow()));
    assertEquals(
        new PeerIdentity.Fqdn("gw1.example.org"),
        PeerIdentity.fromIdPayload(
                PeerIdentity.ID_FQDN, "gw1.example.org".getBytes(StandardCharsets.US_ASCII))
            .orElseThrow());
    byte[] dnDer = new X500Principal("CN=gw1.example.org, O=Example, C=DE").getEncoded();
    PeerIdentity dn = PeerIdentity.fromIdPayload(PeerIdentity.ID_DER_ASN1_DN, dnDer).orElseThrow();
    assertInstanceOf(PeerIdentity.Dn.class, dn);
    assertEquals(IdentityMatch.MATCH, m(dn));
    assertTrue(
        PeerIdentity.fromIdPayload(PeerIdentity.ID_DER_ASN1_DN, new byte[] {1, 2, 3}).isEmpty());
    assertTrue(PeerIdentity.fromIdPayload(4, new byte[8]).isEmpty()); // ID_IPV4_ADDR_SUBNET
    PeerIdentity k =
        PeerIdentity.fromIdPayload(PeerIdentity.ID_KEY_ID, new byte[] {9}).orElseThrow();
    assertEquals(new PeerIdentity.KeyId(new byte[] {9}), k);
    assertFalse(k.toString().isEmpty());
  }
}
