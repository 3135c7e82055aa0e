package org.meshsec.core.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaState;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.spd.Direction;

/**
 * The SAD at scrape time, from one {@link Sad#dump()} (the snapshots {@code meshsec sa list}
 * shows): per-SA counters, SA counts by state, per-peer gauges, the LARVAL queues; and each peer's
 * traffic totals, which survive rekeys ({@link Sad#peerTotals()}). Per-SA series carry the SPI and
 * live as long as their SA; series that outlive an SA carry only the peer name.
 *
 * <p>Thread-safety: {@link #collect} may run on several scrape threads at once; it only reads the
 * daemon's thread-safe structures.
 */
final class SadCollector implements MultiCollector {
  private final Daemon d;

  SadCollector(Daemon d) {
    this.d = d;
  }

  @Override
  public MetricSnapshots collect() {
    Sad sad = d.dataPath().sad();
    List<SaInfo> sas = sad.dump();
    long now = sad.nowMillis();
    PeerLabels peers = new PeerLabels(d.config(), d.spd());

    String[] saLabels = {"peer", "direction", "spi"};
    Family bytes =
        Family.counter("meshsec_sa_bytes", "Payload bytes sealed or opened by the SA", saLabels);
    Family packets =
        Family.counter("meshsec_sa_packets", "Packets sealed or opened by the SA", saLabels);
    Family replay =
        Family.counter(
            "meshsec_sa_replay_drops", "Inbound packets the anti-replay window refused", saLabels);
    Family icv =
        Family.counter(
            "meshsec_sa_icv_failures", "Inbound packets whose ICV did not verify", saLabels);
    Family byState =
        Family.gauge("meshsec_sas", "SAs in the SAD by direction and state", "direction", "state");
    Family perPeer =
        Family.gauge(
            "meshsec_peer_sas", "Usable (MATURE or DYING) SAs by peer", "peer", "direction");
    Family idle =
        Family.gauge(
            "meshsec_peer_inbound_idle_seconds",
            "Seconds since the last packet on any of the peer's inbound SAs",
            "peer");
    Family queued =
        Family.gauge(
            "meshsec_larval_queued_packets",
            "Packets waiting for keys: on LARVAL inbound SAs (in), on pending acquires (out)",
            "direction");
    Family acquires =
        Family.gauge("meshsec_acquires_pending", "Outbound acquires waiting for key management");
    Family peerBytes =
        Family.counter(
            "meshsec_peer_bytes",
            "Payload bytes with the peer, over every SA since the start (rekeys included)",
            "peer",
            "direction");
    Family peerPackets =
        Family.counter(
            "meshsec_peer_packets",
            "Packets with the peer, over every SA since the start (rekeys included)",
            "peer",
            "direction");
    sad.peerTotals()
        .forEach(
            (addr, t) -> {
              String peer = peers.of(addr);
              peerBytes.add(t.bytesIn(), peer, "in");
              peerBytes.add(t.bytesOut(), peer, "out");
              peerPackets.add(t.packetsIn(), peer, "in");
              peerPackets.add(t.packetsOut(), peer, "out");
            });

    for (Direction dir : Direction.values()) {
      for (SaState st : SaState.values()) {
        byState.set(0, dir(dir), st.name());
      }
    }
    Map<String, Long> lastUse = new HashMap<>();
    long queuedIn = 0;
    for (SaInfo s : sas) {
      String peer = peers.of(s);
      String dir = dir(s.direction());
      String spi = String.format("0x%08x", s.spi());
      bytes.add(s.bytes(), peer, dir, spi);
      packets.add(s.packets(), peer, dir, spi);
      if (s.direction() == Direction.IN) {
        replay.add(s.replayDrops(), peer, dir, spi);
        icv.add(s.icvFailures(), peer, dir, spi);
        queuedIn += s.queued();
        if (s.lastUseMillis() >= 0) {
          lastUse.merge(peer, s.lastUseMillis(), Math::max);
        }
      }
      byState.add(1, dir, s.state().name());
      if (s.state() == SaState.MATURE || s.state() == SaState.DYING) {
        perPeer.add(1, peer, dir);
      }
    }
    lastUse.forEach((peer, t) -> idle.set(Math.max(0, now - t) / 1000.0, peer));
    queued.set(queuedIn, "in");
    queued.set(sad.queuedOutboundTotal(), "out");
    acquires.set(sad.pendingAcquireCount());
    return MetricSnapshots.of(
        bytes.snapshot(),
        packets.snapshot(),
        replay.snapshot(),
        icv.snapshot(),
        byState.snapshot(),
        perPeer.snapshot(),
        idle.snapshot(),
        queued.snapshot(),
        acquires.snapshot(),
        peerBytes.snapshot(),
        peerPackets.snapshot());
  }

  static String dir(Direction d) {
    return d.name().toLowerCase(Locale.ROOT);
  }
}
