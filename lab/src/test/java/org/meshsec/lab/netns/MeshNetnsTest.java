package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.command.IkeListCommand;
import org.meshsec.core.control.command.SaListCommand;
import org.meshsec.lab.tools.Ping;
import org.meshsec.tun.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A three-node full mesh: namespaces a, b and c on one bridge (in a fourth namespace), each node
 * with a policy to each other node's subnet negotiated with IKEv2 and {@code start_action =
 * "start"}. All three daemons start at the same moment, so every pair initiates both ways at once
 * (and some first IKE_SA_INITs are lost while a peer is still starting). Afterwards every pair of
 * nodes must hold exactly one IKE SA with one Child SA pair, the same SPIs on both ends, and pass
 * traffic. A second run makes the pair a-b IKEv1 (Main Mode PSK; a starts it, b traps), so each of
 * a and b runs both versions on the same ports. Needs root.
 *
 * <pre>
 *   a ul0 192.0.2.1/24 ---+
 *   b ul0 192.0.2.2/24 ---+--- br0 (namespace "sw")
 *   c ul0 192.0.2.3/24 ---+
 *   node N: tun ms0 10.9.N.1/24, routes to the other two 10.9.M.0/24
 * </pre>
 */
@Tag("netns")
class MeshNetnsTest {
  private static final Logger LOG = LoggerFactory.getLogger(MeshNetnsTest.class);
  private static final String[] NODES = {"a", "b", "c"};
  private static final Duration SETTLE = Duration.ofSeconds(40);

  @TempDir Path dir;

  @BeforeEach
  void needRoot() {
    assumeTrue(Netns.requireRoot("three-node IKE mesh test"));
  }

  static int index(String node) {
    return List.of(NODES).indexOf(node);
  }

  static String underlay(String node) {
    return "192.0.2." + (index(node) + 1);
  }

  /**
   * Node {@code self}'s configuration; with {@code mixed}, the pair a-b speaks IKEv1 (Main Mode
   * PSK, started by a only, b traps) while the other pairs stay IKEv2.
   */
  static String config(String self, boolean mixed) {
    int n = index(self);
    StringBuilder routes = new StringBuilder();
    StringBuilder rest = new StringBuilder();
    for (String other : NODES) {
      if (other.equals(self)) {
        continue;
      }
      int m = index(other);
      boolean v1 = mixed && Set.of(self, other).equals(Set.of("a", "b"));
      routes.append(routes.length() == 0 ? "" : ", ").append("\"10.9.").append(m).append(".0/24\"");
      rest.append(
          """

          [[peer]]
          name = "%s"
          address = "%s"
          auth = "psk"
          psk = "mesh"
          start_action = "%s"%s

          [[policy]]
          name = "to-%s"
          direction = "both"
          src = "10.9.%d.0/24"
          dst = "10.9.%d.0/24"
          action = "protect"
          ike = "%s"
          """
              .formatted(
                  other,
                  underlay(other),
                  v1 && self.equals("b") ? "trap" : "start",
                  v1 ? "\nversion = 1\nike = [\"aes128-sha256-modp2048\"]" : "",
                  other,
                  n,
                  m,
                  other));
    }
    return """
        [node]
        name = "%s"
        secrets = "secrets.toml"
        address = "%s"

        [tun]
        name = "ms0"
        addresses = ["10.9.%d.1/24"]
        routes = [%s]

        [listen]
        address = ["%s"]
        """
            .formatted(self, underlay(self), n, routes, underlay(self))
        + rest;
  }

  /** One IKE SA of {@code ike-list --json}. */
  record Sa(String peer, String state, String spiI, String spiR, List<String> children) {}

  /** The IKE SAs of an {@code ike-list --json} response, each child as "spi_in/spi_out". */
  static List<Sa> parse(ControlResponse ikeList) {
    ok(ikeList);
    List<Sa> out = new ArrayList<>();
    for (IkeListCommand.View v : ikeList.bodyAs(IkeListCommand.View[].class)) {
      List<String> children = v.children().stream().map(c -> c.spiIn() + "/" + c.spiOut()).toList();
      out.add(new Sa(v.peer(), v.state(), v.spiI(), v.spiR(), children));
    }
    return out;
  }

  static String ok(ControlResponse r) {
    assertTrue(r.ok(), r.body());
    return r.body();
  }

  /** Null when the mesh is as it should be, else what is wrong. */
  static String problem(Map<String, NodeProcess> nodes) throws IOException {
    Map<String, List<Sa>> sas = new HashMap<>();
    for (String n : NODES) {
      sas.put(n, parse(nodes.get(n).control(new ControlRequest.IkeList(true))));
      ControlResponse sadList = nodes.get(n).control(new ControlRequest.SaList(true));
      ok(sadList);
      SaListCommand.View[] sad = sadList.bodyAs(SaListCommand.View[].class);
      long mature = Arrays.stream(sad).filter(v -> "MATURE".equals(v.state())).count();
      if (sad.length != 4 || mature != 4) {
        return n
            + " has "
            + sad.length
            + " SAs ("
            + mature
            + " MATURE) in its SAD, not 4: "
            + sadList.body();
      }
    }
    for (String n : NODES) {
      List<Sa> mine = sas.get(n);
      Set<String> peers = new TreeSet<>();
      for (Sa s : mine) {
        peers.add(s.peer());
        if (!"ESTABLISHED".equals(s.state()) || s.children().size() != 1) {
          return n + ": " + s;
        }
      }
      if (mine.size() != 2 || peers.size() != 2) {
        return n + " has IKE SAs " + mine;
      }
      for (Sa s : mine) {
        Sa theirs =
            sas.get(s.peer()).stream().filter(x -> x.peer().equals(n)).findFirst().orElse(null);
        if (theirs == null || !theirs.spiI().equals(s.spiI()) || !theirs.spiR().equals(s.spiR())) {
          return n + "'s SA with " + s.peer() + " " + s + " is not " + s.peer() + "'s " + theirs;
        }
        String[] mineSpis = s.children().get(0).split("/");
        String[] theirSpis = theirs.children().get(0).split("/");
        if (!mineSpis[0].equals(theirSpis[1]) || !mineSpis[1].equals(theirSpis[0])) {
          return "child SPIs of " + n + "-" + s.peer() + " do not mirror: " + s + " / " + theirs;
        }
      }
    }
    return null;
  }

