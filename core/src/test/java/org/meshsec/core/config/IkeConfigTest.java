package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.config.ConfigFixture.assertError;
import static org.meshsec.core.config.ConfigFixture.lineOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.pki.Pki;
import org.meshsec.ike.pki.SubjectAltName;

/** The {@code [[peer]]} tables and {@code ike = "PEER"} policies: the docs example and errors. */
class IkeConfigTest {
  @TempDir Path dir;
  ConfigFixture f;

  static final String PSK = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  /** A valid node with one PSK peer and one IKE policy, broken one way at a time. */
  static final String BASE =
      """
      [node]
      name = "alpha"
      secrets = "secrets.toml"
      address = "192.0.2.1"

      [tun]
      addresses = ["10.9.0.1/24"]
      routes = ["10.9.1.0/24"]

      [[peer]]
      name = "beta"
      address = "192.0.2.2"
      auth = "psk"
      psk = "ab"

      [[policy]]
      name = "lan"
      direction = "both"
      src = "10.9.0.0/24"
      dst = "10.9.1.0/24"
      action = "protect"
      ike = "beta"
      """;

  @BeforeEach
  void setUp() {
    f = new ConfigFixture(dir);
  }

  ConfigFixture base(String text) throws IOException {
    return f.write(text).secrets("[keys]\nab = \"" + PSK + "\"\nshort = \"0011223344\"\n");
  }

