package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.config.ConfigFixture.assertError;
import static org.meshsec.core.config.ConfigFixture.lineOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.mesh.MeshFile;
import org.meshsec.core.config.mesh.MeshMembership;
import org.meshsec.core.config.mesh.MeshPsk;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.pki.SubjectAltName;

/** The mesh file: parsing, the rules across nodes, and what each node derives from it. */
class MeshConfigTest {
  @TempDir Path dir;
  ConfigFixture f;
  Path meshFile;

  static final String SECRET = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  static final String MESH =
      """
      [mesh]
      auth = "psk"
      psk = "mesh"

      [defaults]
      esp = ["aes256gcm16"]
      dpd_delay = "30s"

      [[node]]
      name = "alpha"
      address = "192.0.2.1"
      prefixes = ["10.9.1.0/24"]

      [[node]]
      name = "beta"
      address = ["192.0.2.2"]
      prefixes = ["10.9.2.0/24"]

      [[node]]
      name = "gamma"
      address = "192.0.2.3"
      prefixes = ["10.9.3.0/24"]
      version = 1
      """;

  static String node(String name) {
    return """
        [node]
        name = "%s"
        secrets = "secrets.toml"

        [tun]
        addresses = ["10.9.0.1/24"]
        routes = ["10.9.0.0/16"]

        [mesh]
        file = "mesh.toml"
        """
        .formatted(name);
  }

  @BeforeEach
  void setUp() throws IOException {
    f = new ConfigFixture(dir);
    meshFile = dir.resolve("mesh.toml");
    f.secrets("[keys]\nmesh = \"" + SECRET + "\"\n");
  }

  NodeConfig load(String name, String mesh) throws IOException {
    Files.writeString(meshFile, mesh);
    return f.write(node(name)).loadOk();
  }

  @Test
  void eachNodeDerivesOnePeerAndOneProtectPolicyPerOtherNode() throws Exception {
    NodeConfig beta = load("beta", MESH);
    assertEquals(List.of("alpha", "gamma"), beta.peers().stream().map(IkePeer::name).toList());

    IkePeer alpha = beta.peer("alpha").orElseThrow();
    assertEquals(DocsExampleTest.ip("192.0.2.1"), alpha.address());
    assertEquals(DocsExampleTest.ip("192.0.2.2"), alpha.local());
    assertEquals(500, alpha.port());
    assertEquals(new PeerIdentity.Fqdn("beta"), alpha.localId());
    assertEquals(new PeerIdentity.Fqdn("alpha"), alpha.remoteId());
    assertEquals(StartAction.TRAP, alpha.startAction(), "alpha < beta: alpha initiates at start");
    assertEquals(StartAction.START, beta.peer("gamma").orElseThrow().startAction());
    assertTrue(alpha.dpd().enabled());
    assertEquals("aes256gcm16", alpha.espProposals().get(0).toString());
    assertEquals(List.of("mesh-alpha"), alpha.policies());

    Policy out = beta.policy("mesh-alpha", Direction.OUT).orElseThrow();
    assertEquals(IpPrefix.parse("10.9.2.0/24"), out.selector().src());
    assertEquals(IpPrefix.parse("10.9.1.0/24"), out.selector().dst());
    assertEquals(Action.PROTECT, out.action());
    assertEquals(IpsecMode.TUNNEL, out.template().mode());
    assertEquals(DocsExampleTest.ip("192.0.2.1"), out.template().peer());
    Policy in = beta.policy("mesh-alpha", Direction.IN).orElseThrow();
    assertEquals(IpPrefix.parse("10.9.1.0/24"), in.selector().src());
    assertEquals(4, beta.policies().size());
    assertEquals(Optional(beta.ikePeerOf("mesh-gamma")), "gamma");

    MeshMembership m = beta.meshMembership().orElseThrow();
    assertEquals("beta", m.self());
    assertEquals(meshFile, m.file());
    assertFalse(m.pair("alpha").orElseThrow().initiator());
    assertTrue(m.pair("gamma").orElseThrow().initiator());
    assertEquals(2, m.pair("alpha").orElseThrow().version());
    assertEquals(1, m.pair("gamma").orElseThrow().version(), "gamma speaks IKEv1 only");
    // and the derived peers negotiate with that version
    assertEquals(2, beta.ikePeerOf("mesh-alpha").orElseThrow().version());
    assertEquals(1, beta.ikePeerOf("mesh-gamma").orElseThrow().version());
  }

  private static String Optional(java.util.Optional<IkePeer> p) {
    return p.map(IkePeer::name).orElse(null);
  }

