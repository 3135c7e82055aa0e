package org.meshsec.ike.v1.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.sa.TestPki;
import org.meshsec.ike.task.Ikev2TaskFactory;
import org.meshsec.ike.v1.message.CertPayload;
import org.meshsec.ike.v1.message.CertReqPayload;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.Phase1Attribute;
import org.meshsec.ike.v1.message.SaPayload;

/**
 * IKEv1 phase 1 with signatures and certificates (RFC 2409 section 5.1, RFC 4754) between two
 * engines in one process, in virtual time: Main Mode with ECDSA and with RSA certificates, with
 * ID_DER_ASN1_DN and ID_FQDN identities, Aggressive Mode with P-384, and the refusals: a
 * certificate from another CA, an identity the certificate does not carry, a PSK peer against a
 * certificate peer. Node a = 10.0.0.1 (initiator), b = 10.0.0.2, the certificates of {@link
 * TestPki} (node1.mesh, node2.mesh under an intermediate CA).
 */
class Ikev1CertificateTest {
  private static final IkeProposal IKE = IkeProposal.parse("aes128-sha256-modp2048");
  private static final EspProposal ESP = EspProposal.parse("aes128gcm16");

  private static TestPki ec;
  private static TestPki rsa;
  private static TestPki rogue;

  private final ManualScheduler clock = new ManualScheduler();
  private final LoopbackNetwork net = new LoopbackNetwork(clock::runPending);
  private Node a;
  private Node b;

  @BeforeAll
  static void pki() {
    ec = new TestPki(KeyType.EC_P256, 1);
    rsa = new TestPki(KeyType.RSA_2048, 2);
    rogue = new TestPki(KeyType.EC_P256, 3);
  }

  @AfterEach
  void noInternalErrors() {
    for (Node n : List.of(a, b)) {
      assertEquals(0, n.engine.stats().internalErrors.get(), n.engine.stats().toString());
    }
  }

  private final class Node {
    final MemoryIpsec ipsec;
    final IkeEngine engine;
    final List<String> events = new CopyOnWriteArrayList<>();

    Node(int octet, long seed, PeerConfig peer) {
      ipsec = new MemoryIpsec(0x01000000 * octet + 0x100);
      engine =
          IkeEngine.builder()
              .tasks(new Ikev2TaskFactory())
              .protocol(new Ikev1Protocol())
              .settings(EngineSettings.DEFAULT)
              .peer(peer)
              .network(net)
              .ipsec(ipsec)
              .scheduler(clock)
              .random(new DeterministicRandom(seed))
              .listener(
                  new IkeListener() {
                    @Override
                    public void ikeSaChanged(IkeSaInfo info) {}

                    @Override
                    public void ikeSaDestroyed(IkeSaInfo last, String reason) {
                      events.add("destroyed: " + reason);
                    }
                  })
              .build();
      net.attach(address(octet), engine::receive);
    }
  }

