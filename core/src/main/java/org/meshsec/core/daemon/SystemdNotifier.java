package org.meshsec.core.daemon;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.meshsec.core.ike.IkeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's side of systemd's service protocol (sd_notify(3), systemd.service(5) {@code
 * Type=notify}, {@code WatchdogSec=}), over {@link SdNotify}:
 *
 * <pre>
 *   start      READY=1 + STATUS=...          once the node is up and the control socket serves
 *   running    WATCHDOG=1 every WATCHDOG_USEC/2, sent from the daemon's event loop, so a loop
 *              that is stuck stops the pings and systemd restarts the service; STATUS=... with
 *              it whenever the status line changed ("2/3 peers up, 4 SAs")
 *   reload     RELOADING=1 + MONOTONIC_USEC=now, then READY=1 + STATUS=... (the reload's result)
 *   shutdown   STOPPING=1
 * </pre>
 *
 * Without {@code NOTIFY_SOCKET} (not started by systemd) every call does nothing. The watchdog runs
 * only when {@code WATCHDOG_USEC} is set and {@code WATCHDOG_PID}, if set, is this process
 * (sd_watchdog_enabled(3)). MONOTONIC_USEC is CLOCK_MONOTONIC, which is what {@link
 * System#nanoTime} reads on Linux.
 *
 * <p>Thread-safety: thread-safe; sends are serialised on this object, so a STATUS= from the
 * watchdog never overtakes a READY=1 with a newer status.
 */
public final class SystemdNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

  private final String socket;
  private final long watchdogMicros;
  private ScheduledFuture<?> pings;
  private boolean pingsStopped;
  private boolean stopped;
  private String lastStatus;

  SystemdNotifier(String socket, long watchdogMicros) {
    this.socket = socket == null || socket.isEmpty() ? null : socket;
    this.watchdogMicros = this.socket == null ? 0 : watchdogMicros;
  }

  /** From this process's environment. */
  public static SystemdNotifier fromEnvironment() {
    return of(System.getenv(), ProcessHandle.current().pid());
  }

  /** From {@code env} (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID) for process {@code pid}. */
  public static SystemdNotifier of(Map<String, String> env, long pid) {
    long usec = 0;
    String w = env.get("WATCHDOG_USEC");
    String wpid = env.get("WATCHDOG_PID");
    if (w != null && (wpid == null || wpid.equals(Long.toString(pid)))) {
      try {
        usec = Math.max(0, Long.parseLong(w.strip()));
      } catch (NumberFormatException e) {
        log.warn("WATCHDOG_USEC={} is not a number; no watchdog pings", w);
      }
    }
    return new SystemdNotifier(env.get("NOTIFY_SOCKET"), usec);
  }

  /** Whether a notification socket is configured. */
  public boolean enabled() {
    return socket != null;
  }

  /** How often WATCHDOG=1 is sent (half of WATCHDOG_USEC); zero when there is no watchdog. */
  public Duration watchdogInterval() {
    return Duration.ofNanos(watchdogMicros * 1000 / 2);
  }

  /**
   * READY=1 with the status line; nothing once {@link #stopping} was sent (a stop that arrived
   * while the daemon was starting: systemd must not hear READY=1 after STOPPING=1).
   */
  public synchronized void ready(String status) {
    if (stopped) {
      return;
    }
    lastStatus = status;
    send("READY=1\nSTATUS=" + status);
  }

  /** RELOADING=1 with the time the reload began. */
  public synchronized void reloading() {
    if (stopped) {
      return;
    }
    send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
  }

  /** STATUS=..., when it differs from the last one sent. */
  public synchronized void status(String status) {
    if (!stopped && !status.equals(lastStatus)) {
      lastStatus = status;
      send("STATUS=" + status);
    }
  }

  /** STOPPING=1 (once); the watchdog stops, and nothing else is sent from now on. */
  public synchronized void stopping() {
    close();
    if (stopped) {
      return;
    }
    stopped = true;
    send("STOPPING=1");
  }

  /**
   * Starts WATCHDOG=1 pings on {@code loop} (the daemon's event loop, whose stall must stop them),
   * each followed by the status line when it changed. Does nothing without a watchdog, or once
   * {@link #close} or {@link #stopping} ran (the loop may be shut down by then).
   */
  public synchronized void startWatchdog(ScheduledExecutorService loop, Supplier<String> status) {
    if (watchdogMicros == 0 || pings != null || pingsStopped) {
      return;
    }
    long every = Math.max(1, watchdogMicros / 2);
    pings = loop.scheduleAtFixedRate(() -> ping(status), 0, every, TimeUnit.MICROSECONDS);
    log.info("systemd watchdog: pinging every {} ms", every / 1000);
  }

  private void ping(Supplier<String> status) {
    String s;
    try {
      s = status.get();
    } catch (RuntimeException e) {
      s = null; // the status is a courtesy; the ping is what matters
    }
    synchronized (this) {
      if (pingsStopped) {
        return; // a ping that raced close(): nothing may follow STOPPING=1
      }
      send("WATCHDOG=1");
      if (s != null) {
        status(s);
      }
    }
  }

  private void send(String state) {
    if (socket != null) {
      SdNotify.notify(socket, state);
    }
  }

  /** Stops the watchdog pings. Idempotent. */
  @Override
  public synchronized void close() {
    pingsStopped = true;
    if (pings != null) {
      pings.cancel(false);
      pings = null;
    }
  }

  /**
   * The daemon's status line for systemd: "2/3 peers up, 4 SAs" with IKE peers (a peer is up when
   * its IKE SA and all its Child SAs are established), else "4 SAs, 6 policies".
   */
  public static String statusLine(Daemon d) {
    int sas = d.dataPath().sad().inboundCount() + d.dataPath().sad().outboundCount();
    IkeService ike = d.ike();
    int peers = d.config().peers().size();
    if (ike == null || peers == 0) {
      return sas + " SAs, " + d.spd().size() + " policies";
    }
    long up =
        d.config().peers().stream().filter(p -> ike.established(p.name()).isPresent()).count();
    return up + "/" + peers + " peers up, " + sas + " SAs";
  }
}
