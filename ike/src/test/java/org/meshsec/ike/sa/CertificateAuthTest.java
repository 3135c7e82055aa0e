package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.message.AuthMethod;
import org.meshsec.ike.message.AuthPayload;
import org.meshsec.ike.message.CertPayload;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.PeerIdentity;

/**
 * authentication with certificates issued by a test CA (ECDSA and RSA), RFC 7427 signatures, and
 * the refusals: a signature that does not verify, an untrusted certificate, an identity the
 * certificate does not carry.
 */
class CertificateAuthTest {
  private static TestPki ec;
  private static TestPki rsa;
  private static TestPki rogue;
  private static TestPki.Identity ec1;
  private static TestPki.Identity ec2;
  private static TestPki.Identity rsa1;
  private static TestPki.Identity rsa2;

  private Testbed t;

  @BeforeAll
  static void pki() {
    ec = new TestPki(KeyType.EC_P256, 1);
    ec1 = ec.issue("node1.mesh");
    ec2 = ec.issue("node2.mesh");
    rsa = new TestPki(KeyType.RSA_2048, 2);
    rsa1 = rsa.issue("node1.mesh");
    rsa2 = rsa.issue("node2.mesh");
    rogue = new TestPki(KeyType.EC_P256, 3);
  }

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static Testbed withAuth(AuthConfig forA, AuthConfig forB) {
    return Testbed.custom(
        EngineSettings.DEFAULT,
        (self, other) ->
            Testbed.peer(self, other)
                .auth(self == 1 ? forA : forB)
                .child(Testbed.subnetChild(self, other).build())
                .build());
  }

