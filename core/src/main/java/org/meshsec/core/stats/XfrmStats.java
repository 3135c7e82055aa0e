package org.meshsec.core.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One set of {@link XfrmStat} counters (the daemon has one, shared by every data-path thread).
 *
 * <p>Thread-safe: each counter is a {@link LongAdder}, so concurrent increments from several event
 * loops do not contend on one cache line. Reads ({@link #get}, {@link #snapshot}) are not atomic
 * across counters: a snapshot taken under traffic can be off by the packets in flight.
 */
public final class XfrmStats {
  private static final XfrmStat[] STATS = XfrmStat.values();

  private final LongAdder[] counters = new LongAdder[STATS.length];

  public XfrmStats() {
    for (int i = 0; i < counters.length; i++) {
      counters[i] = new LongAdder();
    }
  }

  /** Adds one to {@code stat}. */
  public void increment(XfrmStat stat) {
    counters[stat.ordinal()].increment();
  }

  /** Adds {@code n} (non-negative) to {@code stat}. */
  public void add(XfrmStat stat, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("counters only grow: " + n);
    }
    if (n != 0) {
      counters[stat.ordinal()].add(n);
    }
  }

  /** The current value of {@code stat}. */
  public long get(XfrmStat stat) {
    return counters[stat.ordinal()].sum();
  }

  /**
   * All counters, in {@link XfrmStat} declaration order, keyed by {@link XfrmStat#statName()} (e.g.
   * {@code XfrmInNoStates}). The map is an unmodifiable copy.
   */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (XfrmStat s : STATS) {
      m.put(s.statName(), counters[s.ordinal()].sum());
    }
    return Collections.unmodifiableMap(m);
  }

  /** The snapshot in the {@code /proc/net/xfrm_stat} text layout: one {@code Name value} a line. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    snapshot().forEach((k, v) -> sb.append(String.format("%-32s%d%n", k, v)));
    return sb.toString();
  }
}
