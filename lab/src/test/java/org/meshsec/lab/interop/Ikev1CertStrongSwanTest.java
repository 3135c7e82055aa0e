package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.lab.interop.Ikev1StrongSwanTest.CHILD;
import static org.meshsec.lab.interop.Ikev1StrongSwanTest.CONN;
import static org.meshsec.lab.interop.Topology.LEFT_ADDR;
import static org.meshsec.lab.interop.Topology.LEFT_HOST;
import static org.meshsec.lab.interop.Topology.RIGHT_ADDR;
import static org.meshsec.lab.interop.Topology.RIGHT_HOST;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.Pki;
import org.meshsec.ike.pki.SubjectAltName;
import org.meshsec.lab.interop.SwanctlConf.Auth;
import org.meshsec.lab.interop.SwanctlConf.Mode;
import org.meshsec.lab.interop.SwanctlConf.StartAction;
import org.meshsec.lab.netns.NodeProcess;

/**
 * meshsec's IKEv1 Main Mode with signatures and certificates (RFC 2409 section 5.1) against
 * strongSwan's, in the {@link Topology} of {@link Ikev1StrongSwanTest} (whose checks it reuses):
 * ECDSA P-256 certificates (RFC 4754, ECDSA-SHA256-P256) with ID_DER_ASN1_DN identities, and RSA
 * 2048 certificates (RSA signatures) with ID_FQDN identities, made by {@code meshsec pki} ({@link
 * Pki}); each with meshsec as initiator and as responder, and a ping through the tunnel. strongSwan
 * sends its certificate only when asked (swanctl's {@code send_cert = ifasked}), so these also show
 * that meshsec's CR payloads are understood.
 *
 * <p>Needs root and strongSwan ({@code .ci/run}); tagged "interop" (run with -Pfull).
 */
@Tag("interop")
class Ikev1CertStrongSwanTest {
  private static final String ESP = "aes128gcm16";
  private static final String SHA256 = "aes128-sha256-modp2048";
  private static final String SHA256_REPORTED =
      "AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @BeforeEach
  void preconditions() {
    InteropPreconditions.requireStrongSwan();
  }

  /** The identities of one case: as meshsec's config writes them, and as swanctl.conf does. */
  private record Ids(String meshsecLeft, String meshsecRight, String swanLeft, String swanRight) {}

  private static final Ids DN =
      new Ids(
          "{ type = \"dn\", value = \"O=meshsec, CN=left\" }",
          "{ type = \"dn\", value = \"O=meshsec, CN=right\" }",
          // strongSwan writes a DN in the order of its DER encoding, Java (RFC 4514) the reverse
          "CN=left, O=meshsec",
          "CN=right, O=meshsec");

  private static final Ids FQDN =
      new Ids(
          "{ type = \"fqdn\", value = \"left.interop\" }",
          "{ type = \"fqdn\", value = \"right.interop\" }",
          "left.interop",
          "right.interop");

  /** A CA and a certificate for each side, from meshsec's PKI code. */
  private record Certs(
      String ca, String leftCert, String leftKey, String rightCert, String rightKey) {
    static Certs make(KeyType type) throws Exception {
      Pki pki = Pki.system();
      String caKey = pki.genkey(type);
      String ca =
          pki.selfsign(
              caKey, "O=meshsec, CN=IKEv1 interop CA", Duration.ofDays(2), List.of(), true);
      String leftKey = pki.genkey(type);
      String leftReq =
          pki.req(leftKey, "O=meshsec, CN=left", List.of(SubjectAltName.dns("left.interop")));
      String rightKey = pki.genkey(type);
      String rightReq =
          pki.req(rightKey, "O=meshsec, CN=right", List.of(SubjectAltName.dns("right.interop")));
      return new Certs(
          ca,
          pki.sign(leftReq, ca, caKey, Duration.ofDays(2), List.of(), false),
          leftKey,
          pki.sign(rightReq, ca, caKey, Duration.ofDays(2), List.of(), false),
          rightKey);
    }
  }

