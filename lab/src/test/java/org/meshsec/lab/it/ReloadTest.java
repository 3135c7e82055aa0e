package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;

/**
 * {@code meshsec reload} under load: while 100 MB of TCP cross the tunnel, both nodes reload a
 * configuration that adds a policy and its SA pair (the new tunnel works at once, the running SAs
 * keep their counters, the transfer completes intact); then a broken file is refused with its
 * file:line and the running configuration, and the traffic, carry on.
 */
@Tag("netns")
class ReloadTest {
  Lab lab;

  @AfterEach
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  static boolean pingFrom(Netns ns, String src, String dst) throws Exception {
    ExecResult r =
        ns.execAllowingFailure(
            Duration.ofSeconds(20),
            "ping",
            "-n",
            "-c",
            "2",
            "-i",
            "0.2",
            "-W",
            "2",
            "-I",
            src,
            dst);
    return r.ok() && r.stdout().contains("2 received");
  }

  @Test
  void reloadDuringATransferThenABrokenReloadIsRefused() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(false);
    NodeConf ca =
        new NodeConf("a")
            .address(Lab.A4)
            .tunAddress("10.9.0.1/24", "10.8.0.1/24")
            .route("10.9.1.0/24", "10.8.1.0/24");
    NodeConf cb =
        new NodeConf("b")
            .address(Lab.B4)
            .tunAddress("10.9.1.1/24", "10.8.1.1/24")
            .route("10.9.0.0/24", "10.8.0.0/24");
    Lab.Pair main =
        lab.protect("main", ca, cb, "10.9.0.0/24", "10.9.1.0/24", "tunnel", false, "", "");
    NamespaceDaemon[] n = lab.start(ca, cb);
    NamespaceDaemon a = n[0];
    NamespaceDaemon b = n[1];
    long noPolicy = a.counter("XfrmOutNoPols");
    assertFalse(pingFrom(lab.a(), "10.8.0.1", "10.8.1.1"), "10.8/16 works before it is configured");
    assertTrue(a.counter("XfrmOutNoPols") > noPolicy);

    NodeConf ca2 = ca.copy();
    NodeConf cb2 = cb.copy();
    Lab.Pair extra =
        lab.protect("extra", ca2, cb2, "10.8.0.0/24", "10.8.1.0/24", "tunnel", false, "", "");

    try (Background sink = Lab.startSink(lab.b(), "10.9.1.1", 5001);
        Background sender =
            lab.a()
                .spawn(
                    Jvm.tool(
                        org.meshsec.lab.tools.TcpSend.class,
                        "10.9.1.1",
                        "5001",
                        "100M",
                        "--seed",
                        "5",
                        "--connect-timeout",
                        "30000",
                        "--timeout",
                        "60000"))) {
      assertTrue(sink.awaitOutput("connection from", Lab.TOOL_TIMEOUT), sink.stderr());
      // Let the transfer get going.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((Long) a.sa("out", main.spiAb()).get("packets") < 2000
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long before = (Long) a.sa("out", main.spiAb()).get("packets");

      // 1. A reload adding a policy and its SA pair, on both nodes, mid-transfer.
      lab.write(ca2);
      lab.write(cb2);
      for (NamespaceDaemon node : new NamespaceDaemon[] {a, b}) {
        ControlResponse r = node.control(new ControlRequest.Reload(false));
        assertTrue(r.ok(), node.name + ": " + r.body());
        assertTrue(r.body().contains("SAs installed 2, removed 0"), node.name + ": " + r.body());
      }
      boolean runningDuringReload = sender.isAlive();
      assertTrue(runningDuringReload, "the transfer ended before the reload; make it longer");
      assertTrue((Long) a.sa("out", main.spiAb()).get("packets") >= before, "SA counters reset");
      a.sa("out", extra.spiAb());
      b.sa("in", extra.spiAb());
      assertTrue(pingFrom(lab.a(), "10.8.0.1", "10.8.1.1"), "the added tunnel does not work");

      // 2. A broken file: refused, naming file and line; nothing changes.
      NodeConf broken = ca2.copy();
      broken.raw(
          """
          [[policy]]
          name = "typo"
          direction = "out"
          src = "10.9.0.0/24"
          dst = "10.9.1.0/24"
          actoin = "bypass"
          """);
      Path file = lab.write(broken);
      List<String> lines = java.nio.file.Files.readAllLines(file);
      int line = lines.indexOf("actoin = \"bypass\"") + 1;
      assertNotEquals(0, line);
      ControlResponse r = a.control(new ControlRequest.Reload(false));
      assertFalse(r.ok(), r.body());
      assertTrue(r.body().contains("refused"), r.body());
      assertTrue(r.body().contains(file + ":" + line + ":"), "no file:line in: " + r.body());
      assertEquals(
          4,
          ((Number)
                  NamespaceDaemon.jsonObject(a.ok(new ControlRequest.Status(true))).get("policies"))
              .intValue());
      assertTrue(sender.isAlive() || sender.process().exitValue() == 0, "transfer broke");

      // The transfer carries on and completes intact; both tunnels still carry traffic.
      Lab.finish(sink, sender.waitFor(Lab.TOOL_TIMEOUT));
    }
    assertTrue(pingFrom(lab.a(), "10.9.0.1", "10.9.1.1"));
    assertTrue(pingFrom(lab.a(), "10.8.0.1", "10.8.1.1"));
    assertTrue((Long) a.sa("out", main.spiAb()).get("packets") > 50_000);
    for (NamespaceDaemon node : new NamespaceDaemon[] {a, b}) {
      assertEquals(0L, node.counter("XfrmInStateSeqError"), node.name);
      assertEquals(0L, node.counter("XfrmInNoStates"), node.name);
    }
  }
}
