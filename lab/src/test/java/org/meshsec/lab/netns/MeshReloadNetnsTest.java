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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.tun.exec.Background;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mesh from one mesh file, changed live: five nodes (a..e) with ping traffic between every pair;
 * a sixth node (f) is added to every node's copy of the mesh file and all reload; then c is removed
 * from the others' copies and they reload. The pairs that were not touched lose no packet and keep
 * their IKE SA and Child SA SPIs; f's pairs come up and lose nothing once up; c's pairs are deleted
 * on the other nodes. Needs root.
 *
 * <pre>
 *   node N (a..f): ul0 192.0.2.N/24 on bridge br0 (namespace "sw"); tun ms0 10.9.N.1/24,
 *                  owns 10.9.N.0/24, route 10.9.0.0/16 into ms0; its own copy of the mesh file
 * </pre>
 */
@Tag("netns")
class MeshReloadNetnsTest {
  private static final Logger LOG = LoggerFactory.getLogger(MeshReloadNetnsTest.class);
  private static final List<String> ALL = List.of("a", "b", "c", "d", "e", "f");
  private static final Duration SETTLE = Duration.ofSeconds(40);
  private static final String SECRET =
      "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";

  @TempDir Path dir;

  @BeforeEach
  void needRoot() {
    assumeTrue(Netns.requireRoot("mesh reload test"));
  }

  static int index(String n) {
    return ALL.indexOf(n) + 1;
  }

  static String overlay(String n) {
    return "10.9." + index(n) + ".1";
  }

  static String mesh(List<String> nodes) {
    StringBuilder sb =
        new StringBuilder(
            "[mesh]\nauth = \"psk\"\npsk = \"mesh\"\n\n[defaults]\nesp = \"aes128gcm16\"\n");
    for (String n : nodes) {
      sb.append(
          """

          [[node]]
          name = "%s"
          address = "192.0.2.%d"
          prefixes = ["10.9.%d.0/24"]
          """
              .formatted(n, index(n), index(n)));
    }
    return sb.toString();
  }

  static String config(String n) {
    return """
        [node]
        name = "%s"
        secrets = "secrets.toml"

        [tun]
        name = "ms0"
        mtu = 1400
        addresses = ["10.9.%d.1/24"]
        routes = ["10.9.0.0/16"]

        [listen]
        address = ["192.0.2.%d"]

        [mesh]
        file = "%s-mesh.toml"
        """
        .formatted(n, index(n), index(n), n);
  }

  void writeMesh(String node, List<String> nodes) throws IOException {
    Files.writeString(dir.resolve(node + "-mesh.toml"), mesh(nodes));
  }