  /** Writes a CA and a leaf for {@code name} with {@code san} into dir/certs and dir/private. */
  static void writePki(Path dir, String name, SubjectAltName san) throws Exception {
    Pki pki = Pki.system();
    Files.createDirectories(dir.resolve("certs"));
    Files.createDirectories(dir.resolve("private"));
    String caKey = pki.genkey(KeyType.EC_P256);
    String ca = pki.selfsign(caKey, "CN=Example CA", Duration.ofDays(30), List.of(), true);
    String key = pki.genkey(KeyType.EC_P256);
    String req = pki.req(key, "CN=" + name, List.of(san));
    String cert = pki.sign(req, ca, caKey, Duration.ofDays(30), List.of(), false);
    Files.writeString(dir.resolve("certs/ca.pem"), ca);
    Files.writeString(dir.resolve("certs/" + name + ".pem"), cert);
    Path k = dir.resolve("private/" + name + ".key");
    Files.writeString(k, key);
    Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void docsExampleLoadsWithEveryPeerOption() throws Exception {
    writePki(dir, "alpha", SubjectAltName.dns("alpha.example.net"));
    NodeConfig c =
        f.write(DocsExampleTest.docExample("ike-config"))
            .secrets(DocsExampleTest.docExample("ike-secrets"))
            .loadOk();
    assertEquals(500, c.listen().ikePort());
    assertEquals(4500, c.listen().port());
    assertEquals(2, c.peers().size());

    IkePeer beta = c.peer("beta").orElseThrow();
    assertEquals(DocsExampleTest.ip("192.0.2.2"), beta.address());
    assertEquals(DocsExampleTest.ip("192.0.2.1"), beta.local());
    assertEquals(500, beta.port());
    assertEquals(new PeerIdentity.IpAddress(DocsExampleTest.ip("192.0.2.1")), beta.localId());
    assertEquals(new PeerIdentity.IpAddress(DocsExampleTest.ip("192.0.2.2")), beta.remoteId());
    IkePeer.Auth.Psk psk = assertInstanceOf(IkePeer.Auth.Psk.class, beta.auth());
    assertEquals("alpha-beta", psk.keyName());
    assertEquals(32, psk.key().length());
    assertEquals(
        List.of(
            IkeProposal.parse("aes128gcm16-prfsha256-x25519"),
            IkeProposal.parse("aes256-sha256-modp3072")),
        beta.ikeProposals());
    assertEquals(DhGroup.MODP_3072, beta.ikeProposals().get(1).dh());
    assertEquals(
        List.of(EspProposal.parse("aes128gcm16"), EspProposal.parse("aes256-sha256")),
        beta.espProposals());
    assertEquals(StartAction.TRAP, beta.startAction());
    // liveness by default: DPD after 30 s without anything authenticated from the peer
    assertEquals(Duration.ofSeconds(30), beta.dpd().delay());
    assertEquals(DpdAction.CLEAR, beta.dpd().action());
    // defaults: 3 h / 9 min and 1 h / 9 min, ipsec.conf style
    assertEquals(
        RekeySchedule.of(Duration.ofMinutes(171), Duration.ofMinutes(9), Duration.ofHours(3)),
        beta.ikeLifetime());
    assertEquals(
        RekeySchedule.of(Duration.ofMinutes(51), Duration.ofMinutes(9), Duration.ofHours(1)),
        beta.espLifetime());
    assertEquals(List.of("beta-lan"), beta.policies());

    IkePeer gamma = c.peer("gamma").orElseThrow();
    assertEquals(new PeerIdentity.Fqdn("alpha.example.net"), gamma.localId());
    assertEquals(new PeerIdentity.Fqdn("gamma.example.net"), gamma.remoteId());
    IkePeer.Auth.PubKey pk = assertInstanceOf(IkePeer.Auth.PubKey.class, gamma.auth());
    assertEquals(1, pk.certificates().size());
    assertEquals(1, pk.roots().size());
    assertTrue(pk.pinned().isEmpty());
    assertEquals(dir.resolve("private/alpha.key").toAbsolutePath().normalize(), pk.keyFile());
    assertEquals(DhGroup.ECP_384, gamma.espProposals().get(0).pfsGroup());
    assertEquals(
        RekeySchedule.of(Duration.ofMinutes(225), Duration.ofMinutes(15), Duration.ofHours(4)),
        gamma.ikeLifetime());
    assertEquals(
        RekeySchedule.of(Duration.ofMinutes(55), Duration.ofMinutes(5), Duration.ofHours(1)),
        gamma.espLifetime());
    assertEquals(Duration.ofSeconds(30), gamma.dpd().delay());
    assertEquals(Duration.ofSeconds(90), gamma.dpd().timeout());
    assertEquals(DpdAction.RESTART, gamma.dpd().action());
    assertEquals(StartAction.START, gamma.startAction());

    Policy out = c.policy("gamma-lan", Direction.OUT).orElseThrow();
    assertEquals(DocsExampleTest.ip("192.0.2.3"), out.template().peer());
    assertEquals(List.of(EspSuite.AES256_GCM16), out.template().suites());
    assertEquals(c.peer("gamma"), c.ikePeerOf("gamma-lan"));
    assertTrue(c.sas().isEmpty());
    // aes256-sha256 (beta's second proposal) in tunnel mode over IPv4 sets the MTU
    assertEquals(1422, c.tun().mtu());

    String s = c.toString();
    assertFalse(s.contains("7d1c0a4f"), "no PSK bytes in toString");
    assertFalse(s.contains("BEGIN"), "no PEM in toString");
  }

  @Test
  void baseIsValidAndDefaultsTheAddressesFromThePeer() throws IOException {
    NodeConfig c = base(BASE).loadOk();
    Policy out = c.policy("lan", Direction.OUT).orElseThrow();
    assertEquals(DocsExampleTest.ip("192.0.2.2"), out.template().peer());
    assertEquals(DocsExampleTest.ip("192.0.2.1"), out.template().local());
    assertEquals(List.of("lan"), c.peer("beta").orElseThrow().policies());
  }

  void expect(String text, String needle, String reason) throws IOException {
    List<ConfigError> errors = base(text).loadErrors();
    assertError(errors, f.config, lineOf(text, needle), reason);
  }

  @Test
  void everyMistakeIsReportedAtItsLine() throws IOException {
    expect(BASE.replace("ike = \"beta\"", "ike = \"betta\""), "ike = \"betta\"", "did you mean");
    expect(
        BASE.replace("auth = \"psk\"", "auth = \"psk\"\nkey = \"k.pem\""),
        "key = \"k.pem\"",
        "only valid with auth = \"pubkey\"");
    expect(BASE.replace("auth = \"psk\"", "auth = \"rsa\""), "auth = \"rsa\"", "not one of psk");
    expect(BASE.replace("psk = \"ab\"", "psk = \"short\""), "psk = \"short\"", "at least 16");
    expect(BASE.replace("psk = \"ab\"", "psk = \"nope\""), "psk = \"nope\"", "no key named");
    expect(
        BASE.replace("auth = \"psk\"", "auth = \"psk\"\nike = [\"aes128gcm16-x25519\"]"),
        "ike = [",
        "not a valid proposal");
    expect(
        BASE.replace("auth = \"psk\"", "auth = \"psk\"\nesp = \"aes128gcm16-modp1024\""),
        "esp = ",
        "not a valid proposal");
    expect(
        BASE.replace("auth = \"psk\"", "auth = \"psk\"\nesp_rekey_margin = \"40m\""),
        "esp_rekey_margin",
        "less than half");
    expect(
        BASE.replace("auth = \"psk\"", "auth = \"psk\"\ndpd_delay = \"soon\""),
        "dpd_delay",
        "not a duration");
    expect(
        BASE.replace(
            "auth = \"psk\"", "auth = \"psk\"\nlocal_id = { type = \"ipv4\", value = \"::1\" }"),
        "local_id",
        "not an IPv4 address");
    expect(
        BASE.replace(
            "auth = \"psk\"", "auth = \"psk\"\nremote_id = { type = \"host\", value = \"x\" }"),
        "remote_id",
        "not one of ipv4, ipv6, fqdn, email, dn, keyid");
    expect(
        BASE.replace("auth = \"psk\"", "auth = \"psk\"\nstart_action = \"always\""),
        "start_action",
        "not one of none, start, trap");
    expect(BASE.replace("direction = \"both\"", "direction = \"out\""), "direction", "both");
    expect(
        BASE.replace("ike = \"beta\"", "ike = \"beta\"\nesp = \"aes128gcm16\""),
        "esp = \"aes128gcm16\"",
        "set esp there");
    expect(
        BASE.replace("ike = \"beta\"", "ike = \"beta\"\npeer = \"192.0.2.9\""),
        "peer = \"192.0.2.9\"",
        "differs from [[peer]] \"beta\"'s address");
    expect(
        BASE + "\n[listen]\nport = 500\n",
        "port = 500",
        "the IKE port and the ESP port must differ");
    String withSa =
        BASE
            + """

            [[sa]]
            name = "lan-out"
            spi = "0x1001"
            direction = "out"
            policy = "lan"
            key = "ab"
            """;
    expect(withSa, "policy = \"lan\"", "negotiates its SAs with IKE");
    expect(BASE.replace("name = \"beta\"", "name = \"beta\"\nname2 = 1"), "name2", "unknown key");
  }

  @Test
  void halfOpenPerSourceIsAListenKeyWithItsRange() throws IOException {
    assertEquals(
        EngineSettings.DEFAULT_HALF_OPEN_PER_SOURCE,
        base(BASE).loadOk().listen().halfOpenPerSource(),
        "the engine's default");
    NodeConfig c = base(BASE + "\n[listen]\nhalf_open_per_source = 5\n").loadOk();
    assertEquals(5, c.listen().halfOpenPerSource());
    expect(
        BASE + "\n[listen]\nhalf_open_per_source = 0\n",
        "half_open_per_source = 0",
        "0 is out of range 1..1000");
    expect(
        BASE + "\n[listen]\nhalf_open_per_source = 1001\n",
        "half_open_per_source = 1001",
        "1001 is out of range 1..1000");
    expect(
        BASE + "\n[listen]\nhalf_open_per_source = \"many\"\n", "half_open_per_source", "integer");
    // [listen] changes need a restart: named in the reload plan
    assertEquals(
        List.of(new ReloadPlan.Restart(ReloadPlan.Rule.DAEMON, "[listen] half_open_per_source")),
        ReloadPlan.of(base(BASE).loadOk(), c).restarts());
  }

  @Test
  void twoPoliciesNegotiatingTheSameTrafficAreWarnedAbout() throws IOException {
    assertEquals(List.of(), PolicyWarnings.of(base(BASE).loadOk()));
    String twice =
        BASE
            + """

            [[policy]]
            name = "lan2"
            direction = "both"
            src = "10.9.0.0/24"
            dst = "10.9.1.0/24"
            action = "protect"
            ike = "beta"
            """;
    List<String> w = PolicyWarnings.of(base(twice).loadOk());
    assertEquals(2, w.size(), w.toString()); // out and in
    assertEquals(
        "policies \"lan\" and \"lan2\" (out) negotiate the same traffic 10.9.0.0/24 ->"
            + " 10.9.1.0/24 with IKE (peer \"beta\"): only \"lan\" is used",
        w.get(0));
  }

  @Test
  void pubkeyFilesAreCheckedAtLoad() throws Exception {
    writePki(dir, "alpha", SubjectAltName.ip("192.0.2.1"));
    String pub =
        BASE.replace(
            "auth = \"psk\"\npsk = \"ab\"",
            "auth = \"pubkey\"\ncert = \"certs/alpha.pem\"\nkey = \"private/alpha.key\"\n"
                + "cert_root = \"certs/ca.pem\"");
    NodeConfig c = base(pub).loadOk();
    assertInstanceOf(IkePeer.Auth.PubKey.class, c.peer("beta").orElseThrow().auth());

    // a key others can read
    Files.setPosixFilePermissions(
        dir.resolve("private/alpha.key"), PosixFilePermissions.fromString("rw-r--r--"));
    expect(pub, "key = \"private/alpha.key\"", "chmod 600");
    Files.setPosixFilePermissions(
        dir.resolve("private/alpha.key"), PosixFilePermissions.fromString("rw-------"));
    // a key another user owns (and could rewrite), though its mode is 0600
    SecretsTest.chownOrSkip(dir.resolve("private/alpha.key"), SecretsTest.NOBODY);
    expect(pub, "key = \"private/alpha.key\"", "owned by uid " + SecretsTest.NOBODY);
    SecretsTest.chownOrSkip(dir.resolve("private/alpha.key"), PrivateFiles.processUid());
    // a missing root, and no trust at all
    expect(pub.replace("certs/ca.pem", "certs/nope.pem"), "cert_root", "does not exist");
    expect(pub.replace("cert_root = \"certs/ca.pem\"", ""), "[[peer]]", "cert_root");
    // an end-entity certificate as a root: it can sign nothing
    expect(pub.replace("certs/ca.pem", "certs/alpha.pem"), "cert_root", "is not a CA certificate");
    // the key of another certificate
    Pki pki = Pki.system();
    Files.writeString(dir.resolve("private/other.key"), pki.genkey(KeyType.EC_P256));
    Files.setPosixFilePermissions(
        dir.resolve("private/other.key"), PosixFilePermissions.fromString("rw-------"));
    expect(pub.replace("private/alpha.key", "private/other.key"), "key = ", "not the private key");
    // an identity the certificate does not carry
    expect(
        pub.replace(
            "auth = \"pubkey\"",
            "local_id = { type = \"fqdn\", value = \"alpha.example.net\" }\nauth = \"pubkey\""),
        "local_id",
        "is not in the certificate");
    // a certificate file that is a key
    expect(pub.replace("certs/alpha.pem", "private/alpha.key"), "cert = ", "expected certificates");
  }

  @Test
  void reloadPlanActsOnChangedPeersAndIkePolicies() throws IOException {
    NodeConfig a = base(BASE).loadOk();
    NodeConfig b = base(BASE).loadOk();
    assertFalse(ReloadPlan.of(a, b).peersChanged());
    assertTrue(ReloadPlan.of(a, b).isEmpty());

    // a changed peer setting (30 s is the default): renegotiated, applied live
    NodeConfig c = base(BASE.replace("auth = \"psk\"", "auth = \"psk\"\ndpd_delay = 45")).loadOk();
    ReloadPlan p = ReloadPlan.of(a, c);
    assertTrue(p.peersChanged());
    assertEquals(List.of("beta"), p.peers().changed().stream().map(x -> x.after().name()).toList());
    assertTrue(p.applicable(), p.restarts().toString());
    assertEquals(
        List.of(new ReloadPlan.PeerStep("beta", ReloadPlan.PeerAction.RENEGOTIATE)), p.peerSteps());

    // a policy negotiated with IKE changes: its peer is renegotiated, although no [[peer]] changed
    NodeConfig d = base(BASE.replace("dst = \"10.9.1.0/24\"", "dst = \"10.9.2.0/24\"")).loadOk();
    p = ReloadPlan.of(a, d);
    assertFalse(p.peersChanged());
    assertTrue(p.applicable(), p.restarts().toString());
    assertEquals(List.of("beta"), p.peers(ReloadPlan.PeerAction.RENEGOTIATE));

    // only the pre-shared key changed: the SAs stay, new negotiations use the new key
    NodeConfig k =
        f.write(BASE).secrets("[keys]\nab = \"" + PSK.replace('0', '7') + "\"\n").loadOk();
    p = ReloadPlan.of(a, k);
    assertEquals(List.of("beta"), p.peers(ReloadPlan.PeerAction.CREDENTIALS));
    assertEquals(1, p.peerSteps().size());

    // a second peer with its own policy: added; the first one is not touched
    String two =
        BASE
            + """

            [[peer]]
            name = "gamma"
            address = "192.0.2.3"
            auth = "psk"
            psk = "ab"

            [[policy]]
            name = "to-gamma"
            direction = "both"
            src = "10.9.0.0/24"
            dst = "10.9.3.0/24"
            action = "protect"
            ike = "gamma"
            """;
    NodeConfig g = base(two).loadOk();
    p = ReloadPlan.of(a, g);
    assertTrue(p.applicable(), p.restarts().toString());
    assertEquals(
        List.of(new ReloadPlan.PeerStep("gamma", ReloadPlan.PeerAction.ADD)), p.peerSteps());
    assertTrue(p.keeps(new org.meshsec.core.spd.PolicyKey("lan", Direction.OUT)));
    // and removed again
    p = ReloadPlan.of(g, a);
    assertEquals(
        List.of(new ReloadPlan.PeerStep("gamma", ReloadPlan.PeerAction.REMOVE)), p.peerSteps());

    // a policy added to an existing peer: its SAs stay, the new Child SA is added
    NodeConfig x = base(two.replace("ike = \"gamma\"", "ike = \"beta\"")).loadOk();
    NodeConfig y = base(two.replace("ike = \"gamma\"", "ike = \"beta\"")).loadOk();
    assertTrue(ReloadPlan.of(x, y).peerSteps().stream().noneMatch(s -> s.peer().equals("beta")));
    p = ReloadPlan.of(a, x);
    assertEquals(List.of("beta"), p.peers(ReloadPlan.PeerAction.EXTEND));
    // and removed: the peer's Child SA of that policy must go, so it is renegotiated
    assertEquals(List.of("beta"), ReloadPlan.of(x, a).peers(ReloadPlan.PeerAction.RENEGOTIATE));

    // a manually configured policy beside the peer can be added live
    NodeConfig e =
        base(BASE
                + "\n[[policy]]\nname = \"ssh\"\ndirection = \"in\"\nsrc = \"10.9.0.0/16\"\n"
                + "dst = \"10.9.0.1\"\nprotocol = \"tcp\"\ndst_port = 22\naction = \"bypass\"\n")
            .loadOk();
    p = ReloadPlan.of(a, e);
    assertTrue(p.applicable(), p.restarts().toString());
    assertEquals(1, p.policies().added().size());
    assertTrue(p.peerSteps().isEmpty());
  }

  @Test
  void theFirstPeerOfANodeWithoutIkeIsAddedLive() throws IOException {
    // (a fixed MTU: a computed one follows the suites of the policies, which change too)
    String fixed = BASE.replace("[tun]\n", "[tun]\nmtu = 1380\n");
    NodeConfig a = base(fixed.substring(0, fixed.indexOf("[[peer]]"))).loadOk();
    NodeConfig b = base(fixed).loadOk();
    ReloadPlan p = ReloadPlan.of(a, b);
    assertEquals(List.of(), p.restarts());
    assertTrue(p.applicable());
    assertEquals(List.of("beta"), p.peers(ReloadPlan.PeerAction.ADD));
  }
}
