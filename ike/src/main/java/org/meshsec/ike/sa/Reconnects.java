package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.ReconnectBackoff;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.port.Cancellable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's retries of failed initiations, per peer configuration, with the waits of a {@link
 * ReconnectBackoff} (RFC 7296 section 2.4 leaves the policy to the implementation; strongSwan's
 * {@code keyingtries} is the model):
 *
 * <pre>
 *  an initiation failed, or DPD found the peer dead with dpd_action restart
 *      -&gt; failures + 1 (from 0 after a quiet ReconnectBackoff.resetAfter)
 *      -&gt; one timer per peer: initiate again after ReconnectBackoff.delay(failures)
 *         with the Child SAs still wanted (merged while the timer runs)
 *  an acquire while the timer runs -&gt; its Child SA joins the retry (no initiation now)
 *  the timer fires -&gt; the peer's configuration as it is now (a reload may have changed or
 *                     removed it), with the wanted Child SAs it still has
 * </pre>
 *
 * What is still wanted when an initiation fails: every Child SA of a persistent initiation (start
 * action "start", a DPD restart) forever; a Child SA with start action "start" forever; a
 * traffic-triggered ("trap") Child SA while the data plane still holds packets for it ({@link
 * org.meshsec.ike.port.IpsecPort#acquirePending}); nothing for a command's initiation, which
 * reports its failure instead.
 *
 * <p>Thread-safe (synchronized); the initiation runs outside the lock.
 */
final class Reconnects {
  private static final Logger log = LoggerFactory.getLogger(Reconnects.class);

  private final SaManager manager;
  private final ReconnectBackoff policy;
  private final Map<String, Peer> peers = new HashMap<>();

  private static final class Peer {
    int failures;
    Instant lastFailure;
    Cancellable timer = Cancellable.NONE;
    boolean pending;
    boolean persistent;
    final Map<String, ChildConfig> wanted = new LinkedHashMap<>();
  }

  Reconnects(SaManager manager, ReconnectBackoff policy) {
    this.manager = manager;
    this.policy = policy;
  }

  /**
   * An initiation with {@code p} failed (or its IKE SA died and dpd_action is restart): counts the
   * failure and arms the retry, unless one is armed (then {@code wanted} joins it).
   *
   * @param wanted the Child SAs the initiation was for
   * @param persistent whether all of them are retried whatever their start action
   * @param remote where the failed initiation went
   */
  void failed(PeerConfig p, List<ChildConfig> wanted, boolean persistent, InetAddress remote) {
    List<ChildConfig> keep = new ArrayList<>();
    for (ChildConfig c : wanted) {
      if (persistent || stillWanted(c, remote)) {
        keep.add(c);
      }
    }
    if (keep.isEmpty() || manager.isShuttingDown() || p.remoteAddress() == null) {
      return;
    }
    IkeEngine engine = manager.engine();
    Duration delay;
    int failures;
    synchronized (this) {
      Peer s = peers.computeIfAbsent(p.name(), n -> new Peer());
      Instant now = engine.scheduler().now();
      if (s.lastFailure != null
          && Duration.between(s.lastFailure, now).compareTo(policy.resetAfter()) >= 0) {
        s.failures = 0;
      }
      s.failures++;
      s.lastFailure = now;
      s.persistent |= persistent;
      keep.forEach(c -> s.wanted.putIfAbsent(c.name(), c));
      if (s.pending) {
        return;
      }
      failures = s.failures;
      delay = policy.delay(failures, engine.random());
      s.pending = true;
      s.timer = engine.scheduler().schedule(() -> fire(p), delay);
    }
    log.info(
        "initiating {} again in {} ms (consecutive failures: {})",
        p.name(),
        delay.toMillis(),
        failures);
  }

  /**
   * If a retry with {@code p} is armed, {@code wanted} joins it and the caller does not initiate
   * now.
   */
  synchronized boolean joinPending(PeerConfig p, List<ChildConfig> wanted) {
    Peer s = peers.get(p.name());
    if (s == null || !s.pending) {
      return false;
    }
    wanted.forEach(c -> s.wanted.putIfAbsent(c.name(), c));
    return true;
  }

  /** Stops every armed retry (shutdown). */
  synchronized void cancelAll() {
    for (Peer s : peers.values()) {
      s.timer.cancel();
      s.pending = false;
      s.wanted.clear();
    }
  }

  private void fire(PeerConfig failed) {
    // the peer's configuration now: a reload since the failure may have changed or removed it
    // (and wiped the key of the old one), and its Child SAs' policy references with it
    PeerConfig p =
        manager.engine().peers(IkeEngine.IKEV2).stream()
            .filter(c -> c.name().equals(failed.name()))
            .findFirst()
            .orElse(null);
    List<ChildConfig> wanted = new ArrayList<>();
    boolean persistent;
    synchronized (this) {
      Peer s = peers.get(failed.name());
      if (s == null || !s.pending) {
        return;
      }
      s.pending = false;
      persistent = s.persistent;
      s.persistent = false;
      if (p != null) {
        for (ChildConfig c : s.wanted.values()) {
          p.children().stream()
              .filter(now -> now.name().equals(c.name()))
              .findFirst()
              .ifPresent(wanted::add);
        }
      }
      s.wanted.clear();
    }
    if (p == null) {
      log.info("not initiating {} again: it is no longer configured", failed.name());
      return;
    }
    if (!persistent) {
      wanted.removeIf(c -> !stillWanted(c, p.remoteAddress()));
    }
    if (wanted.isEmpty() || manager.isShuttingDown()) {
      return;
    }
    manager.engine().stats().backoffRestarts.incrementAndGet();
    manager.connectOrAdd(p, wanted, p.remoteAddress(), persistent);
  }

  private boolean stillWanted(ChildConfig c, InetAddress remote) {
    return c.startAction() == StartAction.START
        || (c.startAction() == StartAction.TRAP
            && manager.engine().ipsec().acquirePending(c.policyRef(), remote));
  }
}
