package org.meshsec.core.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.datapath.UdpTransport;
import org.meshsec.core.stats.TunCounter;
import org.meshsec.core.stats.UdpCounter;
import org.meshsec.core.stats.XfrmStats;
import org.meshsec.tun.TunInterface;

/**
 * Registers the read-through collectors of a {@link Daemon}: each reads the daemon's live counters
 * when scraped and keeps no copy, so the endpoint shows what {@code meshsec stats}, {@code sa list}
 * and {@code ike list} show at the same moment.
 *
 * <ul>
 *   <li>{@code meshsec_xfrm_errors_total{reason}}: one series per {@link
 *       org.meshsec.core.stats.XfrmStat}, the label being its {@code stats} name ({@code
 *       XfrmInNoStates}, ...). One metric with a label rather than one metric each: the names stay
 *       those of {@code meshsec stats} and of Linux's {@code /proc/net/xfrm_stat}, and a new
 *       counter needs no new metric.
 *   <li>{@code meshsec_tun_*_total}: the {@link TunCounter}s.
 *   <li>{@code meshsec_udp_tx_*_total}: the {@link UdpCounter}s.
 *   <li>the SAD ({@link SadCollector}) and the IKE engine ({@link IkeCollector}).
 * </ul>
 *
 * Thread-safe: collectors only read thread-safe daemon state.
 */
final class DaemonCollectors {
  private DaemonCollectors() {}

  static void register(PrometheusRegistry registry, Daemon d) {
    XfrmStats xfrm = d.dataPath().stats();
    CounterWithCallback.builder()
        .name("meshsec_xfrm_errors")
        .help("Data-path error and drop counters modelled on /proc/net/xfrm_stat (packets)")
        .labelNames("reason")
        .callback(cb -> xfrm.snapshot().forEach((name, v) -> cb.call(v, name)))
        .register(registry);
    for (TunCounter c : TunCounter.values()) {
      CounterWithCallback.builder()
          .name(c.metricName())
          .help("TUN device counter " + c.statName() + " of meshsec stats")
          .callback(
              cb -> {
                TunInterface t = d.tun();
                if (t != null) {
                  cb.call(c.of(t.stats()));
                }
              })
          .register(registry);
    }
    for (UdpCounter c : UdpCounter.values()) {
      CounterWithCallback.builder()
          .name(c.metricName())
          .help("UDP send counter " + c.statName() + " of meshsec stats")
          .callback(
              cb -> {
                UdpTransport u = d.udp();
                if (u != null) {
                  cb.call(c.of(u.sendStats()));
                }
              })
          .register(registry);
    }
    registry.register(new SadCollector(d));
    registry.register(new IkeCollector(d));
  }
}
