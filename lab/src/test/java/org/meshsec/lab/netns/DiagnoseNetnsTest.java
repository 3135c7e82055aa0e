package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.diagnose.Diagnosis;
import org.meshsec.core.diagnose.Verdict;
import org.meshsec.lab.tools.Ping;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;

/**
 * {@code meshsec diagnose} against real namespaces: with traffic both ways the verdict is OK (the
 * underlay answers ping, the IKE liveness check is answered, the path MTU is the underlay's); with
 * no traffic it is IDLE; once the peer's daemon is killed (its host still answers ping) it is the
 * network side, UDP 4500 unanswered. Needs root (skipped without, failed when CI=true).
 */
@Tag("netns")
class DiagnoseNetnsTest {
  private static final Duration JVM_RUN = Duration.ofSeconds(90);
  private static final String PSK =
      "2b7e151628aed2a6abf7158809cf4f3c2b7e151628aed2a6abf7158809cf4f3c";

  @TempDir Path dir;

  @BeforeEach
  void needRoot() {
    assumeTrue(Netns.requireRoot("diagnose namespace test"));
  }

  private Diagnosis diagnose(NodeProcess n) throws Exception {
    ControlResponse r = n.control(new ControlRequest.Diagnose("b", 2000L, true));
    assertTrue(r.ok(), r.body());
    ControlResponse text = n.control(new ControlRequest.Diagnose("b", 500L, false));
    assertTrue(text.ok() && text.body().contains("verdict: "), text.body());
    return r.bodyAs(Diagnosis.class);
  }

  @Test
  void okThenIdleThenPeerDaemonGone() throws Exception {
    Path s = dir.resolve("secrets.toml");
    Files.writeString(s, "");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(s, "[keys]\nshared = \"" + PSK + "\"\n");
    Files.writeString(
        dir.resolve("a.toml"),
        IkeNetnsTest.config("a", "192.0.2.1", "b", "192.0.2.2", "10.9.0", "10.9.1"));
    Files.writeString(
        dir.resolve("b.toml"),
        IkeNetnsTest.config("b", "192.0.2.2", "a", "192.0.2.1", "10.9.1", "10.9.0"));
    try (TwoNodeTopology t = TwoNodeTopology.create("msd", false);
        NodeProcess a =
            NodeProcess.start(
                t.a(), dir.resolve("a.toml"), dir.resolve("a.sock"), Duration.ofSeconds(30));
        NodeProcess b =
            NodeProcess.start(
                t.b(), dir.resolve("b.toml"), dir.resolve("b.sock"), Duration.ofSeconds(30))) {
      ExecResult ping =
          t.a().exec(JVM_RUN, Jvm.tool(Ping.class, "10.9.1.1", "-c", "2", "-W", "5000"));
      assertTrue(ping.stdout().contains("2 transmitted, 2 received"), ping.stdout() + a.output());

      // traffic both ways while sampling: OK
      Diagnosis ok;
      try (Background flood = t.a().spawn("ping", "-n", "-i", "0.1", "-c", "200", "10.9.1.1")) {
        Thread.sleep(300);
        ok = diagnose(a);
      }
      assertEquals(Verdict.Kind.OK, ok.verdict().kind(), ok.text());
      assertEquals(Boolean.TRUE, ok.underlayPing(), ok.text());
      assertEquals(Boolean.TRUE, ok.ikeProbe(), ok.text());
      assertEquals("ESTABLISHED", ok.ike().state(), ok.text());
      assertEquals(1500, ok.pathMtu(), ok.text());
      assertEquals(2, ok.sas().size(), ok.text());
      assertTrue(ok.sas().stream().allMatch(x -> x.packets() > 0), ok.text());

      // nothing sent: IDLE
      Thread.sleep(500);
      Diagnosis idle = diagnose(a);
      assertEquals(Verdict.Kind.IDLE, idle.verdict().kind(), idle.text());

      // b's daemon killed, its host still up: the IKE check goes unanswered, ping does not
      b.kill9();
      Diagnosis gone = diagnose(a);
      assertEquals(Verdict.Kind.NETWORK, gone.verdict().kind(), gone.text());
      assertEquals(Boolean.TRUE, gone.underlayPing(), gone.text());
      assertEquals(Boolean.FALSE, gone.ikeProbe(), gone.text());
      assertTrue(gone.verdict().cause().contains("UDP 4500"), gone.text());

      // an unknown peer
      ControlResponse unknown = a.control(new ControlRequest.Diagnose("nobody", 500L, true));
      assertEquals(
          Verdict.Kind.UNKNOWN, unknown.bodyAs(Diagnosis.class).verdict().kind(), unknown.body());
    }
  }
}
