package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.meshsec.core.daemon.RoutingRules;
import org.meshsec.lab.netns.Netns;
import org.meshsec.lab.pcap.Pcap;
import org.meshsec.lab.pcap.Tcpdump;
import org.meshsec.tun.exec.ExecResult;

/**
 * BYPASS and DISCARD next to a PROTECT of the LAN subnets (10.0.0.0/24 - 10.0.1.0/24, tunnel mode):
 * an SSH bypass (tcp/22, higher priority) leaves in the clear over the underlay route, other TCP is
 * ESP, and a DISCARD (udp/9, higher still) drops and counts. Each node has an ordinary underlay
 * route to the other LAN in its main table, as a user's default route would be; the daemon's routes
 * (table {@value RoutingRules#DEFAULT_TABLE}) take precedence over it for everything but the
 * bypass.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BypassDiscardTest {
  static final String TAG = "proto " + RoutingRules.RULE_PROTOCOL;

  Lab lab;
  NamespaceDaemon a;
  NamespaceDaemon b;
  Lab.Pair lan;

  @BeforeAll
  void up() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(true);
    NodeConf ca = new NodeConf("a").address(Lab.A4).route("10.0.1.0/24");
    NodeConf cb = new NodeConf("b").address(Lab.B4).route("10.0.0.0/24");
    lan =
        lab.protect(
            "lan", ca, cb, "10.0.0.0/24", "10.0.1.0/24", "tunnel", false, "priority = 100", "");
    ca.raw(
        """
        [[policy]]
        name = "ssh"
        direction = "both"
        priority = 200
        src = "10.0.0.0/24"
        dst = "10.0.1.0/24"
        protocol = "tcp"
        dst_port = 22
        action = "bypass"

        [[policy]]
        name = "no-discard-service"
        direction = "out"
        priority = 300
        src = "10.0.0.0/24"
        dst = "10.0.1.0/24"
        protocol = "udp"
        dst_port = 9
        action = "discard"
        """);
    cb.raw(
        """
        [[policy]]
        name = "ssh"
        direction = "both"
        priority = 200
        src = "10.0.1.0/24"
        dst = "10.0.0.0/24"
        protocol = "tcp"
        src_port = 22
        action = "bypass"
        """);
    // The underlay routes a bypass falls back to.
    lab.a().addRoute("10.0.1.0/24", Lab.B4);
    lab.b().addRoute("10.0.0.0/24", Lab.A4);
    NamespaceDaemon[] n = lab.start(ca, cb);
    a = n[0];
    b = n[1];
  }

  @AfterAll
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void rulesAndTable() throws Exception {
    String rules = lab.a().ip("-4", "rule", "show").stdout();
    assertTrue(
        rules.contains("from 10.0.0.0/24 to 10.0.1.0/24 ipproto tcp dport 22 lookup main " + TAG),
        rules);
    assertTrue(rules.contains("10000:\tfrom all lookup 4500 " + TAG), rules);
    // The bypass rule is consulted before the table rule.
    assertTrue(rules.indexOf("dport 22 lookup main") < rules.indexOf("lookup 4500"), rules);
    String bRules = lab.b().ip("-4", "rule", "show").stdout();
    assertTrue(
        bRules.contains("from 10.0.1.0/24 to 10.0.0.0/24 ipproto tcp sport 22 lookup main " + TAG),
        bRules);
    String table = lab.a().ip("-4", "route", "show", "table", "4500").stdout();
    assertTrue(table.contains("10.0.1.0/24 dev ms0"), table);
    String main = lab.a().ip("-4", "route", "show").stdout();
    assertFalse(main.contains("dev ms0"), "TUN route left in the main table: " + main);
  }

  @Test
  @Order(2)
  void sshBypassesInTheClearOtherTcpIsEspDiscardDropsAndCounts() throws Exception {
    String marker = EspOnTheWireTest.marker();
    List<Pcap.Packet> packets;
    long blockedBefore = a.counter("XfrmOutPolBlock");
    try (Tcpdump cap = Tcpdump.start(lab.a(), "ul0", lab.dir.resolve("bypass.pcap"))) {
      Lab.tcp(lab.aHost(), lab.bHost(), "10.0.1.10", 22, "2M", 22);
      Map<String, Object> outSa = a.sa("out", lan.spiAb());
      assertEquals(0L, outSa.get("packets"), "the bypassed connection went through the SA");
      Lab.tcp(lab.aHost(), lab.bHost(), "10.0.1.10", 5001, "2M", 5001);
      // Three datagrams to the discarded service, each carrying the marker.
      String hex = HexFormat.of().formatHex(Pcap.ascii(marker));
      ExecResult sent =
          EspOnTheWireTest.udpSend(
              lab.aHost(), "--bind", "10.0.0.10", "10.0.1.10", "9", hex, hex, hex);
      assertEquals(0, sent.exitCode(), sent.stdout() + sent.stderr());
      assertEquals(
          blockedBefore + 3,
          EspOnTheWireTest.awaitCounter(a, "XfrmOutPolBlock", blockedBefore + 3));
      packets = cap.stop(lab.a(), Lab.B4);
    }
    // Bytes, not frames: the veth does TSO/GRO, so tcpdump sees TCP in super-segments.
    long sshBytesFromA = 0;
    long sshFromB = 0;
    long espBytes = 0;
    for (Pcap.Packet p : packets) {
      assertFalse(p.contains(Pcap.ascii(marker)), "discarded datagram on the wire: " + p);
      assertFalse(p.isTcp(5001), "protected TCP in the clear: " + p);
      if (p.isTcp(22)) {
        String src = p.src().getHostAddress();
        if (src.equals("10.0.0.10") && p.dstPort() == 22) {
          sshBytesFromA += p.payload().length;
        } else if (src.equals("10.0.1.10") && p.srcPort() == 22) {
          sshFromB++;
        }
      } else if (p.isUdp(4500)) {
        espBytes += p.payload().length;
      }
    }
    assertTrue(sshBytesFromA >= 2 << 20, sshBytesFromA + " bytes to port 22 in the clear");
    assertTrue(sshFromB > 0, "no clear-text segment from port 22 (the bypass back)");
    assertTrue(espBytes > 2 << 20, espBytes + " bytes of ESP");
    assertTrue((Long) a.sa("out", lan.spiAb()).get("packets") > 1400);
    assertTrue((Long) b.sa("in", lan.spiAb()).get("packets") > 1400);
  }

  @Test
  @Order(3)
  void shutdownRemovesRulesAndRoutes() throws Exception {
    assertEquals(0, a.stop(), a.output());
    String rules4 = lab.a().ip("-4", "rule", "show").stdout();
    String rules6 = lab.a().ip("-6", "rule", "show").stdout();
    assertFalse(rules4.contains(TAG), rules4);
    assertFalse(rules6.contains(TAG), rules6);
    String table = lab.a().ip("-4", "route", "show", "table", "all").stdout();
    assertFalse(table.contains("table 4500"), table);
    assertFalse(lab.a().ip("link", "show").stdout().contains("ms0"), "TUN device survived");
  }
}
