package org.meshsec.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshsec check-config MESHFILE} and {@code meshsec mesh show}. */
class MeshCliTest {
  @TempDir Path dir;

  static final String MESH =
      """
      [mesh]
      auth = "psk"
      psk = "mesh"

      [[node]]
      name = "alpha"
      address = "192.0.2.1"
      prefixes = ["10.9.1.0/24"]

      [[node]]
      name = "beta"
      address = "192.0.2.2"
      prefixes = ["10.9.2.0/24"]
      """;

  @Test
  void checkConfigValidatesAMeshFileOnItsOwn() throws Exception {
    Path mesh = dir.resolve("mesh.toml");
    Files.writeString(mesh, MESH);
    assertEquals(
        new MainTest.Run(0, "mesh file OK: 2 nodes\n", ""),
        MainTest.run("check-config", mesh.toString()));

    Files.writeString(mesh, MESH.replace("10.9.2.0/24", "10.9.0.0/16"));
    MainTest.Run r = MainTest.run("check-config", mesh.toString());
    assertEquals(1, r.code());
    assertEquals(
        mesh
            + ":13: node \"beta\" prefix 10.9.0.0/16 overlaps node \"alpha\"'s prefix 10.9.1.0/24"
            + " (line 8): every overlay address belongs to one node\n",
        r.err());
  }

  @Test
  void meshShowPrintsWhatTheNodeDerives() throws Exception {
    Files.writeString(dir.resolve("mesh.toml"), MESH);
    Path secrets = dir.resolve("secrets.toml");
    Files.writeString(
        secrets,
        "[keys]\nmesh = \"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Path cfg = dir.resolve("alpha.toml");
    Files.writeString(
        cfg,
        """
        [node]
        name = "alpha"
        secrets = "secrets.toml"

        [tun]
        addresses = ["10.9.1.1/24"]
        routes = ["10.9.0.0/16"]

        [mesh]
        file = "mesh.toml"
        """);
    MainTest.Run r = MainTest.run("mesh", "show", "--config", cfg.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(
        "node alpha in mesh "
            + dir.resolve("mesh.toml")
            + ": 1 peer(s)\n\n"
            + "peer beta: 192.0.2.1 -> 192.0.2.2:500, IKEv2, psk (derived from the mesh secret),"
            + " initiates at start\n"
            + "  policy mesh-beta: 10.9.1.0/24 <-> 10.9.2.0/24, protect, tunnel mode\n",
        r.out());
    assertTrue(!r.out().contains("0001020304"), "no key material");

    Files.writeString(cfg, "[node]\nname = \"alpha\"\n");
    r = MainTest.run("mesh", "show", "--config", cfg.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("no [mesh] table"), r.err());
  }
}
