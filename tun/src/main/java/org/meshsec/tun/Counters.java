package org.meshsec.tun;

import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind {@link TunStats}. Thread-safe (LongAdder: writers on many threads do not
 * contend on one cache line).
 */
final class Counters {
  final LongAdder rxPackets = new LongAdder();
  final LongAdder rxBytes = new LongAdder();
  final LongAdder rxTruncated = new LongAdder();
  final LongAdder rxBatches = new LongAdder();
  final LongAdder txPackets = new LongAdder();
  final LongAdder txBytes = new LongAdder();
  final LongAdder txWouldBlock = new LongAdder();
  final LongAdder txRejected = new LongAdder();
  final LongAdder txFailed = new LongAdder();

  TunStats snapshot() {
    return new TunStats(
        rxPackets.sum(),
        rxBytes.sum(),
        rxTruncated.sum(),
        rxBatches.sum(),
        txPackets.sum(),
        txBytes.sum(),
        txWouldBlock.sum(),
        txRejected.sum(),
        txFailed.sum());
  }
}
