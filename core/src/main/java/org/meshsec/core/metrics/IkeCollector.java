package org.meshsec.core.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.ChildSaState;
import org.meshsec.ike.sa.EngineStats;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;

/**
 * The IKE engine at scrape time, from one {@code list()} (the snapshots {@code meshsec ike list}
 * shows) and its {@link EngineStats}: IKE SA and Child SA counts by state, per configured peer
 * whether it has an established IKE SA and how many Child SAs are installed, and the engine's
 * counters. Nothing when the node has no {@code [[peer]]}.
 *
 * <p>Thread-safety: {@link #collect} may run on several scrape threads at once; it only reads
 * snapshots and atomic counters.
 */
final class IkeCollector implements MultiCollector {
  private final Daemon d;

  IkeCollector(Daemon d) {
    this.d = d;
  }

  @Override
  public MetricSnapshots collect() {
    IkeService ike = d.ike();
    if (ike == null) {
      return MetricSnapshots.of();
    }
    List<IkeSaInfo> sas = ike.list();
    Family ikeSas = Family.gauge("meshsec_ike_sas", "IKE SAs by state", "state");
    Family childSas = Family.gauge("meshsec_child_sas", "Child SAs by state", "state");
    Family established =
        Family.gauge(
            "meshsec_peer_ike_sas_established",
            "Usable (ESTABLISHED or REKEYING) IKE SAs with each configured peer",
            "peer");
    Family installed =
        Family.gauge(
            "meshsec_peer_child_sas_installed",
            "Child SAs in use (INSTALLED or REKEYING) with each configured peer",
            "peer");
    for (IkeSaState s : IkeSaState.values()) {
      if (s != IkeSaState.DESTROYED) {
        ikeSas.set(0, s.name());
      }
    }
    for (ChildSaState s : ChildSaState.values()) {
      if (s != ChildSaState.DELETED) {
        childSas.set(0, s.name());
      }
    }
    for (IkePeer p : d.config().peers()) {
      established.set(0, p.name());
      installed.set(0, p.name());
    }
    for (IkeSaInfo sa : sas) {
      if (sa.state() == IkeSaState.DESTROYED) {
        continue;
      }
      ikeSas.add(1, sa.state().name());
      boolean usable = sa.state().isUsable();
      boolean configured = sa.peer() != null && d.config().peer(sa.peer()).isPresent();
      if (usable && configured) {
        established.add(1, sa.peer());
      }
      for (ChildSaInfo c : sa.children()) {
        if (c.state() == ChildSaState.DELETED) {
          continue;
        }
        childSas.add(1, c.state().name());
        boolean inUse = c.state() == ChildSaState.INSTALLED || c.state() == ChildSaState.REKEYING;
        if (inUse && configured) {
          installed.add(1, sa.peer());
        }
      }
    }

    EngineStats e = ike.engine().stats();
    Family dropped =
        Family.counter("meshsec_ike_messages_dropped", "IKE messages dropped, by reason", "reason")
            .add(e.malformed.get(), "malformed")
            .add(e.icvFailures.get(), "icv_failure")
            .add(e.unknownSpi.get(), "unknown_spi")
            .add(e.unexpectedMessageIds.get(), "unexpected_message_id")
            .add(e.halfOpenDropped.get(), "half_open_limit")
            .add(e.noConfig.get(), "no_config");
    Family installs =
        Family.counter(
                "meshsec_child_sa_installs",
                "Child SA pairs the engine asked to install, by result",
                "result")
            .add(ike.installedCount(), "installed")
            .add(ike.refusedCount(), "refused");
    // Every engine counter under the name `meshsec stats` derives from it too
    // (EngineStats.snapshot),
    // so that the two cannot disagree; the named metrics below are the ones dashboards use.
    Family events =
        Family.counter(
            "meshsec_ike_engine_events",
            "The IKE engine's counters (meshsec stats Ike...), by their snake_case name",
            "event");
    e.snapshot().forEach((k, v) -> events.add(v, k));
    return MetricSnapshots.of(
        events.snapshot(),
        Family.gauge("meshsec_ike_half_open", "Half-open IKE SAs now (meshsec stats IkeHalfOpen)")
            .add(ike.engine().halfOpenCount())
            .snapshot(),
        Family.gauge(
                "meshsec_ike_half_open_per_source_limit",
                "Half-open IKE SAs one source address may hold ([listen] half_open_per_source)")
            .add(ike.engine().settings().halfOpenPerSource())
            .snapshot(),
        ikeSas.snapshot(),
        childSas.snapshot(),
        established.snapshot(),
        installed.snapshot(),
        dropped.snapshot(),
        Family.counter(
                "meshsec_ike_dead_peers",
                "IKE SAs removed because the peer stopped answering, by the unanswered exchange",
                "cause")
            .add(e.dpdFailures.get(), "dpd")
            .add(e.unansweredExchanges.get(), "exchange")
            .add(e.unansweredHandshakes.get(), "handshake")
            .snapshot(),
        counter(
            "meshsec_ike_dpd_failures",
            "Dead peers found by our liveness check (DPD) getting no answer",
            e.dpdFailures),
        counter("meshsec_ike_retransmits", "Our IKE requests retransmitted", e.retransmits),
        counter(
            "meshsec_ike_retransmitted_requests",
            "Peer requests answered again from the response cache",
            e.retransmittedRequests),
        counter("meshsec_ike_error_responses", "IKE error responses sent", e.errorsSent),
        counter(
            "meshsec_ike_cookies_sent",
            "IKE_SA_INIT requests answered with a COOKIE",
            e.cookiesSent),
        counter(
            "meshsec_ike_duplicates_deleted",
            "Duplicate IKE and Child SAs deleted by the tie-break",
            e.duplicatesDeleted),
        counter(
            "meshsec_ike_unknown_esp_spi",
            "ESP packets for unknown SPIs reported to IKE (INVALID_SPI, rate-limited)",
            e.unknownEspSpi),
        counter(
            "meshsec_ike_internal_errors",
            "Exceptions caught inside the IKE engine (bugs)",
            e.internalErrors),
        installs.snapshot());
  }

  private static MetricSnapshot counter(String name, String help, AtomicLong value) {
    return Family.counter(name, help).add(value.get()).snapshot();
  }
}
