package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.meshsec.lab.tools.Ping;
import org.meshsec.tun.exec.ExecResult;

/**
 * A daemon profiled with JFR keeps running: {@code meshsec run} started with a flight recording
 * that samples Java threads every millisecond ({@code jdk.ExecutionSample}), while pings to an
 * address routed into its TUN device keep its data path in Java code for seconds. HotSpot on Linux
 * suspends a thread for such a sample with SIGUSR2, so a daemon with its own SIGUSR2 handler would
 * take each sample for a stop request and exit; this one must still run, answer on its control
 * socket, and have written no hot-restart state file. Needs root (skipped without, failed when
 * CI=true).
 */
@Tag("netns")
class JfrProfilingNetnsTest {
  private static final Duration JVM_RUN = Duration.ofSeconds(120);
  private static final String PSK =
      "6a09e667f3bcc908b2fb1366ea957d3e3adec17512775099da2f590b0667322a";

  /** Only the Java execution sampler, at its highest rate. */
  private static final String SAMPLING_JFC =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <configuration version="2.0" label="meshsec test" description="1 ms execution samples">
        <event name="jdk.ExecutionSample">
          <setting name="enabled">true</setting>
          <setting name="period">1 ms</setting>
        </event>
      </configuration>
      """;

  @TempDir Path dir;

  @BeforeEach
  void needRoot() {
    assumeTrue(Netns.requireRoot("JFR profiling namespace test"));
  }

  @Test
  void aNodeSampledByJfrUnderTrafficKeepsRunning() throws Exception {
    Path s = dir.resolve("secrets.toml");
    Files.writeString(s, "");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(s, "[keys]\nshared = \"" + PSK + "\"\n");
    Files.writeString(
        dir.resolve("a.toml"),
        KeyExportNetnsTest.config(
            "a",
            "192.0.2.1",
            "b",
            "192.0.2.2",
            "10.9.0",
            "10.9.1",
            "aes128gcm16-prfsha256-x25519",
            "aes128gcm16",
            ""));
    Path jfc = dir.resolve("sampling.jfc");
    Files.writeString(jfc, SAMPLING_JFC);
    Path recording = dir.resolve("a.jfr");
    Path state = dir.resolve("meshsec.state"); // where a stop for restart would write
    try (TwoNodeTopology t = TwoNodeTopology.create("msj", false);
        NodeProcess a =
            NodeProcess.start(
                t.a(),
                dir.resolve("a.toml"),
                dir.resolve("a.sock"),
                Duration.ofSeconds(30),
                "-XX:StartFlightRecording=settings=" + jfc + ",filename=" + recording)) {
      // ~5 s of echo requests into a's TUN device (10.9.1.0/24 is routed there; no peer runs, so
      // none is answered, and each waits 1 to 2 ms for its reply): each one read, looked up and
      // dropped or queued in Java code
      ExecResult ping =
          t.a()
              .execAllowingFailure(
                  JVM_RUN, Jvm.tool(Ping.class, "10.9.1.1", "-c", "5000", "-W", "2", "-i", "0"));
      assertTrue(ping.stdout().contains("5000 transmitted"), ping.stdout() + ping.stderr());
      assertTrue(a.isAlive(), "the daemon exited under JFR sampling:\n" + a.output());
      assertFalse(a.output().contains("shutting down"), a.output());
      assertFalse(Files.exists(state), "no stop for restart: " + a.output());
      ControlResponse stats = a.control(new ControlRequest.Stats(true));
      assertTrue(stats.ok(), stats.body());
      long rx = stats.json().get("TunRxPackets").asLong();
      assertTrue(
          rx >= 2500,
          "the pings reached the TUN device: TunRxPackets "
              + rx
              + "\n"
              + ping.stdout().substring(Math.max(0, ping.stdout().length() - 500))
              + ping.stderr());

      a.stop(); // the JVM writes the recording as it exits
      assertTrue(
          Files.exists(recording) && Files.size(recording) > 0, "JFR recorded: " + a.output());
    }
  }
}
