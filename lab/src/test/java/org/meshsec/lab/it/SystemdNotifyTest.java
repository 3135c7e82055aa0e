package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.tun.exec.ExecResult;

/**
 * {@code meshsec run} as systemd sees it with {@code Type=notify} and {@code WatchdogSec=}: a fake
 * NOTIFY_SOCKET hears READY=1 with a STATUS= line, WATCHDOG=1 pings at half of WATCHDOG_USEC, and
 * around {@code meshsec reload} (the unit's ExecReload) RELOADING=1 with MONOTONIC_USEC, then
 * READY=1; a refused reload exits 1 naming the table and key, and is logged at WARN; SIGTERM sends
 * STOPPING=1.
 */
@Tag("netns")
class SystemdNotifyTest {
  Lab lab;
  Path dir;

  @AfterEach
  void down() throws Exception {
    if (lab != null) {
      lab.close();
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /**
   * STATUS= with real IKE peers: two daemons in their namespaces, a trap policy; "0/1 peers up"
   * when ready, "1/1" once traffic has negotiated the IKE SA and its Child SA, "0/1" again after
   * {@code meshsec terminate}.
   */
  @Test
  void statusCountsThePeersUpAsTheyComeAndGo() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(false);
    dir =
        Files.createTempDirectory(
            "meshsec-notify-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    lab.secret("shared", "5a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b");
    NodeConf ca =
        NodeConf.overlayA()
            .raw(RebootedPeerTest.ike(Lab.A4, "b", Lab.B4, "10.9.0.0/24", "10.9.1.0/24"));
    NodeConf cb =
        NodeConf.overlayB()
            .raw(RebootedPeerTest.ike(Lab.B4, "a", Lab.A4, "10.9.1.0/24", "10.9.0.0/24"));
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify"))) {
      lab.startIn(lab.b(), cb, "b.sock");
      NamespaceDaemon a =
          lab.startIn(
              lab.a(),
              ca,
              "a.sock",
              Map.of("NOTIFY_SOCKET", systemd.path.toString(), "WATCHDOG_USEC", "200000"));
      List<String> heard = systemd.receiveFor(Duration.ofSeconds(1));
      assertTrue(!heard.isEmpty(), a.output());
      assertTrue(heard.get(0).matches("READY=1\nSTATUS=0/1 peers up, \\d+ SAs"), heard.toString());

      // the first packet negotiates (trap)
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (lab.a()
              .execAllowingFailure(
                  Duration.ofSeconds(10), "ping", "-n", "-c", "1", "-W", "1", "10.9.1.1")
              .exitCode()
          != 0) {
        assertTrue(System.nanoTime() < deadline, "no ping through the tunnel\n" + a.output());
      }
      assertTrue(awaitStatus(systemd, "1/1 peers up"), a.output());

      String t = a.ok(new ControlRequest.Terminate("b", null, false));
      assertTrue(t.contains("deleted"), t);
      assertTrue(awaitStatus(systemd, "0/1 peers up"), a.output());
    }
  }

  /** Whether a STATUS= starting with {@code status} is heard within 5 s. */
  private static boolean awaitStatus(NotifySocket systemd, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      for (String m : systemd.receiveFor(Duration.ofMillis(300))) {
        if (m.lines().anyMatch(l -> l.startsWith("STATUS=" + status))) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void readyStatusWatchdogReloadAndStopping() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(false);
    dir =
        Files.createTempDirectory(
            "meshsec-notify-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    NodeConf ca = NodeConf.overlayA();
    NodeConf cb = NodeConf.overlayB();
    lab.protect("v4", ca, cb, "10.9.0.0/24", "10.9.1.0/24", "tunnel", false, "", "");
    try (NotifySocket systemd = new NotifySocket(dir.resolve("notify"))) {
      NamespaceDaemon a =
          lab.startIn(
              lab.a(),
              ca,
              "a.sock",
              Map.of("NOTIFY_SOCKET", systemd.path.toString(), "WATCHDOG_USEC", "400000"));

      List<String> heard = systemd.receiveFor(Duration.ofSeconds(3));
      assertTrue(!heard.isEmpty(), a.output());
      assertEquals("READY=1\nSTATUS=2 SAs, 2 policies", heard.get(0), heard.toString());
      long pings = heard.stream().filter("WATCHDOG=1"::equals).count();
      assertTrue(pings >= 4, "WATCHDOG=1 every 200 ms: " + heard);

      // A change that needs a restart, reloaded the way the unit's ExecReload does it.
      NodeConf changed = ca.copy().tunAddress("10.9.0.9/24");
      lab.write(changed);
      List<String> reload = new ArrayList<>(Jvm.base("-Xmx128m", "-XX:+UseSerialGC"));
      reload.addAll(List.of(Jvm.DAEMON_MAIN, "reload", "--socket", a.socket.toString()));
      ExecResult r = lab.a().execAllowingFailure(Lab.TOOL_TIMEOUT, reload.toArray(String[]::new));
      assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
      assertTrue(r.stderr().contains("reload refused"), r.stderr());
      assertTrue(r.stderr().contains("[tun] addresses"), r.stderr());
      String log = a.output();
      assertTrue(
          log.lines()
              .anyMatch(
                  l ->
                      (l.startsWith("WARN") || l.startsWith("<4>"))
                          && l.contains("reload refused")
                          && l.contains("[tun] addresses")),
          log);

      List<String> around =
          systemd.receiveFor(Duration.ofSeconds(1)).stream()
              .filter(m -> !m.equals("WATCHDOG=1"))
              .toList();
      assertEquals(2, around.size(), around.toString());
      assertTrue(around.get(0).matches("RELOADING=1\nMONOTONIC_USEC=\\d+"), around.toString());
      assertEquals("READY=1\nSTATUS=2 SAs, 2 policies", around.get(1));

      assertEquals(0, a.stop());
      List<String> last = systemd.receiveFor(Duration.ofSeconds(1));
      assertTrue(last.contains("STOPPING=1"), last.toString());
      assertEquals("STOPPING=1", last.get(last.size() - 1), "no ping after STOPPING=1: " + last);
    }
  }
}
