package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.lab.netns.Netns;

/**
 * Host-to-host transport mode and subnet-to-subnet tunnel mode over one underlay family, with IPv4
 * and IPv6 inner traffic. One topology and one pair of daemons per class, carrying three policies
 * at once:
 *
 * <pre>
 *   transport  A's overlay address (on its TUN) &lt;-&gt; B's: 10.9.0.1/32 - 10.9.0.2/32 over the
 *              IPv4 underlay, fd00:9::1/128 - fd00:9::2/128 over the IPv6 one (transport mode
 *              needs selectors of the peer's IP version)
 *   lan4       tunnel 10.0.0.0/24 &lt;-&gt; 10.0.1.0/24, LAN host to LAN host through both nodes
 *   lan6       tunnel fd00:0::/64 &lt;-&gt; fd00:1::/64, likewise
 * </pre>
 *
 * Each case pings both ways, sends a TCP stream and checks its SHA-256, and sends UDP datagrams of
 * every size from 1 byte to the largest that fits the TUN MTU (computed by the daemon: the exact
 * fit for the underlay, so the largest datagram fills the underlay MTU to within the ESP padding).
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TrafficTestBase {
  /** The error counters that must stay at zero on a clean path. */
  static final List<String> INBOUND_ERRORS =
      List.of(
          "XfrmInError",
          "XfrmInHdrError",
          "XfrmInNoStates",
          "XfrmInStateProtoError",
          "XfrmInStateSeqError",
          "XfrmInTmplMismatch",
          "XfrmInNoPols");

  Lab lab;
  NamespaceDaemon a;
  NamespaceDaemon b;
  Lab.Pair host;
  Lab.Pair lan4;
  Lab.Pair lan6;

  abstract boolean v6Underlay();

  /** The {@code [tun] offload} setting of both nodes (docs/configuration.md). */
  boolean offload() {
    return true;
  }

  /** More TOML for both nodes (a {@code [datapath]} table), or empty. */
  String extraToml() {
    return "";
  }

  /** Bytes of the TCP transfer for a case; at least 50 MB for one IPv4 and one IPv6 case. */
  abstract String tcpSize(String pair);

  /** The TUN MTU the daemon must compute for this underlay (docs/configuration.md table). */
  abstract int expectedMtu();

  String aOverlay() {
    return v6Underlay() ? "fd00:9::1" : "10.9.0.1";
  }

  String bOverlay() {
    return v6Underlay() ? "fd00:9::2" : "10.9.0.2";
  }

  @BeforeAll
  void up() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(true);
    boolean v6 = v6Underlay();
    int hostLen = v6 ? 128 : 32;
    NodeConf ca = new NodeConf("a").address(v6 ? Lab.A6 : Lab.A4);
    NodeConf cb = new NodeConf("b").address(v6 ? Lab.B6 : Lab.B4);
    ca.tunLine("offload = " + offload());
    cb.tunLine("offload = " + offload());
    if (!extraToml().isEmpty()) {
      ca.raw(extraToml());
      cb.raw(extraToml());
    }
    ca.tunAddress(aOverlay() + "/" + hostLen).route(bOverlay() + "/" + hostLen);
    cb.tunAddress(bOverlay() + "/" + hostLen).route(aOverlay() + "/" + hostLen);
    ca.route("10.0.1.0/24", "fd00:1::/64");
    cb.route("10.0.0.0/24", "fd00::/64");
    host =
        lab.protect(
            "host",
            ca,
            cb,
            aOverlay() + "/" + hostLen,
            bOverlay() + "/" + hostLen,
            "transport",
            v6,
            "",
            "");
    lan4 = lab.protect("lan4", ca, cb, "10.0.0.0/24", "10.0.1.0/24", "tunnel", v6, "", "");
    lan6 = lab.protect("lan6", ca, cb, "fd00::/64", "fd00:1::/64", "tunnel", v6, "", "");
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

  @AfterEach
  void noInboundErrors() throws IOException {
    if (a == null) {
      return;
    }
    for (NamespaceDaemon n : new NamespaceDaemon[] {a, b}) {
      Map<String, Object> s = n.stats();
      for (String c : INBOUND_ERRORS) {
        assertEquals(0L, s.get(c), n.name + " " + c + " in " + s + "\n" + n.output());
      }
    }
  }

  int mtu() throws IOException {
    Object m = NamespaceDaemon.jsonObject(a.ok(new ControlRequest.Status(true))).get("mtu");
    return ((Number) m).intValue();
  }

  @Test
  void computedTunMtu() throws IOException {
    assertEquals(expectedMtu(), mtu());
    assertEquals(
        (long) expectedMtu(),
        NamespaceDaemon.jsonObject(b.ok(new ControlRequest.Status(true))).get("mtu"),
        "B's TUN MTU");
  }

  @Test
  void transportModeHostToHost() throws Exception {
    String to = bOverlay();
    Lab.ping(lab.a(), to);
    Lab.ping(lab.b(), aOverlay());
    long reads = tunReads(a);
    long sealed = (Long) a.sa("out", host.spiAb()).get("packets");
    Lab.tcp(lab.a(), lab.b(), to, 5001, tcpSize("host"), 1);
    assertOffloads(tunReads(a) - reads, (Long) a.sa("out", host.spiAb()).get("packets") - sealed);
    Lab.sweep(lab.a(), lab.b(), to, 5002, mtu() - (v6Underlay() ? 48 : 28));
    assertCarried(host);
  }

  @Test
  void tunnelModeIpv4Subnets() throws Exception {
    Lab.ping(lab.aHost(), "10.0.1.10");
    Lab.ping(lab.bHost(), "10.0.0.10");
    Lab.tcp(lab.aHost(), lab.bHost(), "10.0.1.10", 5003, tcpSize("lan4"), 2);
    Lab.sweep(lab.aHost(), lab.bHost(), "10.0.1.10", 5004, mtu() - 28);
    assertCarried(lan4);
  }

  @Test
  void tunnelModeIpv6Subnets() throws Exception {
    Lab.ping(lab.aHost(), "fd00:1::10");
    Lab.ping(lab.bHost(), "fd00::10");
    Lab.tcp(lab.aHost(), lab.bHost(), "fd00:1::10", 5005, tcpSize("lan6"), 3);
    Lab.sweep(lab.aHost(), lab.bHost(), "fd00:1::10", 5006, mtu() - 48);
    assertCarried(lan6);
  }

  static long tunReads(NamespaceDaemon n) throws IOException {
    return ((Number) n.stats().get("TunRxPackets")).longValue();
  }

  /**
   * With offloads the kernel hands over TCP super-packets, each sealed as several ESP packets: far
   * more packets sealed than read. Without, one read is one packet.
   */
  void assertOffloads(long reads, long sealed) {
    String counts = "TUN reads " + reads + ", ESP packets sealed " + sealed;
    if (offload()) {
      assertTrue(sealed > 2 * reads, "super-packets expected: " + counts);
    } else {
      assertTrue(sealed <= reads, "one packet per read expected: " + counts);
    }
  }

  /** The pair's four SAs carried the traffic: packets counted on both ends of both directions. */
  void assertCarried(Lab.Pair p) throws IOException {
    long aOut = (Long) a.sa("out", p.spiAb()).get("packets");
    long bIn = (Long) b.sa("in", p.spiAb()).get("packets");
    long bOut = (Long) b.sa("out", p.spiBa()).get("packets");
    long aIn = (Long) a.sa("in", p.spiBa()).get("packets");
    // Not equal: a daemon starved of CPU may see its socket's receive buffer overflow, and TCP
    // retransmits. But nothing is opened that the other end did not seal.
    String counts =
        p.name() + ": A out " + aOut + ", B in " + bIn + ", B out " + bOut + ", A in " + aIn;
    assertTrue(bIn > 1000 && bIn <= aOut, counts);
    assertTrue(aIn > 1000 && aIn <= bOut, counts);
  }
}