  /**
   * Peer -> "ispi:rspi children" of each IKE SA of {@code node} (states other than established
   * too).
   */
  static Map<String, String> sas(NodeProcess node) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (MeshNetnsTest.Sa s : MeshNetnsTest.parse(node.control(new ControlRequest.IkeList(true)))) {
      String v =
          "ESTABLISHED".equals(s.state()) ? s.spiI() + ":" + s.spiR() + s.children() : s.state();
      out.merge(s.peer(), v, (x, y) -> x + " AND " + y);
    }
    return out;
  }

  /** Null when each node has one established IKE SA with one Child SA with exactly its peers. */
  static String problem(Map<String, NodeProcess> nodes, List<String> members) throws IOException {
    for (String n : members) {
      Map<String, String> s = sas(nodes.get(n));
      List<String> peers = new ArrayList<>(members);
      peers.remove(n);
      if (!s.keySet().equals(new java.util.TreeSet<>(peers))) {
        return n + " has SAs with " + s.keySet() + ", not " + peers + ": " + s;
      }
      for (Map.Entry<String, String> e : s.entrySet()) {
        if (e.getValue().contains(" AND ")
            || !e.getValue().contains("[")
            || e.getValue().contains(",")) {
          return n + "-" + e.getKey() + ": " + e.getValue();
        }
      }
    }
    return null;
  }

  static void settle(Map<String, NodeProcess> nodes, List<String> members) throws Exception {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    String last;
    while ((last = problem(nodes, members)) != null) {
      if (System.nanoTime() > deadline) {
        StringBuilder logs = new StringBuilder();
        for (String n : members) {
          logs.append("\n--- ").append(n).append('\n').append(nodes.get(n).output());
        }
        throw new AssertionError("mesh " + members + " did not settle: " + last + logs);
      }
      Thread.sleep(200);
    }
  }

  static void reload(NodeProcess node, String name) throws IOException {
    ControlResponse r = node.control(new ControlRequest.Reload(false));
    assertTrue(r.ok(), name + ": " + r.body());
    LOG.info("{}: {}", name, r.body().replace('\n', ';'));
  }

  /** A ping stream, 20 packets a second until closed, each reply printed. */
  static Background ping(Netns from, String src, String dst) throws IOException {
    return from.spawn("ping", "-n", "-i", "0.05", "-W", "2", "-I", src, dst);
  }

  private static final Pattern REPLY = Pattern.compile("icmp_seq=(\\d+) ");

  /**
   * The requests of a running ping that got no reply although a later one did (the last requests
   * may still be in flight, so they are not counted).
   */
  static long lost(Background ping, String pair) {
    java.util.BitSet seen = new java.util.BitSet();
    Matcher m = REPLY.matcher(ping.stdout());
    while (m.find()) {
      seen.set(Integer.parseInt(m.group(1)));
    }
    int max = seen.length() - 1;
    assertTrue(
        seen.cardinality() >= 20, pair + ": too few replies: " + ping.stdout() + ping.stderr());
    return max - seen.get(1, max + 1).cardinality();
  }

  @Test
  void aNodeIsAddedAndOneRemovedWithoutLossOnTheOtherPairs() throws Exception {
    Path secrets = dir.resolve("secrets.toml");
    Files.writeString(secrets, "");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(secrets, "[keys]\nmesh = \"" + SECRET + "\"\n");
    List<String> five = ALL.subList(0, 5);
    for (String n : ALL) {
      Files.writeString(dir.resolve(n + ".toml"), config(n));
      writeMesh(n, n.equals("f") ? ALL : five); // f is configured as the sixth node already
    }
    long t0 = System.nanoTime();
    try (Topology t = new Topology("msr")) {
      Netns sw = t.namespace("sw");
      sw.ip("link", "add", "br0", "type", "bridge");
      sw.linkUp("br0");
      Map<String, Netns> ns = new HashMap<>();
      for (String n : ALL) {
        Netns node = t.namespace(n);
        t.veth(node, "ul0", sw, "p" + n);
        sw.ip("link", "set", "p" + n, "master", "br0");
        node.addAddress("ul0", "192.0.2." + index(n) + "/24");
        ns.put(n, node);
      }
      // All six start at once; f, the highest name, only traps, and nobody sends to it yet.
      Map<String, CompletableFuture<NodeProcess>> starting = new LinkedHashMap<>();
      for (String n : ALL) {
        starting.put(
            n,
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return NodeProcess.start(
                        ns.get(n),
                        dir.resolve(n + ".toml"),
                        dir.resolve(n + ".sock"),
                        Duration.ofSeconds(150));
                  } catch (Exception e) {
                    throw new IllegalStateException(n + ": " + e.getMessage(), e);
                  }
                }));
      }
      Map<String, NodeProcess> nodes = new HashMap<>();
      Map<String, Background> traffic = new LinkedHashMap<>();
      try {
        for (String n : ALL) {
          nodes.put(n, starting.get(n).get(180, TimeUnit.SECONDS));
        }
        long tUp = System.nanoTime();
        settle(nodes, five);
        long tSettled = System.nanoTime();
        Map<String, String> before = new HashMap<>();
        for (String n : five) {
          sas(nodes.get(n)).forEach((peer, v) -> before.put(n + "-" + peer, v));
        }

        // Traffic between every pair of the five, from the lower name.
        for (String x : five) {
          for (String y : five) {
            if (x.compareTo(y) < 0) {
              traffic.put(x + "-" + y, ping(ns.get(x), overlay(x), overlay(y)));
            }
          }
        }
        Thread.sleep(1000);

        // 1. f joins: every node's mesh file gains it, and they reload.
        for (String n : five) {
          writeMesh(n, ALL);
          reload(nodes.get(n), n);
        }
        settle(nodes, ALL);
        long tJoined = System.nanoTime();
        for (String x : five) {
          traffic.put(x + "-f", ping(ns.get(x), overlay(x), overlay("f")));
        }
        Thread.sleep(1000);

        // 2. c leaves: its traffic stops, the others' mesh files lose it, and they reload.
        traffic.entrySet().stream()
            .filter(e -> e.getKey().contains("c"))
            .forEach(e -> e.getValue().close());
        List<String> withoutC = new ArrayList<>(ALL);
        withoutC.remove("c");
        for (String n : withoutC) {
          writeMesh(n, withoutC);
          reload(nodes.get(n), n);
        }
        settle(nodes, withoutC);
        long tLeft = System.nanoTime();
        Thread.sleep(1000);
        for (Map.Entry<String, Background> e : traffic.entrySet()) {
          if (!e.getKey().contains("c")) {
            assertTrue(
                e.getValue().isAlive(), e.getKey() + ": traffic ended before the reloads ended");
          }
        }

        // Untouched pairs lost nothing and kept their SPIs; f's pairs lost nothing since up.
        Map<String, Long> loss = new TreeMap<>();
        for (Map.Entry<String, Background> e : traffic.entrySet()) {
          if (!e.getKey().contains("c")) {
            loss.put(e.getKey(), lost(e.getValue(), e.getKey()));
          }
        }
        for (Map.Entry<String, Long> e : loss.entrySet()) {
          assertEquals(0L, e.getValue(), "packets lost between " + e.getKey() + ": " + loss);
        }
        for (String n : withoutC) {
          if (n.equals("f")) {
            continue;
          }
          Map<String, String> now = sas(nodes.get(n));
          for (String peer : withoutC) {
            if (!peer.equals("f") && !peer.equals(n)) {
              assertEquals(
                  before.get(n + "-" + peer), now.get(peer), n + "-" + peer + " SPIs changed");
            }
          }
          assertTrue(!now.containsKey("c"), n + " still has an SA with c: " + now);
        }
        LOG.info(
            "mesh reload: 6 daemons up {} ms, 5 settled {} ms later, f joined in {} ms, c left in {}"
                + " ms; loss {}",
            ms(t0, tUp),
            ms(tUp, tSettled),
            ms(tSettled, tJoined),
            ms(tJoined, tLeft),
            loss);
      } finally {
        traffic.values().forEach(Background::close);
        for (CompletableFuture<NodeProcess> f : starting.values()) {
          try {
            f.get(120, TimeUnit.SECONDS).close();
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