  @Test
  void everyPairEndsWithOneIkeSaAndOneChildPair() throws Exception {
    mesh(false);
  }

  /** The same with the pair a-b on IKEv1: both versions side by side on each node's ports. */
  @Test
  void aMeshMixingIkev1AndIkev2PairsEndsWithOneSaPerPair() throws Exception {
    mesh(true);
  }

  private void mesh(boolean mixed) throws Exception {
    Path secrets = dir.resolve("secrets.toml");
    Files.writeString(secrets, "");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        secrets,
        "[keys]\nmesh = \"00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0\"\n");
    for (String n : NODES) {
      Files.writeString(dir.resolve(n + ".toml"), config(n, mixed));
    }
    long t0 = System.nanoTime();
    try (Topology t = new Topology("msm")) {
      Netns sw = t.namespace("sw");
      sw.ip("link", "add", "br0", "type", "bridge");
      sw.linkUp("br0");
      Map<String, Netns> ns = new HashMap<>();
      for (String n : NODES) {
        Netns node = t.namespace(n);
        t.veth(node, "ul0", sw, "p" + n);
        sw.ip("link", "set", "p" + n, "master", "br0");
        node.addAddress("ul0", underlay(n) + "/24");
        ns.put(n, node);
      }
      // All three at once: start_action = "start" makes each initiate to both others at boot.
      Map<String, CompletableFuture<NodeProcess>> starting = new HashMap<>();
      for (String n : NODES) {
        starting.put(
            n,
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return NodeProcess.start(
                        ns.get(n),
                        dir.resolve(n + ".toml"),
                        dir.resolve(n + ".sock"),
                        Duration.ofSeconds(60));
                  } catch (Exception e) {
                    throw new IllegalStateException(n + ": " + e.getMessage(), e);
                  }
                }));
      }
      Map<String, NodeProcess> nodes = new HashMap<>();
      try {
        for (String n : NODES) {
          nodes.put(n, starting.get(n).get(90, TimeUnit.SECONDS));
        }
        long tUp = System.nanoTime();
        // Settled: the right shape, twice in a row one second apart (a duplicate being deleted
        // would show up in between).
        long deadline = System.nanoTime() + SETTLE.toNanos();
        String last = "not checked";
        int goodInARow = 0;
        while (goodInARow < 2) {
          last = problem(nodes);
          goodInARow = last == null ? goodInARow + 1 : 0;
          if (System.nanoTime() > deadline) {
            StringBuilder logs = new StringBuilder();
            nodes.forEach(
                (k, v) -> logs.append("\n--- ").append(k).append('\n').append(v.output()));
            throw new AssertionError("mesh did not settle: " + last + logs);
          }
          Thread.sleep(goodInARow > 0 ? 1000 : 200);
        }
        long tSettled = System.nanoTime();
        for (String from : NODES) {
          for (String to : NODES) {
            if (from.equals(to)) {
              continue;
            }
            ExecResult ping =
                ns.get(from)
                    .exec(
                        Duration.ofSeconds(60),
                        Jvm.tool(Ping.class, "10.9." + index(to) + ".1", "-c", "2", "-W", "3000"));
            assertTrue(
                ping.stdout().contains("2 transmitted, 2 received"),
                from + " -> " + to + ": " + ping.stdout());
          }
        }
        assertEquals(null, problem(nodes), "still one IKE SA and one pair per pair of nodes");
        if (mixed) {
          for (String n : List.of("a", "b")) {
            String list = ok(nodes.get(n).control(new ControlRequest.IkeList(true)));
            assertTrue(
                list.contains("\"version\":1") && list.contains("\"version\":2"),
                n + " runs both versions: " + list);
          }
        }
        int redundant = 0;
        int initiated = 0;
        for (NodeProcess p : nodes.values()) {
          redundant += p.output().split("is redundant", -1).length - 1;
          initiated += p.output().split("initiating IKE SA", -1).length - 1;
        }
        LOG.info(
            "mesh of 3 (mixed: {}): daemons up {} ms, settled {} ms later, pings {} ms; {} IKE SAs initiated,"
                + " {} duplicate reports",
            mixed,
            ms(t0, tUp),
            ms(tUp, tSettled),
            ms(tSettled, System.nanoTime()),
            initiated,
            redundant);
      } finally {
        for (CompletableFuture<NodeProcess> f : starting.values()) {
          try {
            f.get(90, TimeUnit.SECONDS).close();
          } catch (Exception e) {
            LOG.warn("a node did not start: {}", e.getMessage());
          }
        }
      }
    }
  }

  private static long ms(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }
}
