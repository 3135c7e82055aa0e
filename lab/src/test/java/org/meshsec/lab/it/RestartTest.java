package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.core.daemon.RoutingRules;
import org.meshsec.lab.netns.Netns;
import org.meshsec.tun.exec.ExecResult;

/**
 * {@code kill -9} of a node and a restart with the same configuration: what the killed daemon left
 * behind (its control socket file, its ip rules) must not block the new one, and traffic flows
 * again.
 *
 * <p>The inbound SAs run without an anti-replay window. With manual keys a restarted sender starts
 * again at sequence number 1 (RFC 4303 section 3.3.3 expects manually keyed SAs to run without
 * anti-replay for that reason): with the default window its peer would drop every packet up to the
 * highest sequence number it saw before the crash. See the daemon's documentation of manual SAs.
 */
@Tag("netns")
class RestartTest {
  static final String TAG = "proto " + RoutingRules.RULE_PROTOCOL;

  Lab lab;

  @AfterEach
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  static List<String> ourRules(Netns ns) throws Exception {
    String all = ns.ip("-4", "rule", "show").stdout() + ns.ip("-6", "rule", "show").stdout();
    return Arrays.stream(all.split("\n")).filter(l -> l.contains(TAG)).sorted().toList();
  }

  @Test
  void killedNodeRestartsWithTheSameConfigAndTrafficFlowsAgain() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(false);
    NodeConf ca = NodeConf.overlayA();
    NodeConf cb = NodeConf.overlayB();
    String noReplay = "replay_window = 0";
    lab.protect("v4", ca, cb, "10.9.0.0/24", "10.9.1.0/24", "tunnel", false, "", noReplay);
    lab.protect("v6", ca, cb, "fd00:9::/64", "fd00:9:1::/64", "tunnel", false, "", noReplay);
    // A bypass, so that the killed daemon also leaves a per-policy rule behind.
    ca.raw(
        """
        [[policy]]
        name = "ssh"
        direction = "out"
        priority = 10
        src = "10.9.0.0/24"
        dst = "10.9.1.0/24"
        protocol = "tcp"
        dst_port = 22
        action = "bypass"
        """);
    NamespaceDaemon[] n = lab.start(ca, cb);
    NamespaceDaemon a = n[0];
    Lab.ping(lab.a(), "10.9.1.1");
    Lab.ping(lab.b(), "fd00:9::1");
    List<String> rules = ourRules(lab.a());
    assertEquals(3, rules.size(), "bypass + table rule for IPv4 and IPv6: " + rules);

    a.kill9();
    // What the crash left behind.
    assertTrue(Files.exists(a.socket), "no stale control socket to cope with");
    assertEquals(rules, ourRules(lab.a()), "the killed daemon's rules are not there");
    ExecResult tun = lab.a().execAllowingFailure(Lab.TOOL_TIMEOUT, "ip", "link", "show", "ms0");
    assertFalse(tun.ok(), "the TUN device outlived its process: " + tun.stdout());

    a.restart();
    assertEquals(rules, ourRules(lab.a()), "stale rules kept or duplicated");
    String table = lab.a().ip("-4", "route", "show", "table", "4500").stdout();
    assertTrue(table.contains("10.9.1.0/24 dev ms0"), table);
    Lab.ping(lab.a(), "10.9.1.1");
    Lab.ping(lab.b(), "10.9.0.1");
    Lab.ping(lab.a(), "fd00:9:1::1");
    Lab.tcp(lab.b(), lab.a(), "10.9.0.1", 5001, "4M", 6);
    Lab.tcp(lab.a(), lab.b(), "fd00:9:1::1", 5002, "4M", 7);
    assertTrue(a.output().contains("removing stale routing rule"), a.output());
  }
}
