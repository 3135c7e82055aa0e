package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.lab.tools.Ping;
import org.meshsec.lab.tools.TcpSend;
import org.meshsec.lab.tools.TcpSink;
import org.meshsec.lab.tools.UdpEcho;
import org.meshsec.lab.tools.UdpSweep;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.CommandFailedException;
import org.meshsec.tun.exec.Commands;
import org.meshsec.tun.exec.ExecResult;

/**
 * Real namespaces, veths and traffic. Needs root: skipped without it, failed without it when
 * CI=true (see {@link Netns#requireRoot(String)}).
 */
@Tag("netns")
class NetnsIntegrationTest {
  private static final Duration JVM_RUN = Duration.ofSeconds(90);

  @BeforeEach
  void needRoot() {
    assumeTrue(Netns.requireRoot("namespace integration test"));
  }

  @Test
  void twoNodesPingTransferAndCleanUp() throws Exception {
    List<String> names;
    Background sleeper;
    try (TwoNodeTopology t = TwoNodeTopology.builder().prefix("mst").withLans(true).build()) {
      names = t.topology().namespaces().stream().map(Netns::name).toList();
      assertEquals(4, names.size());
      assertTrue(Netns.list().containsAll(names), Netns.list().toString());
      for (String n : names) {
        assertTrue(
            n.matches("mst-(a|b|ah|bh)-" + ProcessHandle.current().pid() + "-[0-9a-f]{4}"), n);
        assertTrue(Files.exists(Netns.MARKER_DIR.resolve(n + ".owner")), n);
      }
      String ul = t.a().ip("addr", "show", "dev", "ul0").stdout();
      assertTrue(ul.contains("inet 192.0.2.1/24"), ul);
      assertTrue(ul.contains("inet6 2001:db8:1::1/64"), ul);
      assertTrue(ul.contains("state UP"), ul);
      assertEquals("1", t.a().sysctl("net.ipv4.ip_forward"));
      assertEquals("1", t.b().sysctl("net.ipv6.conf.all.forwarding"));
      assertTrue(t.aHost().ip("route").stdout().contains("default via 10.0.0.1"));
      assertTrue(t.bHost().ip("-6", "route").stdout().contains("default via fd00:1::1"));

      // ICMP over the underlay. A new namespace's ping_group_range admits nobody, root
      // included, so "auto" must fall back to a raw socket here.
      ExecResult ping =
          t.a().exec(JVM_RUN, Jvm.tool(Ping.class, "192.0.2.2", "-c", "3", "-i", "50"));
      assertTrue(ping.stdout().contains("(raw socket)"), ping.stdout());
      assertTrue(
          ping.stdout().contains("3 transmitted, 3 received, 0% packet loss"), ping.stdout());
      assertTrue(
          ping.stdout().contains("64 bytes from 192.0.2.2: icmp_seq=3 ttl=64"), ping.stdout());

      // ICMPv6 through a ping socket, once the namespace allows it.
      t.a().sysctl("net.ipv4.ping_group_range", "0 2147483647");
      ping =
          t.a()
              .exec(
                  JVM_RUN,
                  Jvm.tool(Ping.class, "2001:db8:1::2", "-c", "2", "-i", "50", "--mode", "dgram"));
      assertTrue(ping.stdout().contains("(ICMP datagram socket)"), ping.stdout());
      assertTrue(ping.stdout().contains("2 transmitted, 2 received"), ping.stdout());

      // LAN host to its node, over the host's route; and a ping that must fail.
      ping = t.bHost().exec(JVM_RUN, Jvm.tool(Ping.class, "fd00:1::1", "-c", "1"));
      assertTrue(ping.stdout().contains("1 transmitted, 1 received"), ping.stdout());
      ping =
          t.aHost()
              .execAllowingFailure(
                  JVM_RUN, Jvm.tool(Ping.class, "10.0.1.10", "-c", "1", "-W", "300"));
      assertEquals(1, ping.exitCode(), ping.stdout() + ping.stderr());
      assertTrue(ping.stdout().contains("1 transmitted, 0 received"), ping.stdout());

      // 5 MB of TCP from A to B over the veth, hashes compared.
      try (Background sink =
          t.b()
              .spawn(
                  Jvm.tool(TcpSink.class, "5001", "--bind", "192.0.2.2", "--timeout", "60000"))) {
        assertTrue(sink.awaitOutput("listening on", JVM_RUN), sink.stdout() + sink.stderr());
        ExecResult send =
            t.a().exec(JVM_RUN, Jvm.tool(TcpSend.class, "192.0.2.2", "5001", "5M", "--seed", "11"));
        ExecResult sunk = sink.waitFor(JVM_RUN);
        assertEquals(0, sunk.exitCode(), sunk.stderr());
        String sent = hash("sent 5242880 bytes sha256=([0-9a-f]{64})", send.stdout());
        String got = hash("received 5242880 bytes sha256=([0-9a-f]{64})", sunk.stdout());
        assertEquals(sent, got);
        assertTrue(sunk.stdout().contains("connection from 192.0.2.1:"), sunk.stdout());
      }

      // UDP across the IPv6 MTU boundary of the underlay (1452 = 1500 - 40 - 8).
      try (Background echo = t.b().spawn(Jvm.tool(UdpEcho.class, "5002"))) {
        assertTrue(echo.awaitOutput("listening on", JVM_RUN), echo.stderr());
        ExecResult sweep =
            t.a().exec(JVM_RUN, Jvm.tool(UdpSweep.class, "2001:db8:1::2", "5002", "1440", "1470"));
        assertTrue(sweep.stdout().startsWith("31 sizes ok (1440..1470)"), sweep.stdout());
      }

      sleeper = t.b().spawn("sleep", "600");
      assertTrue(sleeper.isAlive());
    }
    assertFalse(sleeper.isAlive(), "background process survived close()");
    List<String> left = Netns.list();
    for (String n : names) {
      assertFalse(left.contains(n), n + " still in `ip netns list`: " + left);
      assertFalse(Files.exists(Netns.MARKER_DIR.resolve(n + ".owner")), n);
    }
  }