  /** IKEv1 has RSA and ECDSA signature methods only (RFC 2409 section 5.1, RFC 4754). */
  @Test
  void anIkev1PairWithAnEd25519KeyIsRefused() throws Exception {
    IkeConfigTest.writePki(dir, "alpha", SubjectAltName.dns("alpha"));
    org.meshsec.ike.pki.Pki pki = org.meshsec.ike.pki.Pki.system();
    String caKey = pki.genkey(org.meshsec.ike.pki.KeyType.ED25519);
    String ca =
        pki.selfsign(caKey, "CN=Edwards CA", java.time.Duration.ofDays(30), List.of(), true);
    String key = pki.genkey(org.meshsec.ike.pki.KeyType.ED25519);
    String req = pki.req(key, "CN=alpha", List.of(SubjectAltName.dns("alpha")));
    Files.writeString(
        dir.resolve("certs/alpha.pem"),
        pki.sign(req, ca, caKey, java.time.Duration.ofDays(30), List.of(), false));
    Files.writeString(dir.resolve("certs/ca.pem"), ca);
    Files.writeString(dir.resolve("private/alpha.key"), key);
    String mesh =
        MESH.replace(
            "auth = \"psk\"\npsk = \"mesh\"", "auth = \"pubkey\"\ncert_root = \"certs/ca.pem\"");
    Files.writeString(meshFile, mesh);
    String text = node("alpha") + "cert = \"certs/alpha.pem\"\nkey = \"private/alpha.key\"\n";
    List<ConfigError> errors = f.write(text).loadErrors();
    assertTrue(
        errors.stream()
            .anyMatch(e -> e.reason().contains("IKEv1, which signs with RSA or ECDSA keys only")),
        errors.toString());
  }

  @Test
  void bothEndsOfAPairDeriveTheSameKeyAndNoTwoPairsShareOne() throws Exception {
    NodeConfig alpha = load("alpha", MESH);
    NodeConfig beta = load("beta", MESH);
    SecretBytes ab = psk(alpha, "beta");
    assertEquals(ab, psk(beta, "alpha"));
    assertFalse(ab.contentEquals(psk(alpha, "gamma")));
    assertFalse(psk(beta, "gamma").contentEquals(psk(alpha, "gamma")));
    assertEquals(MeshPsk.LENGTH, ab.length());
  }

  private static SecretBytes psk(NodeConfig c, String peer) {
    return assertInstanceOf(IkePeer.Auth.Psk.class, c.peer(peer).orElseThrow().auth()).key();
  }

