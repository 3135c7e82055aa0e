package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.lab.netns.TwoNodeTopology;
import org.meshsec.tun.exec.Background;

/**
 * Back-pressure on the data path's output (docs/architecture.md, "Back-pressure"). Node A's
 * underlay gets a slow qdisc with a deep queue (tbf, 1 Mbit/s, 64 MB), and A's UDP sockets a small
 * SO_SNDBUF ({@code -Dmeshsec.udp.sndbuf}), so the datagrams A sends stay charged to its socket
 * until the socket is full and sendmmsg answers EAGAIN. A flood of UDP through the tunnel then must
 * be dropped and counted on A's send side, not queued without bound nor stall the TUN reads, and
 * once the qdisc is removed the tunnel must carry traffic again at once: a ping answers both ways
 * and a TCP transfer completes intact.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackPressureTest {
  static final String A = "10.9.0.1";
  static final String B = "10.9.0.2";
  static final Duration PRESSURE_TIMEOUT = Duration.ofSeconds(60);

  Lab lab;
  NamespaceDaemon a;
  NamespaceDaemon b;

  @BeforeAll
  void up() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(false);
    NodeConf ca = new NodeConf("a").address(Lab.A4);
    NodeConf cb = new NodeConf("b").address(Lab.B4);
    ca.tunAddress(A + "/32").route(B + "/32");
    cb.tunAddress(B + "/32").route(A + "/32");
    lab.protect("host", ca, cb, A + "/32", B + "/32", "transport", false, "", "");
    b = lab.startIn(lab.b(), cb, "b.sock");
    a =
        lab.startIn(
            lab.a(), ca, "a.sock", Map.of("JAVA_TOOL_OPTIONS", "-Dmeshsec.udp.sndbuf=65536"));
  }

  @AfterAll
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void aFullUnderlayQueueDropsCountedAndTrafficResumesWhenItDrains() throws Exception {
    Lab.ping(lab.a(), B);
    String ul = TwoNodeTopology.UNDERLAY_DEV;
    lab.a()
        .exec(
            "tc", "qdisc", "add", "dev", ul, "root", "tbf", "rate", "1mbit", "burst", "32kb",
            "limit", "64mb");
    long blocked;
    long dropped;
    // 1400-byte datagrams at 7 MB/s, far more than the qdisc drains: the socket (128 KB) fills,
    // then the channel's queue (2 MB), then datagrams are dropped. Stopped once they are.
    try (Background flood =
        lab.a().spawn(Jvm.tool(UdpFloodMain.class, B, "9", "400000", "1400", "5"))) {
      long deadline = System.nanoTime() + PRESSURE_TIMEOUT.toNanos();
      do {
        Thread.sleep(200);
        blocked = a.counter("UdpTxBlocked");
        dropped = a.counter("UdpTxDroppedFull");
      } while (dropped == 0 && flood.isAlive() && System.nanoTime() < deadline);
      // Netty fires the writability event (which counts UdpTxBlocked) after the channel turned
      // unwritable, so the first drops can be counted a moment before it: read it again until then
      long settle = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (blocked == 0 && dropped > 0 && System.nanoTime() < settle) {
        Thread.sleep(50);
        blocked = a.counter("UdpTxBlocked");
      }
      assertTrue(blocked >= 1, "A's socket stopped taking datagrams: " + a.stats());
      assertTrue(dropped > 0, "drops beyond the bound are counted: " + a.stats());
    } finally {
      lab.a().exec("tc", "qdisc", "del", "dev", ul, "root");
    }
    // The pressure is gone: the datagrams in the qdisc were freed with it, EPOLLOUT drains the
    // channel's queue, and the tunnel carries traffic at once, both ways.
    Lab.ping(lab.a(), B);
    Lab.ping(lab.b(), A);
    Lab.tcp(lab.a(), lab.b(), B, 5001, "8M", 1);
    long after = a.counter("UdpTxDroppedFull");
    System.out.println(
        "[it] back-pressure: UdpTxBlocked "
            + blocked
            + ", UdpTxDroppedFull "
            + dropped
            + " ("
            + after
            + " after the flood was stopped)");
  }
}