  @Test
  void rootNamespaceChangesAreUndone() throws Exception {
    String rootDev = Topology.uniqueIfName("mst");
    Topology t = new Topology("mst");
    try {
      Netns n = t.namespace("r");
      t.veth(t.root(), rootDev, n, "eth0");
      t.root().addAddress(rootDev, "198.51.100.1/30");
      t.root().addRoute("198.51.100.128/25", "198.51.100.2");
      n.addAddress("eth0", "198.51.100.2/30");
      assertTrue(t.root().ip("addr", "show", "dev", rootDev).stdout().contains("198.51.100.1/30"));
      assertTrue(n.ip("link", "show", "dev", "eth0").stdout().contains("eth0@"));
      assertTrue(
          t.root().ip("route", "show", "198.51.100.128/25").stdout().contains("via 198.51.100.2"));
      // A bad command inside a namespace names command, status and stderr.
      CommandFailedException e =
          assertThrows(CommandFailedException.class, () -> n.ip("link", "set", "nosuch0", "up"));
      assertTrue(e.getMessage().contains("ip -n " + n.name() + " link set"), e.getMessage());
      assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
    } finally {
      t.close();
    }
    // The kernel destroys a deleted namespace's devices asynchronously (cleanup_net runs on a work
    // queue), so the root end of the veth may outlive `ip netns del` by a moment: wait for it.
    ExecResult gone = null;
    for (int i = 0; i < 50; i++) {
      gone =
          Commands.runAllowingFailure(
              Duration.ofSeconds(10), List.of("ip", "link", "show", "dev", rootDev));
      if (!gone.ok()) {
        break;
      }
      Thread.sleep(100);
    }
    assertFalse(gone.ok(), "root end of the veth survived 5 s: " + gone.stdout());
    String routes = Commands.run(Duration.ofSeconds(10), List.of("ip", "route")).stdout();
    assertFalse(routes.contains("198.51.100."), routes);
    assertThrows(IllegalStateException.class, () -> t.namespace("late"));
  }

  @Test
  void cleanupStaleRemovesOnlyNamespacesOfDeadCreators() throws Exception {
    // A namespace as a crashed run would leave it: a creator pid that cannot exist, a process
    // inside, a veth to a second leftover.
    String stale = "mst-x-2147483646-" + Netns.randomHex();
    String stale2 = "mst-y-2147483646-" + Netns.randomHex();
    String foreign = "mstother-x-2147483646-" + Netns.randomHex();
    Commands.run(Duration.ofSeconds(10), List.of("ip", "netns", "add", stale));
    Commands.run(Duration.ofSeconds(10), List.of("ip", "netns", "add", stale2));
    Commands.run(Duration.ofSeconds(10), List.of("ip", "netns", "add", foreign));
    try (Topology live = new Topology("mst");
        Background inside = Netns.of(stale).spawn("sleep", "600")) {
      Commands.run(
          Duration.ofSeconds(10),
          List.of(
              "ip", "-n", stale, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns",
              stale2));
      Netns mine = live.namespace("live");
      List<String> removed = Netns.cleanupStale("mst");
      assertTrue(removed.containsAll(List.of(stale, stale2)), removed.toString());
      assertFalse(removed.contains(mine.name()));
      assertFalse(removed.contains(foreign), "another prefix must not be touched");
      List<String> now = Netns.list();
      assertFalse(now.contains(stale));
      assertFalse(now.contains(stale2));
      assertTrue(now.contains(mine.name()));
      assertTrue(now.contains(foreign));
      inside.process().waitFor(10, TimeUnit.SECONDS);
      assertFalse(inside.isAlive(), "process inside a stale namespace survived");
    } finally {
      Commands.runAllowingFailure(Duration.ofSeconds(10), List.of("ip", "netns", "del", foreign));
      Commands.runAllowingFailure(Duration.ofSeconds(10), List.of("ip", "netns", "del", stale));
      Commands.runAllowingFailure(Duration.ofSeconds(10), List.of("ip", "netns", "del", stale2));
    }
  }

  /** Ctrl-C: a JVM that never reaches close() still removes its namespace and processes. */
  @Test
  void interruptedJvmCleansUpFromItsShutdownHook() throws Exception {
    Process p =
        new ProcessBuilder(Jvm.tool(TopologyHookMain.class, "msh"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      assertTrue(line != null && line.startsWith("created "), "child said: " + line);
      String[] f = line.split(" ");
      String ns = f[1];
      long sleeperPid = Long.parseLong(f[2]);
      assertTrue(Netns.list().contains(ns));
      assertTrue(ProcessHandle.of(sleeperPid).isPresent());
      Commands.run(Duration.ofSeconds(10), List.of("sh", "-c", "kill -INT " + p.pid()));
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not exit on SIGINT");
      assertFalse(Netns.list().contains(ns), ns + " survived SIGINT");
      assertFalse(ProcessHandle.of(sleeperPid).map(ProcessHandle::isAlive).orElse(false));
    } finally {
      p.destroyForcibly();
      Netns.cleanupStale("msh");
    }
  }

  private static String hash(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no /" + regex + "/ in:\n" + text);
    return m.group(1);
  }
}