  /** The derivation as documented in MeshPsk, computed here with the JDK's HMAC (RFC 5869). */
  @Test
  void pskIsHkdfSha256OverTheSortedNamesAsDocumented() throws Exception {
    byte[] ikm = HexFormat.of().parseHex(SECRET);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec("meshsec mesh psk v1".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update("alpha\0beta".getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 1);
    byte[] okm = mac.doFinal();

    SecretBytes secret = SecretBytes.wrap(ikm.clone());
    assertTrue(MeshPsk.derive(secret, "beta", "alpha").contentEquals(okm));
    assertTrue(MeshPsk.derive(secret, "alpha", "beta").contentEquals(okm));
    // A fixed vector, so another implementation can check itself against this one.
    assertEquals(
        HexFormat.of().formatHex(okm),
        HexFormat.of().formatHex(MeshPsk.derive(secret, "alpha", "beta").copy()));
  }

  @Test
  void localPeersAndPoliciesStayBesideTheDerivedOnes() throws Exception {
    Files.writeString(meshFile, MESH);
    String text =
        node("alpha")
            + """

            [[peer]]
            name = "office"
            address = "198.51.100.7"
            local = "192.0.2.1"
            auth = "psk"
            psk = "mesh"

            [[policy]]
            name = "to-office"
            direction = "both"
            src = "10.9.1.0/24"
            dst = "172.16.0.0/16"
            action = "protect"
            ike = "office"
            """;
    NodeConfig c = f.write(text).loadOk();
    assertEquals(
        List.of("office", "beta", "gamma"), c.peers().stream().map(IkePeer::name).toList());
    assertEquals(List.of("to-office"), c.peer("office").orElseThrow().policies());
    assertTrue(c.meshMembership().orElseThrow().pair("office").isEmpty());
  }

  @Test
  void aLocalTableMayNotTakeADerivedName() throws Exception {
    Files.writeString(meshFile, MESH);
    String text =
        node("alpha")
            + """

            [[peer]]
            name = "beta"
            address = "198.51.100.7"
            local = "192.0.2.1"
            auth = "psk"
            psk = "mesh"

            [[policy]]
            name = "mesh-gamma"
            direction = "both"
            src = "10.9.1.0/24"
            dst = "172.16.0.0/16"
            action = "bypass"
            """;
    List<ConfigError> errors = f.write(text).loadErrors();
    assertError(errors, f.config, lineOf(text, "name = \"beta\""), "is a node of the mesh");
    assertError(errors, f.config, lineOf(text, "name = \"mesh-gamma\""), "derived from the mesh");
  }

  @Test
  void theMeshRulesAreReportedAtTheMeshFileLine() throws Exception {
    String mesh =
        MESH
            + """

            [[node]]
            name = "beta"
            address = "192.0.2.9"
            prefixes = ["10.9.9.0/24"]

            [[node]]
            name = "delta"
            address = "192.0.2.1"
            prefixes = ["10.9.4.0/24"]

            [[node]]
            name = "epsilon"
            address = "192.0.2.5"
            prefixes = ["10.9.2.128/25"]

            [[node]]
            name = "zeta"
            address = "192.0.2.6"
            prefixes = ["192.0.2.0/24"]

            [[pair]]
            nodes = ["alpha", "omega"]
            """;
    Files.writeString(meshFile, mesh);
    List<ConfigError> errors = f.write(node("alpha")).loadErrors();
    assertError(
        errors,
        meshFile,
        lineOf(mesh, "name = \"beta\"\naddress = \"192.0.2.9\"") - 1,
        "duplicate node name \"beta\"");
    assertError(
        errors,
        meshFile,
        lineOf(mesh, "address = \"192.0.2.1\"\nprefixes = [\"10.9.4"),
        "is already node \"alpha\"'s");
    assertError(
        errors,
        meshFile,
        lineOf(mesh, "\"10.9.2.128/25\""),
        "overlaps node \"beta\"'s prefix 10.9.2.0/24");
    assertError(
        errors,
        meshFile,
        lineOf(mesh, "\"192.0.2.0/24\""),
        "contains node \"alpha\"'s underlay address 192.0.2.1");
    assertError(
        errors,
        meshFile,
        lineOf(mesh, "nodes = [\"alpha\", \"omega\"]") - 1,
        "\"omega\", which is no [[node]]");

    // check-config of the mesh file alone finds the same problems
    ConfigLoader.MeshResult alone = ConfigLoader.loadMesh(meshFile);
    assertNull(alone.mesh());
    assertTrue(ConfigLoader.isMeshFile(meshFile));
    assertFalse(ConfigLoader.isMeshFile(f.config));
    assertError(
        alone.errors(), meshFile, lineOf(mesh, "\"192.0.2.0/24\""), "contains node \"alpha\"");
  }

  @Test
  void badValuesInTheMeshFile() throws Exception {
    String mesh =
        """
        [mesh]
        auth = "psk"
        psk = "mesh"
        mode = "sideways"

        [defaults]
        version = 3
        esp = ["rot13"]

        [[node]]
        name = "under_score"
        address = "192.0.2.1"
        prefixes = ["10.9.1.0/24"]

        [[node]]
        name = "beta"
        prefixes = ["10.9.2.0/33"]
        colour = "blue"
        """;
    Files.writeString(meshFile, mesh);
    List<ConfigError> errors = f.write(node("beta")).loadErrors();
    assertError(errors, meshFile, lineOf(mesh, "mode = "), "not one of tunnel, transport");
    assertError(errors, meshFile, lineOf(mesh, "version = 3"), "not an IKE version");
    assertError(errors, meshFile, lineOf(mesh, "\"rot13\""), "not a valid proposal");
    assertError(errors, meshFile, lineOf(mesh, "under_score"), "not a valid node name");
    assertError(errors, meshFile, lineOf(mesh, "10.9.2.0/33"), "prefixes");
    assertError(errors, meshFile, lineOf(mesh, "colour"), "unknown key \"colour\"");
    assertError(
        errors, meshFile, lineOf(mesh, "name = \"beta\"") - 1, "needs its underlay address");
  }

  @Test
  void theNodeMustBeInTheMeshAndHoldAStrongMeshSecret() throws Exception {
    Files.writeString(meshFile, MESH);
    String text = node("alhpa");
    List<ConfigError> errors = f.write(text).loadErrors();
    assertError(errors, f.config, lineOf(text, "file = "), "did you mean \"alpha\"");

    f.secrets("[keys]\nmesh = \"00112233445566778899aabbccddeeff\"\n");
    text = node("alpha");
    errors = f.write(text).loadErrors();
    assertError(errors, f.config, lineOf(text, "file = "), "is 16 bytes; it needs at least 32");

    f.secrets("[keys]\nother = \"" + SECRET + "\"\n");
    errors = f.write(text).loadErrors();
    assertError(errors, f.config, lineOf(text, "file = "), "no key named \"mesh\"");
    for (ConfigError e : errors) {
      assertFalse(e.reason().contains(SECRET.substring(0, 8)), "no key in messages: " + e);
    }
  }

  @Test
  void pairVersionOverridesTheNodes() throws Exception {
    String mesh = MESH + "\n[[pair]]\nnodes = [\"gamma\", \"beta\"]\nversion = 2\n";
    NodeConfig beta = load("beta", mesh);
    assertEquals(2, beta.meshMembership().orElseThrow().pair("gamma").orElseThrow().version());
    MeshFile m = ConfigLoader.loadMesh(meshFile).mesh();
    assertEquals(1, m.version("alpha", "gamma"));
    assertEquals(2, m.version("beta", "gamma"));
    assertEquals(2, m.version("alpha", "beta"));
  }

  @Test
  void transportModeNeedsHostPrefixes() throws Exception {
    String mesh = MESH.replace("psk = \"mesh\"", "psk = \"mesh\"\nmode = \"transport\"");
    Files.writeString(meshFile, mesh);
    List<ConfigError> errors = f.write(node("alpha")).loadErrors();
    assertError(errors, meshFile, lineOf(mesh, "\"10.9.1.0/24\""), "not a single address");

    String hosts =
        mesh.replace("10.9.1.0/24", "10.9.0.1/32")
            .replace("10.9.2.0/24", "10.9.0.2/32")
            .replace("10.9.3.0/24", "10.9.0.3/32");
    NodeConfig c = load("alpha", hosts);
    assertEquals(
        IpsecMode.TRANSPORT, c.policy("mesh-beta", Direction.OUT).orElseThrow().template().mode());
  }

  @Test
  void certificatesFromTheMeshCaProveTheNodeName() throws Exception {
    IkeConfigTest.writePki(dir, "alpha", SubjectAltName.dns("alpha"));
    String mesh =
        MESH.replace(
            "auth = \"psk\"\npsk = \"mesh\"", "auth = \"pubkey\"\ncert_root = \"certs/ca.pem\"");
    Files.writeString(meshFile, mesh);
    String text = node("alpha") + "cert = \"certs/alpha.pem\"\nkey = \"private/alpha.key\"\n";
    NodeConfig c = f.write(text).loadOk();
    IkePeer.Auth.PubKey pk =
        assertInstanceOf(IkePeer.Auth.PubKey.class, c.peer("beta").orElseThrow().auth());
    assertEquals(1, pk.roots().size());
    assertEquals(new PeerIdentity.Fqdn("gamma"), c.peer("gamma").orElseThrow().remoteId());
    // gamma speaks IKEv1, which authenticates with the same certificates (RFC 2409 section 5.1)
    assertEquals(1, c.peer("gamma").orElseThrow().version());
    assertInstanceOf(IkePeer.Auth.PubKey.class, c.peer("gamma").orElseThrow().auth());

    IkeConfigTest.writePki(dir, "alpha", SubjectAltName.dns("alpha.example.net"));
    List<ConfigError> errors = f.write(text).loadErrors();
    assertError(errors, f.config, lineOf(text, "cert = "), "does not carry the node's name");
  }

  @Test
  void addingAndRemovingANodeTouchesOnlyItsPair() throws Exception {
    NodeConfig three = load("alpha", MESH);
    String fourText =
        MESH
            + """

            [[node]]
            name = "delta"
            address = "192.0.2.4"
            prefixes = ["10.9.4.0/24"]
            """;
    NodeConfig four = load("alpha", fourText);
    ReloadPlan add = ReloadPlan.of(three, four);
    assertTrue(add.applicable(), add.restarts().toString());
    assertEquals(
        List.of(new ReloadPlan.PeerStep("delta", ReloadPlan.PeerAction.ADD)), add.peerSteps());
    assertEquals(2, add.policies().added().size());
    assertTrue(add.policies().removed().isEmpty() && add.policies().changed().isEmpty());
    for (String kept : List.of("mesh-beta", "mesh-gamma")) {
      assertTrue(add.keeps(new org.meshsec.core.spd.PolicyKey(kept, Direction.OUT)), kept);
      assertTrue(add.keeps(new org.meshsec.core.spd.PolicyKey(kept, Direction.IN)), kept);
    }

    NodeConfig withoutBeta = load("alpha", fourText.replace(betaNode(), ""));
    ReloadPlan remove = ReloadPlan.of(four, withoutBeta);
    assertEquals(
        List.of(new ReloadPlan.PeerStep("beta", ReloadPlan.PeerAction.REMOVE)), remove.peerSteps());
    assertTrue(remove.applicable());

    // a new mesh secret: every pair's key changes, no SA is torn down
    f.secrets("[keys]\nmesh = \"" + SECRET.replace('0', '9') + "\"\n");
    ReloadPlan rekeyed = ReloadPlan.of(four, load("alpha", fourText));
    assertEquals(
        List.of("beta", "gamma", "delta"), rekeyed.peers(ReloadPlan.PeerAction.CREDENTIALS));
    assertEquals(3, rekeyed.peerSteps().size());
  }

  private static String betaNode() {
    return """
        [[node]]
        name = "beta"
        address = ["192.0.2.2"]
        prefixes = ["10.9.2.0/24"]

        """;
  }
}
