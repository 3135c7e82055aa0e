package org.meshsec.lab.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.meshsec.tun.exec.Commands;

/**
 * A throwaway ECDSA P-256 certificate authority for pubkey-authentication interop tests, made with
 * the {@code openssl} command (installed by {@code .ci/run}): one self-signed CA and leaf
 * certificates carrying an IP address subjectAltName, so the IKE identity can be the peer's
 * address. Keys are unencrypted PKCS#8 PEM, which swanctl loads from its {@code private} directory.
 * Not thread-safe.
 */
final class TestPki {
  private final Path dir;

  /** A leaf: certificate and private key, both PEM. */
  record Leaf(String name, byte[] certPem, byte[] keyPem) {}

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** Creates the CA (CN=meshsec interop CA) in {@code dir}. */
  static TestPki create(Path dir) throws IOException {
    Files.createDirectories(dir);
    TestPki pki = new TestPki(dir);
    pki.genKey("ca.key");
    openssl(
        "req",
        "-new",
        "-x509",
        "-key",
        dir.resolve("ca.key").toString(),
        "-days",
        "30",
        "-subj",
        "/O=meshsec/CN=meshsec interop CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        dir.resolve("ca.pem").toString());
    return pki;
  }

  byte[] caCertPem() throws IOException {
    return Files.readAllBytes(dir.resolve("ca.pem"));
  }

  /** Issues a leaf for {@code ip} (subjectAltName IP and CN), valid 30 days. */
  Leaf issue(String name, String ip) throws IOException {
    String key = name + ".key";
    genKey(key);
    Path csr = dir.resolve(name + ".csr");
    openssl(
        "req",
        "-new",
        "-key",
        dir.resolve(key).toString(),
        "-subj",
        "/O=meshsec/CN=" + ip,
        "-out",
        csr.toString());
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(
        ext,
        "subjectAltName=IP:"
            + ip
            + "\nkeyUsage=critical,digitalSignature\n"
            + "basicConstraints=CA:FALSE\n");
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        dir.resolve("ca.pem").toString(),
        "-CAkey",
        dir.resolve("ca.key").toString(),
        "-CAcreateserial",
        "-days",
        "30",
        "-sha256",
        "-extfile",
        ext.toString(),
        "-out",
        dir.resolve(name + ".pem").toString());
    return new Leaf(
        name, Files.readAllBytes(dir.resolve(name + ".pem")), Files.readAllBytes(dir.resolve(key)));
  }

  private void genKey(String file) throws IOException {
    openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        dir.resolve(file).toString());
  }

  private static void openssl(String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Commands.run(Duration.ofSeconds(30), cmd);
  }
}