  private static InetAddress address(int octet) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) octet});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static PeerConfig.Builder peer(int self, int other, AuthConfig auth) {
    return PeerConfig.builder(other == 1 ? "a" : "b")
        .version(1)
        .localAddress(address(self))
        .remoteAddress(address(other))
        .localId(new PeerIdentity.Fqdn("node" + self + ".mesh"))
        .remoteId(new PeerIdentity.Fqdn("node" + other + ".mesh"))
        .auth(auth)
        .ikeProposals(IKE)
        .child(
            ChildConfig.builder("net")
                .policyRef(42)
                .localTs(TsRange.parse("192.168." + self + ".0/24"))
                .remoteTs(TsRange.parse("192.168." + other + ".0/24"))
                .mode(IpsecMode.TUNNEL)
                .proposals(ESP)
                .build());
  }

  private void nodes(
      AuthConfig authA,
      AuthConfig authB,
      UnaryOperator<PeerConfig.Builder> customA,
      UnaryOperator<PeerConfig.Builder> customB) {
    a = new Node(1, 11, customA.apply(peer(1, 2, authA)).build());
    b = new Node(2, 22, customB.apply(peer(2, 1, authB)).build());
  }

  /** Initiates from a and runs the exchanges; returns every datagram sent, in order. */
  private List<byte[]> connect() {
    List<byte[]> seen = new CopyOnWriteArrayList<>();
    assertTrue(a.engine.initiate("b"));
    clock.runPending();
    for (int i = 0; i < 40 && (net.pending() > 0 || i == 0); i++) {
      while (net.pending() > 0) {
        seen.add(net.inFlight().get(0).bytes());
        net.deliverNext();
      }
      clock.advance(Duration.ofMillis(500));
    }
    return seen;
  }

  private void assertEstablished(String mode) {
    for (Node n : List.of(a, b)) {
      List<IkeSaInfo> l = n.engine.list();
      assertEquals(1, l.size(), l.toString());
      assertEquals(IkeSaState.ESTABLISHED, l.get(0).state(), l.toString());
      assertEquals(mode, l.get(0).mode());
      assertEquals(1, l.get(0).children().size(), l.toString());
    }
    MemoryIpsec.Pair pa = a.ipsec.installed().get(0);
    MemoryIpsec.Pair pb = b.ipsec.installed().get(0);
    assertArrayEquals(pa.outboundKeys(), pb.inboundKeys());
    assertArrayEquals(pa.inboundKeys(), pb.outboundKeys());
  }

  /** The plaintext ISAKMP messages among {@code datagrams} (the encrypted ones are skipped). */
  private static List<IsakmpMessage> plaintext(List<byte[]> datagrams) {
    return datagrams.stream()
        .map(d -> Datagram.decode(stripNonEspMarker(d)))
        .filter(r -> r.isOk() && r.orElseThrow() instanceof IsakmpMessage)
        .map(r -> (IsakmpMessage) r.orElseThrow())
        .toList();
  }

  private static byte[] stripNonEspMarker(byte[] d) {
    if (d.length > 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) {
      return java.util.Arrays.copyOfRange(d, 4, d.length);
    }
    return d;
  }

  private static long authMethodOffered(List<IsakmpMessage> plain) {
    SaPayload sa = plain.get(0).first(SaPayload.class).orElseThrow();
    return sa.proposals().get(0).transforms().get(0).attributes().stream()
        .filter(x -> x.type() == Phase1Attribute.AUTHENTICATION_METHOD.value())
        .findFirst()
        .orElseThrow()
        .longValue();
  }

  @Test
  void mainModeWithEcdsaCertificatesAndDnIdentities() {
    TestPki.Identity n1 = ec.issue("node1.mesh");
    TestPki.Identity n2 = ec.issue("node2.mesh");
    nodes(
        ec.auth(n1),
        ec.auth(n2),
        x ->
            x.localId(new PeerIdentity.Dn(n1.cert().getSubjectX500Principal()))
                .remoteId(new PeerIdentity.Dn(n2.cert().getSubjectX500Principal())),
        x ->
            x.localId(new PeerIdentity.Dn(n2.cert().getSubjectX500Principal()))
                .remoteId(new PeerIdentity.Dn(n1.cert().getSubjectX500Principal())));
    List<IsakmpMessage> plain = plaintext(connect());
    assertEstablished("main");
    assertEquals(
        Phase1Attribute.AuthMethod.ECDSA_SHA256_P256.value(), (int) authMethodOffered(plain));
    // (3) and (4) each ask for certificates of our root CA, by its DER subject
    List<IsakmpMessage> keMessages = plain.subList(2, 4);
    for (IsakmpMessage m : keMessages) {
      CertReqPayload cr = m.first(CertReqPayload.class).orElseThrow(() -> new AssertionError(m));
      assertArrayEquals(
          ec.root.getSubjectX500Principal().getEncoded(), cr.authority().toByteArray());
    }
  }

  @Test
  void mainModeWithRsaCertificatesAndFqdnIdentities() {
    nodes(rsa.auth(rsa.issue("node1.mesh")), rsa.auth(rsa.issue("node2.mesh")), x -> x, x -> x);
    List<IsakmpMessage> plain = plaintext(connect());
    assertEstablished("main");
    assertEquals(Phase1Attribute.AuthMethod.RSA_SIGNATURES.value(), (int) authMethodOffered(plain));
  }

  @Test
  void aggressiveModeWithP384Certificates() {
    TestPki p384 = new TestPki(KeyType.EC_P384, 4);
    nodes(
        p384.auth(p384.issue("node1.mesh")),
        p384.auth(p384.issue("node2.mesh")),
        x -> x.aggressive(true),
        x -> x.aggressive(true));
    List<IsakmpMessage> plain = plaintext(connect());
    assertEstablished("aggressive");
    assertEquals(
        Phase1Attribute.AuthMethod.ECDSA_SHA384_P384.value(), (int) authMethodOffered(plain));
    // (2) travels in the clear with the responder's certificates and its CR
    IsakmpMessage two = plain.get(1);
    assertEquals(2, two.all(CertPayload.class).size(), two.toString());
    assertTrue(two.first(CertReqPayload.class).isPresent());
  }

  @Test
  void certificateOfAnotherCaIsRefused() {
    TestPki.Identity impostor = rogue.issue("node1.mesh");
    AuthConfig forA =
        new AuthConfig.PubKey(
            impostor.key().getPrivate(),
            List.of(impostor.cert(), impostor.issuer()),
            List.of(ec.root),
            List.of());
    nodes(forA, ec.auth(ec.issue("node2.mesh")), x -> x, x -> x);
    connect();
    assertRefusedByB("certificate not trusted: UNTRUSTED");
  }

  @Test
  void identityTheCertificateDoesNotCarryIsRefused() {
    // a claims node1.mesh with a valid certificate for node7.mesh; b expects node1.mesh
    nodes(ec.auth(ec.issue("node7.mesh")), ec.auth(ec.issue("node2.mesh")), x -> x, x -> x);
    connect();
    assertRefusedByB("does not carry node1.mesh");
  }

  @Test
  void preSharedKeyAgainstCertificatesFindsNoProposal() {
    nodes(
        AuthConfig.Psk.of("a key".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
        ec.auth(ec.issue("node2.mesh")),
        x -> x,
        x -> x);
    connect();
    assertTrue(a.ipsec.installed().isEmpty() && b.ipsec.installed().isEmpty());
    assertTrue(b.engine.list().isEmpty(), b.engine.list().toString());
  }

  /** b ended phase 1 for {@code reason} after message (5); neither side installed anything. */
  private void assertRefusedByB(String reason) {
    assertTrue(a.ipsec.installed().isEmpty() && b.ipsec.installed().isEmpty());
    assertTrue(b.engine.list().isEmpty(), b.engine.list().toString());
    assertTrue(
        b.events.stream()
            .anyMatch(e -> e.startsWith("destroyed: phase 1 failed:") && e.contains(reason)),
        b.events.toString());
    assertTrue(
        a.engine.list().stream().noneMatch(s -> s.state() == IkeSaState.ESTABLISHED),
        a.engine.list().toString());
  }
}