  @Test
  void ecdsaCertificatesWithRfc7427Signatures() throws Exception {
    t = withAuth(ec.auth(ec1), ec.auth(ec2));
    t.a.initiate("b");
    Exchanges.step(
        t.net,
        t.a,
        t.b,
        "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    // <-- IKE_SA_INIT { SA, KE, Nr, N(NATD_S_IP), N(NATD_D_IP), N(FRAG_SUP), N(HASH_ALG), CERTREQ }
    Exchanges.step(
        t.net,
        t.b,
        t.a,
        "IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG)"
            + " CERTREQ ]");
    // IKE_AUTH { IDi, CERT, CERT, CERTREQ, IDr, AUTH, N(INIT_CONTACT), SA, TSi, TSr } -->
    Message request =
        Exchanges.step(
            t.net,
            t.a,
            t.b,
            "IKE_AUTH request 1 [ SK { IDi CERT CERT CERTREQ IDr AUTH N(INIT_CONTACT) SA TSi TSr"
                + " } ]");
    // <-- IKE_AUTH { IDr, CERT, CERT, AUTH, SA, TSi, TSr }
    Message response =
        Exchanges.step(
            t.net, t.b, t.a, "IKE_AUTH response 1 [ SK { IDr CERT CERT AUTH SA TSi TSr } ]");
    for (Message m : List.of(request, response)) {
      AuthPayload auth = m.first(AuthPayload.class).orElseThrow();
      assertEquals(AuthMethod.DIGITAL_SIGNATURE, auth.method(), "RFC 7427, both sent HASH_ALG");
    }
    assertEquals(
        List.of(ec1.cert().getEncoded().length, ec.sub.getEncoded().length),
        request.all(CertPayload.class).stream().map(c -> c.data().length()).toList());
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void rsaCertificates() throws Exception {
    t = withAuth(rsa.auth(rsa1), rsa.auth(rsa2));
    t.connect();
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    AuthPayload auth = t.a.lastReceived().first(AuthPayload.class).orElseThrow();
    assertEquals(AuthMethod.DIGITAL_SIGNATURE, auth.method());
  }

  @Test
  void ed25519CertificatesWithRfc8420Signatures() throws Exception {
    TestPki ed = new TestPki(KeyType.ED25519, 5);
    t = withAuth(ed.auth(ed.issue("node1.mesh")), ed.auth(ed.issue("node2.mesh")));
    t.connect();
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    for (Message m : List.of(t.a.lastReceived(), t.b.lastReceived())) {
      AuthPayload auth = m.first(AuthPayload.class).orElseThrow();
      assertEquals(AuthMethod.DIGITAL_SIGNATURE, auth.method());
      // RFC 7427 section 3: the id-Ed25519 AlgorithmIdentifier (RFC 8410) leads the data
      assertEquals(
          "07300506032b6570", java.util.HexFormat.of().formatHex(auth.data().toByteArray(), 0, 8));
      assertEquals(8 + 64, auth.data().length());
    }
  }

  private void assertRefusedByResponder() {
    t.a.initiate("b");
    Exchanges.deliverMessage(t.net);
    Exchanges.deliverMessage(t.net);
    Exchanges.deliverMessage(t.net); // IKE_AUTH request
    Exchanges.step(t.net, t.b, t.a, "IKE_AUTH response 1 [ SK { N(AUTH_FAILED) } ]");
    assertTrue(t.a.sas().isEmpty());
    assertTrue(t.b.sas().isEmpty());
    assertTrue(t.a.ipsec.history().isEmpty());
    assertTrue(t.b.ipsec.history().isEmpty());
    assertTrue(t.a.ipsec.reserved().isEmpty());
  }

  @Test
  void signatureNotMadeWithTheCertifiedKeyIsRefused() {
    // a presents its certificate but signs with another key
    AuthConfig forged =
        new AuthConfig.PubKey(
            ec2.key().getPrivate(), List.of(ec1.cert(), ec.sub), List.of(ec.root), List.of());
    t = withAuth(forged, ec.auth(ec2));
    assertRefusedByResponder();
  }

  @Test
  void certificateFromAnotherCaIsRefused() {
    TestPki.Identity stranger = rogue.issue("node1.mesh");
    t = withAuth(rogue.auth(stranger), ec.auth(ec2));
    assertRefusedByResponder();
  }

  @Test
  void identityNotInTheCertificateIsRefused() {
    TestPki.Identity other = ec.issue("somebody-else.mesh");
    t = withAuth(ec.auth(other), ec.auth(ec2)); // a claims node1.mesh, the SAN says otherwise
    assertRefusedByResponder();
  }

  @Test
  void initiatorRefusingTheRespondersCertificateTellsTheResponder() {
    TestPki.Identity stranger = rogue.issue("node2.mesh");
    // b trusts a, a does not trust b's CA
    t = withAuth(ec.auth(ec1), rogueTrustingEc(stranger));
    t.a.initiate("b");
    Exchanges.deliverMessage(t.net);
    Exchanges.deliverMessage(t.net);
    Exchanges.deliverMessage(t.net); // IKE_AUTH request: b accepts a, establishes, installs
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    Exchanges.deliverMessage(t.net); // IKE_AUTH response: a refuses b's certificate
    assertTrue(t.a.sas().isEmpty());
    // INFORMATIONAL { N(AUTHENTICATION_FAILED) } -->
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 2 [ SK { N(AUTH_FAILED) } ]");
    assertTrue(t.b.sas().isEmpty(), "b dropped the SA a refused");
    assertTrue(t.b.ipsec.installed().isEmpty(), "and its Child SA");
    assertTrue(t.a.ipsec.installed().isEmpty());
  }

  private static AuthConfig rogueTrustingEc(TestPki.Identity id) {
    return new AuthConfig.PubKey(
        id.key().getPrivate(), List.of(id.cert(), id.issuer()), List.of(ec.root), List.of());
  }

  @Test
  void configuredRemoteIdentityMustMatch() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .auth(self == 1 ? ec.auth(ec1) : ec.auth(ec2))
                    .remoteId(
                        self == 2
                            ? new PeerIdentity.Fqdn("node7.mesh")
                            : new PeerIdentity.Fqdn("node2.mesh"))
                    .child(Testbed.subnetChild(self, other).build())
                    .build());
    assertRefusedByResponder();
  }
}
