package org.meshsec.core.stats;

import java.util.function.ToLongFunction;
import org.meshsec.tun.TunStats;

/**
 * The TUN device's counters as {@code meshsec stats} shows them and the metrics endpoint exports
 * them: one home for the name, the metric name and how the value is read from {@link TunStats}, so
 * that both show the same numbers. "rx" is what the daemon read from the device, "tx" what it wrote
 * into it.
 */
public enum TunCounter {
  RX_PACKETS("TunRxPackets", "meshsec_tun_rx_packets", TunStats::rxPackets),
  RX_BYTES("TunRxBytes", "meshsec_tun_rx_bytes", TunStats::rxBytes),
  /** Packets dropped because they were larger than the read buffer. */
  RX_TRUNCATED("TunRxTruncated", "meshsec_tun_rx_truncated", TunStats::rxTruncated),
  TX_PACKETS("TunTxPackets", "meshsec_tun_tx_packets", TunStats::txPackets),
  TX_BYTES("TunTxBytes", "meshsec_tun_tx_bytes", TunStats::txBytes),
  /** Packets dropped because the device could not take them (EAGAIN). */
  TX_WOULD_BLOCK("TunTxWouldBlock", "meshsec_tun_tx_would_block", TunStats::txWouldBlock),
  /** Packets refused as malformed or dropped for another write error. */
  TX_FAILED("TunTxFailed", "meshsec_tun_tx_failed", t -> t.txFailed() + t.txRejected());

  private final String statName;
  private final String metricName;
  private final ToLongFunction<TunStats> read;

  TunCounter(String statName, String metricName, ToLongFunction<TunStats> read) {
    this.statName = statName;
    this.metricName = metricName;
    this.read = read;
  }

  /** The name {@code meshsec stats} shows, e.g. {@code TunRxPackets}. */
  public String statName() {
    return statName;
  }

  /** The counter's metric name without the {@code _total} suffix the exposition adds. */
  public String metricName() {
    return metricName;
  }

  /** This counter's value in {@code stats}. */
  public long of(TunStats stats) {
    return read.applyAsLong(stats);
  }
}
