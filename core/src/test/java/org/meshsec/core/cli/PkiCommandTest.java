package org.meshsec.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CA, a request and an issued certificate, entirely through the CLI. */
class PkiCommandTest {
  @TempDir Path dir;

  String run(int expect, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    assertEquals(expect, code, out + " / " + err);
    return out + err.toString();
  }

  @Test
  void caRequestSignAndPrint() throws Exception {
    String d = dir.toString();
    run(0, "pki", "genkey", "--out", d + "/ca.key");
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
    run(
        0,
        "pki",
        "selfsign",
        "--key",
        d + "/ca.key",
        "--dn",
        "CN=mesh ca",
        "--ca",
        "--out",
        d + "/ca.crt");
    run(0, "pki", "genkey", "--type", "rsa2048", "--out", d + "/gw.key");
    run(
        0,
        "pki",
        "req",
        "--key",
        d + "/gw.key",
        "--dn",
        "CN=gw1",
        "--san",
        "dns:gw1.example",
        "--san",
        "ip:192.0.2.1",
        "--out",
        d + "/gw.csr");
    run(
        0,
        "pki",
        "sign",
        "--req",
        d + "/gw.csr",
        "--cacert",
        d + "/ca.crt",
        "--cakey",
        d + "/ca.key",
        "--out",
        d + "/gw.crt");
    String printed = run(0, "pki", "print", d + "/gw.crt");
    assertTrue(printed.contains("gw1"), printed);
    assertTrue(printed.contains("mesh ca"), printed);
    String key = run(0, "pki", "print", d + "/gw.key");
    assertTrue(!key.contains("PRIVATE KEY"), "print never shows key material: " + key);
    assertTrue(
        run(1, "pki", "req", "--key", d + "/gw.key", "--dn", "CN=x", "--san", "uri:x")
            .contains("bad --san"));
    assertTrue(run(1, "pki", "genkey", "--type", "dsa").contains("unknown key type"));
  }

  @Test
  void anExistingKeyOrCertificateIsKeptUnlessForced() throws Exception {
    String d = dir.toString();
    run(0, "pki", "genkey", "--out", d + "/a.key");
    String before = Files.readString(dir.resolve("a.key"));
    String refused = run(1, "pki", "genkey", "--out", d + "/a.key");
    assertTrue(refused.contains("a.key exists; refusing to overwrite it (use --force"), refused);
    assertEquals(before, Files.readString(dir.resolve("a.key")), "the key is untouched");

    run(0, "pki", "selfsign", "--key", d + "/a.key", "--dn", "CN=a", "--ca", "--out", d + "/a.crt");
    String cert = Files.readString(dir.resolve("a.crt"));
    run(1, "pki", "selfsign", "--key", d + "/a.key", "--dn", "CN=b", "--out", d + "/a.crt");
    assertEquals(cert, Files.readString(dir.resolve("a.crt")));

    run(0, "pki", "genkey", "--force", "--out", d + "/a.key");
    assertTrue(!before.equals(Files.readString(dir.resolve("a.key"))), "--force replaces it");
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.key"))));
  }
}
