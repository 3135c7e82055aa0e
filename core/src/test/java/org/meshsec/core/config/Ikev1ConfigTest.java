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
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.Pki;
import org.meshsec.ike.pki.SubjectAltName;

/** {@code [[peer]] version = 1}: the key, its defaults and what IKEv1 peers may not have. */
class Ikev1ConfigTest {
  @TempDir Path dir;
  ConfigFixture f;

  static final String V1 =
      IkeConfigTest.BASE.replace("auth = \"psk\"", "version = 1\nauth = \"psk\"");

  @BeforeEach
  void setUp() {
    f = new ConfigFixture(dir);
  }

  ConfigFixture base(String text) throws IOException {
    return f.write(text).secrets("[keys]\nab = \"" + IkeConfigTest.PSK + "\"\n");
  }

  void expect(String text, String needle, String reason) throws IOException {
    List<ConfigError> errors = base(text).loadErrors();
    assertError(errors, f.config, lineOf(text, needle), reason);
  }

  /** The example of docs/ikev1.md loads as written. */
  @Test
  void docsExampleLoads() throws IOException {
    String md = Files.readString(DocsExampleTest.docsFile().resolveSibling("ikev1.md"));
    Matcher m =
        Pattern.compile("<!-- example: ikev1-config -->\\s*```toml\\n(.*?)```", Pattern.DOTALL)
            .matcher(md);
    assertTrue(m.find(), "no ikev1-config example in docs/ikev1.md");
    NodeConfig c =
        f.write(m.group(1))
            .secrets("[keys]\nalpha-beta = \"0x" + IkeConfigTest.PSK + "\"\n")
            .loadOk();
    IkePeer beta = c.peer("racoon-beta").orElseThrow();
    assertEquals(1, beta.version());
    assertEquals(List.of("beta-lan"), beta.policies());
  }

  /** The certificate example of docs/ikev1.md loads with the files it names. */
  @Test
  void docsCertificateExampleLoads() throws Exception {
    IkeConfigTest.writePki(dir, "alpha", SubjectAltName.dns("alpha.example.net"));
    String md = Files.readString(DocsExampleTest.docsFile().resolveSibling("ikev1.md"));
    Matcher m =
        Pattern.compile("<!-- example: ikev1-cert-config -->\\s*```toml\\n(.*?)```", Pattern.DOTALL)
            .matcher(md);
    assertTrue(m.find(), "no ikev1-cert-config example in docs/ikev1.md");
    IkePeer gamma = f.write(m.group(1)).secrets("").loadOk().peer("racoon-gamma").orElseThrow();
    assertEquals(1, gamma.version());
    assertInstanceOf(IkePeer.Auth.PubKey.class, gamma.auth());
  }

  @Test
  void versionDefaultsToTwo() throws IOException {
    IkePeer beta = base(IkeConfigTest.BASE).loadOk().peer("beta").orElseThrow();
    assertEquals(2, beta.version());
    assertFalse(beta.aggressive());
  }

  @Test
  void versionOneGetsAnIkev1PhaseOneDefault() throws IOException {
    IkePeer beta = base(V1).loadOk().peer("beta").orElseThrow();
    assertEquals(1, beta.version());
    assertEquals(List.of(IkeProposal.parse("aes128-sha256-modp2048")), beta.ikeProposals());
    IkePeer ag =
        base(V1.replace("version = 1", "version = 1\naggressive = true"))
            .loadOk()
            .peer("beta")
            .orElseThrow();
    assertTrue(ag.aggressive());
  }

  @Test
  void whatIkev1CannotHonourIsRefusedAtItsLine() throws IOException {
    expect(
        IkeConfigTest.BASE.replace("auth = \"psk\"", "version = 3\nauth = \"psk\""),
        "version = 3",
        "not an IKE version");
    expect(
        IkeConfigTest.BASE.replace("auth = \"psk\"", "aggressive = true\nauth = \"psk\""),
        "aggressive = true",
        "IKEv1 only");
    expect(
        V1.replace("version = 1", "version = 1\nike = \"aes128gcm16-prfsha256-x25519\""),
        "ike = \"aes128gcm16",
        "no IKEv1 phase 1 equivalent");
    expect(
        V1.replace("version = 1", "version = 1\nesp = \"aes128gcm16-esn\""), "esp = \"aes", "esn");
    expect(
        V1.replace("version = 1", "version = 1\nesp = [\"aes128gcm16-modp2048\", \"aes128gcm16\"]"),
        "esp = [",
        "one PFS group");
    expect(
        V1.replace("version = 1", "version = 1\nike_rekey_margin = \"10m\""),
        "ike_rekey_margin",
        "not rekeyed");
    expect(
        V1.replace("version = 1", "version = 1\nesp_rekey_margin = \"5m\""),
        "esp_rekey_margin",
        "90%");
  }

  /**
   * Certificates for IKEv1 (RFC 2409 section 5.1): an ECDSA or RSA key loads; a key IKEv1 has no
   * signature method for is refused at the key's line.
   */
  @Test
  void certificatesAreAcceptedWithKeysIkev1CanSignWith() throws Exception {
    IkeConfigTest.writePki(dir, "alpha", SubjectAltName.ip("192.0.2.1"));
    String pub =
        V1.replace(
            "auth = \"psk\"\npsk = \"ab\"",
            "auth = \"pubkey\"\ncert = \"certs/alpha.pem\"\nkey = \"private/alpha.key\"\n"
                + "cert_root = \"certs/ca.pem\"");
    IkePeer beta = base(pub).loadOk().peer("beta").orElseThrow();
    assertEquals(1, beta.version());
    assertInstanceOf(IkePeer.Auth.PubKey.class, beta.auth());

    Pki pki = Pki.system();
    String caKey = pki.genkey(KeyType.ED25519);
    String ca = pki.selfsign(caKey, "CN=Edwards CA", Duration.ofDays(30), List.of(), true);
    String key = pki.genkey(KeyType.ED25519);
    String req = pki.req(key, "CN=alpha", List.of(SubjectAltName.ip("192.0.2.1")));
    Files.writeString(
        dir.resolve("certs/alpha.pem"),
        pki.sign(req, ca, caKey, Duration.ofDays(30), List.of(), false));
    Files.writeString(dir.resolve("certs/ca.pem"), ca);
    Files.writeString(dir.resolve("private/alpha.key"), key);
    expect(pub, "key = ", "sign with RSA or ECDSA");
  }
}
