package org.meshsec.core.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;

/**
 * Counts what the IKE engine reports only as lifecycle events: handshakes (and how long they took),
 * IKE SA rekeys and deletions, by peer name. The engine publishes an SA's snapshot when it is
 * created (CREATED) and after each task that changed its state, so:
 *
 * <ul>
 *   <li>A handshake completes when an SA goes from CONNECTING to ESTABLISHED (IKE_SA_INIT and
 *       IKE_AUTH, RFC 7296 section 1.2); the histogram observes {@code established - created} of
 *       its snapshot. It fails when an SA is destroyed without ever having been established.
 *   <li>A rekey (RFC 7296 section 2.18) is counted when an SA becomes ESTABLISHED straight from
 *       CREATED: the successor a CREATE_CHILD_SA exchange made, whichever side started it (a rekey
 *       collision makes two successors, and counts two).
 *   <li>A deletion is an established SA destroyed without having been replaced by a rekey (seen
 *       REKEYED, or leaving REKEYING for DELETING or DESTROYED): deleted by either side, dead peer,
 *       INITIAL_CONTACT, a lost duplicate, shutdown.
 * </ul>
 *
 * <p>Thread-safety: events arrive on the IKE SAs' executors (one SA's in order); the per-SA state
 * is a concurrent map holding live SAs only, the counters are the client library's thread-safe
 * ones.
 */
final class IkeEvents implements IkeListener {
  /** The peer label of a responder SA that matched no configured peer (yet). */
  static final String NO_PEER = "-";

  private record Seen(IkeSaState state, boolean replaced) {}

  private final ConcurrentHashMap<Long, Seen> seen = new ConcurrentHashMap<>();
  private final Counter handshakes;
  private final Counter rekeys;
  private final Counter deletions;
  private final Histogram handshakeSeconds;

  IkeEvents(PrometheusRegistry registry) {
    handshakes =
        Counter.builder()
            .name("meshsec_ike_handshakes")
            .help("IKE_SA_INIT + IKE_AUTH handshakes that ended, by peer and result")
            .labelNames("peer", "result")
            .register(registry);
    rekeys =
        Counter.builder()
            .name("meshsec_ike_rekeys")
            .help("IKE SAs created by rekeying an established one (RFC 7296 section 2.18), by peer")
            .labelNames("peer")
            .register(registry);
    deletions =
        Counter.builder()
            .name("meshsec_ike_sa_deletions")
            .help("Established IKE SAs destroyed other than by a rekey, by peer")
            .labelNames("peer")
            .register(registry);
    handshakeSeconds =
        Histogram.builder()
            .name("meshsec_ike_handshake_duration_seconds")
            .help("Time from an IKE SA's creation to its establishment")
            .classicOnly()
            .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
  }

  @Override
  public void ikeSaChanged(IkeSaInfo info) {
    Seen before = seen.get(info.id());
    IkeSaState prev = before == null ? null : before.state();
    boolean replaced = before != null && before.replaced();
    IkeSaState now = info.state();
    if (now == IkeSaState.ESTABLISHED && prev == IkeSaState.CONNECTING) {
      handshakes.labelValues(peer(info), "established").inc();
      if (info.created() != null && info.established() != null) {
        Duration d = Duration.between(info.created(), info.established());
        handshakeSeconds.observe(Math.max(0, d.toNanos()) / 1e9);
      }
    } else if (now == IkeSaState.ESTABLISHED && (prev == null || prev == IkeSaState.CREATED)) {
      rekeys.labelValues(peer(info)).inc();
    }
    if (now == IkeSaState.REKEYED || (prev == IkeSaState.REKEYING && now == IkeSaState.DELETING)) {
      replaced = true;
    }
    seen.put(info.id(), new Seen(now, replaced));
  }

  @Override
  public void ikeSaDestroyed(IkeSaInfo last, String reason) {
    Seen before = seen.remove(last.id());
    if (last.established() == null) {
      handshakes.labelValues(peer(last), "failed").inc();
    } else if (before == null || !(before.replaced() || before.state() == IkeSaState.REKEYING)) {
      deletions.labelValues(peer(last)).inc();
    }
  }

  static String peer(IkeSaInfo info) {
    return info.peer() == null ? NO_PEER : info.peer();
  }
}
