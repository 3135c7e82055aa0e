package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Live mesh changes between complete daemons in one JVM (fake TUN devices, loopback addresses, IKE
 * on port {@value #IKE_PORT}): nodes join and leave a shared mesh file and {@link Daemon#reload}
 * applies it; the pairs that did not change keep their IKE SA and Child SAs (same SPIs), and a
 * removed node's SAs are deleted on both ends.
 */
class MeshReloadDaemonsTest {
  static final int IKE_PORT = 10510;
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String SECRET = "6d6573682073656372657420666f722074657374732c206e6f74206120736563";

  @TempDir Path dir;
  final Map<String, Daemon> nodes = new LinkedHashMap<>();

  @AfterEach
  void tearDown() {
    nodes.values().forEach(Daemon::close);
  }

  static String address(String n) {
    return "127.3.1." + (n.charAt(0) - 'a' + 1);
  }

  static String prefix(String n) {
    return "10.9." + (n.charAt(0) - 'a' + 1) + ".0/24";
  }

  void writeMesh(String... names) throws IOException {
    StringBuilder sb = new StringBuilder("[mesh]\nauth = \"psk\"\npsk = \"mesh\"\n");
    for (String n : names) {
      sb.append(
          """

          [[node]]
          name = "%s"
          address = "%s"
          prefixes = ["%s"]
          ike_port = %d
          """
              .formatted(n, address(n), prefix(n), IKE_PORT));
    }
    Files.writeString(dir.resolve("mesh.toml"), sb.toString());
  }

  Daemon start(String n) throws IOException {
    Path secrets = dir.resolve("secrets.toml");
    if (!Files.exists(secrets)) {
      Files.writeString(secrets, "[keys]\nmesh = \"" + SECRET + "\"\n");
      Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    }
    Path cfg = dir.resolve(n + ".toml");
    Files.writeString(
        cfg,
        """
        [node]
        name = "%s"
        secrets = "secrets.toml"

        [tun]
        name = "fake-%s"
        mtu = 1400
        addresses = ["%s"]
        routes = ["10.9.0.0/16"]

        [listen]
        address = ["%s"]
        ike_port = %d

        [mesh]
        file = "mesh.toml"
        """
            .formatted(n, n, prefix(n).replace("0/24", "1/24"), address(n), IKE_PORT));
    Daemon d = DaemonPair.start(cfg, new TunFake("fake-" + n, 1400));
    nodes.put(n, d);
    return d;
  }

  void reload(String n) {
    Daemon.ReloadResult r = nodes.get(n).reload();
    assertTrue(r.applied(), n + ": " + r.messages());
  }

  /** Each established IKE SA of {@code n} by peer: its SPIs and its children's SPIs. */
  static Map<String, String> sas(Daemon d) {
    Map<String, String> out = new TreeMap<>();
    for (IkeSaInfo sa : d.ike().list()) {
      if (sa.state() != IkeSaState.ESTABLISHED) {
        out.put(sa.peer(), sa.state().name());
        continue;
      }
      List<String> children = new ArrayList<>();
      for (ChildSaInfo c : sa.children()) {
        children.add(
            Integer.toHexString(c.inboundSpi()) + "/" + Integer.toHexString(c.outboundSpi()));
      }
      out.merge(
          sa.peer(),
          Long.toHexString(sa.initiatorSpi())
              + ":"
              + Long.toHexString(sa.responderSpi())
              + children,
          (x, y) -> x + " AND " + y);
    }
    return out;
  }

  /** Waits until {@code n} has exactly one established IKE SA with one Child SA with each peer. */
  void awaitPeers(String n, String... peers) throws InterruptedException {
    await(
        n + " with exactly " + List.of(peers),
        () -> {
          Map<String, String> s = sas(nodes.get(n));
          return s.keySet().equals(new java.util.TreeSet<>(List.of(peers)))
              && s.values().stream()
                  .allMatch(v -> v.contains("[") && !v.contains(",") && !v.contains(" AND "));
        },
        () -> sas(nodes.get(n)).toString());
  }

  static void await(String what, BooleanSupplier ok, java.util.function.Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what + ": " + state.get());
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aNodeJoinsAndAnotherLeavesWithoutTouchingTheOtherPairs() throws Exception {
    writeMesh("a", "b");
    start("a");
    start("b");
    awaitPeers("a", "b");
    awaitPeers("b", "a");
    String ab = sas(nodes.get("a")).get("b");

    // c joins: the mesh file gains a node, c starts, a and b reload
    writeMesh("a", "b", "c");
    start("c");
    reload("a");
    reload("b");
    awaitPeers("a", "b", "c");
    awaitPeers("b", "a", "c");
    awaitPeers("c", "a", "b");
    assertEquals(ab, sas(nodes.get("a")).get("b"), "a-b keeps its IKE SA and Child SAs");
    String ac = sas(nodes.get("a")).get("c");

    // b leaves: a and c reload, b's SAs are deleted on both ends by the Deletes
    writeMesh("a", "c");
    reload("a");
    reload("c");
    awaitPeers("a", "c");
    awaitPeers("c", "a");
    await(
        "b without SAs",
        () -> nodes.get("b").ike().list().isEmpty(),
        () -> sas(nodes.get("b")).toString());
    assertEquals(ac, sas(nodes.get("a")).get("c"), "a-c keeps its IKE SA and Child SAs");
    assertEquals(
        2,
        IkeDaemonsTest.mature(nodes.get("a")).size(),
        "a's SAD holds only the a-c pair: " + IkeDaemonsTest.mature(nodes.get("a")));
  }

  @Test
  void aChangedPeerIsRenegotiatedAndAFailedReloadChangesNothing() throws Exception {
    writeMesh("a", "b");
    start("a");
    start("b");
    awaitPeers("a", "b");
    awaitPeers("b", "a");
    String before = sas(nodes.get("a")).get("b");

    // A mesh file with an error: refused, nothing changes
    Files.writeString(
        dir.resolve("mesh.toml"),
        Files.readString(dir.resolve("mesh.toml")).replace("10.9.2.0/24", "10.9.1.128/25"));
    Daemon.ReloadResult r = nodes.get("a").reload();
    assertTrue(!r.applied(), r.messages().toString());
    assertTrue(
        r.messages().stream().anyMatch(m -> m.contains("mesh.toml:") && m.contains("overlaps")),
        r.messages().toString());
    assertEquals(before, sas(nodes.get("a")).get("b"));

    // Both ends change a setting of the pair (its DPD): the pair is renegotiated
    writeMesh("a", "b");
    Files.writeString(
        dir.resolve("mesh.toml"),
        Files.readString(dir.resolve("mesh.toml"))
            .replace("psk = \"mesh\"\n", "psk = \"mesh\"\n\n[defaults]\ndpd_delay = \"20s\"\n"));
    reload("b");
    reload("a");
    await(
        "a-b renegotiated",
        () -> {
          String now = sas(nodes.get("a")).get("b");
          return now != null && now.contains("[") && !now.equals(before) && !now.contains(" AND ");
        },
        () -> sas(nodes.get("a")).toString());
    awaitPeers("b", "a");
  }

  @Test
  void aNewMeshSecretIsUsedForNewNegotiationsWithoutTouchingTheSas() throws Exception {
    writeMesh("a", "b");
    start("a");
    start("b");
    awaitPeers("a", "b");
    awaitPeers("b", "a");
    String before = sas(nodes.get("a")).get("b");

    Files.writeString(
        dir.resolve("secrets.toml"), "[keys]\nmesh = \"" + SECRET.replace('6', '7') + "\"\n");
    reload("a");
    assertEquals(before, sas(nodes.get("a")).get("b"), "the running SAs stay");

    // a new negotiation authenticates with the key derived from the new secret: b, which has not
    // reloaded yet, refuses it; once b reloads, it succeeds
    nodes.get("a").ike().terminate("b");
    await(
        "a-b gone",
        () -> nodes.get("a").ike().list().isEmpty() && nodes.get("b").ike().list().isEmpty(),
        () -> sas(nodes.get("a")).toString());
    assertTrue(nodes.get("a").ike().initiate("b"));
    Thread.sleep(1500);
    assertTrue(
        nodes.get("b").ike().list().stream().noneMatch(x -> x.state() == IkeSaState.ESTABLISHED),
        "b still derives the old key: " + sas(nodes.get("b")));
    reload("b");
    await(
        "a without SAs",
        () -> nodes.get("a").ike().list().isEmpty(),
        () -> sas(nodes.get("a")).toString());
    assertTrue(nodes.get("a").ike().initiate("b"));
    awaitPeers("a", "b");
    awaitPeers("b", "a");
  }
}
