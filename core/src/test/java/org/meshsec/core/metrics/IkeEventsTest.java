package org.meshsec.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;

/**
 * {@link IkeEvents} on the event sequences the engine publishes: a handshake (CREATED, CONNECTING,
 * ESTABLISHED), a rekey from either side (the successor goes CREATED to ESTABLISHED; the
 * predecessor leaves REKEYING for DELETING, or becomes REKEYED), a failed handshake, a deletion.
 */
class IkeEventsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final InetSocketAddress HERE = new InetSocketAddress("127.0.0.1", 4500);
  static final InetSocketAddress THERE = new InetSocketAddress("127.0.0.2", 4500);

  PrometheusRegistry registry;
  IkeEvents events;

  @BeforeEach
  void setUp() {
    registry = new PrometheusRegistry();
    events = new IkeEvents(registry);
  }

  static IkeSaInfo sa(long id, String peer, IkeSaState state, Instant established) {
    return new IkeSaInfo(
        id,
        peer,
        state,
        1,
        2,
        true,
        HERE,
        THERE,
        null,
        T0,
        established,
        null,
        false,
        false,
        List.of());
  }

  void walk(long id, String peer, Instant established, IkeSaState... states) {
    for (IkeSaState s : states) {
      events.ikeSaChanged(sa(id, peer, s, s == IkeSaState.CREATED ? null : established));
    }
  }

  void destroy(long id, String peer, Instant established) {
    events.ikeSaDestroyed(sa(id, peer, IkeSaState.DESTROYED, established), "test");
  }

  double counter(String name, String... labels) {
    for (MetricSnapshot m : registry.scrape()) {
      if (m.getMetadata().getName().equals(name)) {
        for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) m).getDataPoints()) {
          if (p.getLabels().equals(Labels.of(labels))) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }

  HistogramSnapshot.HistogramDataPointSnapshot histogram() {
    for (MetricSnapshot m : registry.scrape()) {
      if (m.getMetadata().getName().equals("meshsec_ike_handshake_duration_seconds")) {
        return ((HistogramSnapshot) m).getDataPoints().get(0);
      }
    }
    throw new AssertionError("no histogram");
  }

  @Test
  void handshakeRekeysFromBothSidesFailureAndDeletion() {
    Instant up = T0.plusMillis(250);
    // a handshake: counted, 0.25 s observed
    walk(1, "b", up, IkeSaState.CREATED, IkeSaState.CONNECTING, IkeSaState.ESTABLISHED);
    assertEquals(1, counter("meshsec_ike_handshakes", "peer", "b", "result", "established"));
    assertEquals(1, histogram().getCount());
    assertEquals(0.25, histogram().getSum(), 1e-9);

    // we rekey: successor 2 CREATED -> ESTABLISHED; 1 REKEYING -> DELETING -> DESTROYED
    walk(1, "b", up, IkeSaState.REKEYING);
    walk(2, "b", up, IkeSaState.CREATED, IkeSaState.ESTABLISHED);
    walk(1, "b", up, IkeSaState.DELETING);
    destroy(1, "b", up);
    // the peer rekeys: successor 3; 2 becomes REKEYED, then the peer's Delete
    walk(3, "b", up, IkeSaState.CREATED, IkeSaState.ESTABLISHED);
    walk(2, "b", up, IkeSaState.REKEYED);
    destroy(2, "b", up);
    assertEquals(2, counter("meshsec_ike_rekeys", "peer", "b"));
    assertEquals(0, counter("meshsec_ike_sa_deletions", "peer", "b"));
    assertEquals(1, counter("meshsec_ike_handshakes", "peer", "b", "result", "established"));

    // the peer deletes 3 (not a rekey): a deletion
    destroy(3, "b", up);
    assertEquals(1, counter("meshsec_ike_sa_deletions", "peer", "b"));

    // a handshake that fails; a responder SA that never matched a peer
    walk(4, "b", null, IkeSaState.CREATED, IkeSaState.CONNECTING);
    destroy(4, "b", null);
    walk(5, null, null, IkeSaState.CREATED, IkeSaState.CONNECTING);
    destroy(5, null, null);
    assertEquals(1, counter("meshsec_ike_handshakes", "peer", "b", "result", "failed"));
    assertEquals(1, counter("meshsec_ike_handshakes", "peer", "-", "result", "failed"));
    assertEquals(1, histogram().getCount(), "failures are not observed");
  }
}
