package org.meshsec.core.stats;

import java.util.function.ToLongFunction;
import org.meshsec.core.datapath.UdpTransport;

/**
 * The UDP send side's back-pressure counters ({@link UdpTransport.SendStats}) as {@code meshsec
 * stats} shows them and the metrics endpoint exports them: one home for the name, the metric name
 * and how the value is read, like {@link TunCounter}.
 */
public enum UdpCounter {
  /** Times a socket stopped taking datagrams (EAGAIN) and its channel's queue passed its bound. */
  TX_BLOCKED("UdpTxBlocked", "meshsec_udp_tx_blocked", UdpTransport.SendStats::blocked),
  /** Datagrams dropped because their channel's queue was over its bound. */
  TX_DROPPED_FULL(
      "UdpTxDroppedFull", "meshsec_udp_tx_dropped_full", UdpTransport.SendStats::droppedFull),
  /** Sends that failed with ENOBUFS. */
  TX_NO_BUFS("UdpTxNoBufs", "meshsec_udp_tx_no_bufs", UdpTransport.SendStats::noBufs),
  /** Sends that failed with another error. */
  TX_FAILED("UdpTxFailed", "meshsec_udp_tx_failed", UdpTransport.SendStats::failed);

  private final String statName;
  private final String metricName;
  private final ToLongFunction<UdpTransport.SendStats> read;

  UdpCounter(String statName, String metricName, ToLongFunction<UdpTransport.SendStats> read) {
    this.statName = statName;
    this.metricName = metricName;
    this.read = read;
  }

  /** The name {@code meshsec stats} shows, e.g. {@code UdpTxDroppedFull}. */
  public String statName() {
    return statName;
  }

  /** The counter's metric name without the {@code _total} suffix the exposition adds. */
  public String metricName() {
    return metricName;
  }

  /** This counter's value in {@code stats}. */
  public long of(UdpTransport.SendStats stats) {
    return read.applyAsLong(stats);
  }
}
