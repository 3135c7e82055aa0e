package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What systemd hears, through a fake NOTIFY_SOCKET. */
@Timeout(30)
class SystemdNotifierTest {

  @Test
  void readyStatusReloadingAndStopping(@TempDir Path dir) throws Exception {
    try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify"))) {
      SystemdNotifier n = SystemdNotifier.of(Map.of("NOTIFY_SOCKET", systemd.path.toString()), 1);
      assertTrue(n.enabled());
      assertEquals(Duration.ZERO, n.watchdogInterval());
      n.ready("2/3 peers up, 4 SAs");
      assertEquals("READY=1\nSTATUS=2/3 peers up, 4 SAs", systemd.receive(Duration.ofSeconds(5)));

      long before = System.nanoTime() / 1000;
      n.reloading();
      String reloading = systemd.receive(Duration.ofSeconds(5));
      long after = System.nanoTime() / 1000;
      assertNotNull(reloading);
      assertTrue(reloading.startsWith("RELOADING=1\nMONOTONIC_USEC="), reloading);
      long usec = Long.parseLong(reloading.substring(reloading.lastIndexOf('=') + 1));
      assertTrue(before <= usec && usec <= after, reloading); // System.nanoTime: CLOCK_MONOTONIC
      n.status("2/3 peers up, 4 SAs");
      n.status("3/3 peers up, 6 SAs");
      assertEquals("STATUS=3/3 peers up, 6 SAs", systemd.receive(Duration.ofSeconds(5)));
      n.stopping();
      assertEquals("STOPPING=1", systemd.receive(Duration.ofSeconds(5)));
    }
  }

  /**
   * A stop while the daemon starts (SIGTERM or `meshsec stop` before RunCommand reached READY=1):
   * systemd hears STOPPING=1 and nothing after it, and no watchdog starts on the closing loop.
   */
  @Test
  void nothingFollowsStopping(@TempDir Path dir) throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify"))) {
      SystemdNotifier n =
          SystemdNotifier.of(
              Map.of("NOTIFY_SOCKET", systemd.path.toString(), "WATCHDOG_USEC", "100000"), 1);
      n.stopping();
      n.ready("1/1 peers up, 2 SAs");
      n.reloading();
      n.status("0/1 peers up, 0 SAs");
      n.startWatchdog(loop, () -> "0/1 peers up, 0 SAs");
      n.stopping();
      assertEquals(List.of("STOPPING=1"), systemd.receiveFor(Duration.ofMillis(500)));
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutNotifySocketNothingHappens() {
    SystemdNotifier n = SystemdNotifier.of(Map.of("WATCHDOG_USEC", "100000"), 1);
    assertFalse(n.enabled());
    assertEquals(Duration.ZERO, n.watchdogInterval());
    n.ready("x");
    n.stopping();
  }

  @Test
  void watchdogOfAnotherProcessIsIgnored(@TempDir Path dir) throws Exception {
    SystemdNotifier n =
        SystemdNotifier.of(
            Map.of(
                "NOTIFY_SOCKET",
                dir.resolve("x").toString(),
                "WATCHDOG_USEC",
                "100000",
                "WATCHDOG_PID",
                "2"),
            1);
    assertEquals(Duration.ZERO, n.watchdogInterval());
  }

  /** A receiver that never reads fills its queue: sends are dropped, the loop never blocks. */
  @Test
  void aReceiverThatDoesNotReadNeverStallsTheLoop(@TempDir Path dir) throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify"))) {
      SystemdNotifier n =
          SystemdNotifier.of(
              Map.of("NOTIFY_SOCKET", systemd.path.toString(), "WATCHDOG_USEC", "2000"), 1);
      n.startWatchdog(loop, () -> "x");
      Thread.sleep(300); // hundreds of pings: far more than the socket queues
      assertTrue(
          loop.submit(() -> true).await(2, TimeUnit.SECONDS), "the event loop is blocked in send");
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          Duration.ofSeconds(2), () -> n.reloading());
      n.stopping();
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Pings come from the loop: while the loop is stuck, none; afterwards they resume. */
  @Test
  void watchdogPingsStopWhileTheLoopIsStuck(@TempDir Path dir) throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify"))) {
      SystemdNotifier n =
          SystemdNotifier.of(
              Map.of(
                  "NOTIFY_SOCKET", systemd.path.toString(),
                  "WATCHDOG_USEC", "200000",
                  "WATCHDOG_PID", "7"),
              7);
      assertEquals(Duration.ofMillis(100), n.watchdogInterval());
      n.startWatchdog(loop, () -> "1/1 peers up, 2 SAs");
      List<String> running = systemd.receiveFor(Duration.ofMillis(1000));
      long pings = running.stream().filter("WATCHDOG=1"::equals).count();
      assertTrue(pings >= 5, running.toString());
      assertTrue(running.contains("STATUS=1/1 peers up, 2 SAs"), running.toString());

      CountDownLatch stuck = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      loop.execute(
          () -> {
            stuck.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      assertTrue(stuck.await(5, TimeUnit.SECONDS));
      systemd.receiveFor(Duration.ofMillis(150)); // a ping already under way
      List<String> whileStuck = systemd.receiveFor(Duration.ofMillis(800));
      assertEquals(List.of(), whileStuck);
      release.countDown();
      assertEquals("WATCHDOG=1", systemd.receive(Duration.ofSeconds(5)));
      n.stopping();
      List<String> afterStop = systemd.receiveFor(Duration.ofMillis(500));
      int stop = afterStop.indexOf("STOPPING=1");
      assertTrue(stop >= 0, afterStop.toString());
      assertFalse(
          afterStop.subList(stop, afterStop.size()).contains("WATCHDOG=1"), afterStop.toString());
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