  private Path meshsecConfig(Certs certs, Ids ids, String ike, String startAction)
      throws IOException {
    Path d = dir.resolve("meshsec");
    Files.createDirectories(d);
    Files.writeString(d.resolve("secrets.toml"), "");
    Files.setPosixFilePermissions(
        d.resolve("secrets.toml"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(d.resolve("ca.pem"), certs.ca());
    Files.writeString(d.resolve("left.pem"), certs.leftCert());
    Path key = d.resolve("left.key");
    Files.writeString(key, "");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(key, certs.leftKey());
    String cfg =
        """
        [node]
        name = "left"
        secrets = "secrets.toml"
        address = "%s"

        [tun]
        name = "ms0"
        addresses = ["%s/32"]
        routes = ["%s/32"]

        [listen]
        address = ["%s"]

        [[peer]]
        name = "right"
        version = 1
        address = "%s"
        local_id = %s
        remote_id = %s
        auth = "pubkey"
        cert = "left.pem"
        key = "left.key"
        cert_root = "ca.pem"
        ike = "%s"
        esp = "%s"
        start_action = "%s"

        [[policy]]
        name = "%s"
        direction = "both"
        src = "%s/32"
        dst = "%s/32"
        action = "protect"
        mode = "tunnel"
        ike = "right"
        """
            .formatted(
                LEFT_ADDR,
                LEFT_HOST,
                RIGHT_HOST,
                LEFT_ADDR,
                RIGHT_ADDR,
                ids.meshsecLeft(),
                ids.meshsecRight(),
                ike,
                ESP,
                startAction,
                CHILD,
                LEFT_HOST,
                RIGHT_HOST);
    Path p = d.resolve("meshsec.toml");
    Files.writeString(p, cfg);
    return p;
  }

  private Charon startCharon(Topology net, Certs certs, Ids ids, String ike) throws IOException {
    SwanctlConf.ConnectionBuilder conn =
        SwanctlConf.Connection.builder(CONN)
            .version(1)
            .localAddrs(RIGHT_ADDR)
            .remoteAddrs(LEFT_ADDR)
            .proposals(ike)
            .option("encap", "yes")
            .local(Auth.PUBKEY, ids.swanRight())
            .localCerts("right.pem")
            .remote(Auth.PUBKEY, ids.swanLeft())
            .dpdDelay(Duration.ofSeconds(2));
    conn.child(
        SwanctlConf.Child.builder(CHILD)
            .mode(Mode.TUNNEL)
            .espProposals(ESP)
            .startAction(StartAction.NONE)
            .dpdAction("clear")
            .localTs(RIGHT_HOST + "/32")
            .remoteTs(LEFT_HOST + "/32")
            .build());
    return Charon.builder(net.rightName(), dir.resolve("right"))
        .config(SwanctlConf.builder().connection(conn.build()).build())
        .credential("x509ca", "ca.pem", certs.ca().getBytes(StandardCharsets.US_ASCII))
        .credential("x509", "right.pem", certs.rightCert().getBytes(StandardCharsets.US_ASCII))
        .credential("private", "right.key", certs.rightKey().getBytes(StandardCharsets.US_ASCII))
        .start();
  }

  private void run(KeyType type, Ids ids, boolean meshsecInitiates, String scheme)
      throws Exception {
    run(type, ids, meshsecInitiates, scheme, SHA256, SHA256_REPORTED);
  }

  private void run(
      KeyType type,
      Ids ids,
      boolean meshsecInitiates,
      String scheme,
      String ike,
      String ikeReported)
      throws Exception {
    Certs certs = Certs.make(type);
    try (Topology net = Topology.create();
        Charon right = startCharon(net, certs, ids, ike);
        NodeProcess left =
            NodeProcess.start(
                net.left(),
                meshsecConfig(certs, ids, ike, meshsecInitiates ? "trap" : "none"),
                dir.resolve("meshsec/meshsec.sock"),
                Duration.ofSeconds(30))) {
      right.loadAll();
      if (meshsecInitiates) {
        Ikev1StrongSwanTest.trigger(net);
      } else {
        right.initiate(CHILD);
      }
      Ikev1StrongSwanTest.agree(
          right, left, meshsecInitiates, "main", ikeReported, "AES_GCM_16-128");
      Ikev1StrongSwanTest.ping(net, left, 10);
      // charon checked meshsec's SIG with the method's scheme over HASH_I/HASH_R as they are
      String verified = "authentication of '" + ids.swanLeft() + "' with " + scheme + " successful";
      assertTrue(right.log().contains(verified), verified + "\n" + right.logTail(60));
    }
  }

  @Test
  void ecdsaCertificatesWithDnIdentitiesMeshsecInitiates() throws Exception {
    run(KeyType.EC_P256, DN, true, "ECDSA_WITH_NULL");
  }

  @Test
  void ecdsaCertificatesWithDnIdentitiesStrongSwanInitiates() throws Exception {
    run(KeyType.EC_P256, DN, false, "ECDSA_WITH_NULL");
  }

  /**
   * With a SHA-384 phase 1 the ECDSA-SHA256-P256 method still computes HASH_I and HASH_R with
   * HMAC-SHA-256 (RFC 4754 section 4): the prf of the hashes differs from the negotiated one.
   */
  @Test
  void ecdsaP256WithASha384PhaseOne() throws Exception {
    run(
        KeyType.EC_P256,
        DN,
        true,
        "ECDSA_WITH_NULL",
        "aes256-sha384-modp2048",
        "AES_CBC-256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_2048");
  }

  @Test
  void rsaCertificatesWithFqdnIdentitiesMeshsecInitiates() throws Exception {
    run(KeyType.RSA_2048, FQDN, true, "RSA_EMSA_PKCS1_NULL");
  }

  @Test
  void rsaCertificatesWithFqdnIdentitiesStrongSwanInitiates() throws Exception {
    run(KeyType.RSA_2048, FQDN, false, "RSA_EMSA_PKCS1_NULL");
  }
}
