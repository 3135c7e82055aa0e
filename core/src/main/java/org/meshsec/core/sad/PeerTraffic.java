package org.meshsec.core.sad;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meshsec.core.spd.Direction;

/**
 * Traffic totals per peer (by underlay address) that survive rekeys: the counters of an SA live
 * with the SA, so when a rekey replaces it, its bytes and packets are added here ({@link #retire})
 * as it leaves the SAD, and {@link #totals} adds them to those of the SAs still in it. This is what
 * {@code meshsec show}, {@code stats} and the metrics endpoint report per peer.
 *
 * <p>No count is taken twice: the retired counts are read before the SAD is walked, an SA is
 * retired only once it is DEAD (it counts nothing more), and a DEAD SA still in the SAD is left out
 * of the walk. An SA caught between its death and its retirement is then missing for a moment;
 * {@link #totals} never reports less than it did before for the same peer, so the totals only grow
 * (as a Prometheus counter must).
 *
 * <p>Thread-safe: its methods are synchronized (short: a map update or a pass over a SAD dump);
 * {@link #retire} may be called from any thread, including a data path thread under an SA's lock,
 * as it takes no other lock.
 */
public final class PeerTraffic {

  /** One peer's totals, each direction's payload bytes and packets. */
  public record Totals(long bytesIn, long packetsIn, long bytesOut, long packetsOut) {
    static final Totals ZERO = new Totals(0, 0, 0, 0);

    Totals plus(SaInfo sa) {
      return sa.direction() == Direction.IN
          ? new Totals(bytesIn + sa.bytes(), packetsIn + sa.packets(), bytesOut, packetsOut)
          : new Totals(bytesIn, packetsIn, bytesOut + sa.bytes(), packetsOut + sa.packets());
    }

    Totals plus(Totals o) {
      return new Totals(
          bytesIn + o.bytesIn,
          packetsIn + o.packetsIn,
          bytesOut + o.bytesOut,
          packetsOut + o.packetsOut);
    }

    Totals atLeast(Totals o) {
      return new Totals(
          Math.max(bytesIn, o.bytesIn),
          Math.max(packetsIn, o.packetsIn),
          Math.max(bytesOut, o.bytesOut),
          Math.max(packetsOut, o.packetsOut));
    }
  }

  private final Map<InetAddress, Totals> retired = new HashMap<>();
  private final Map<InetAddress, Totals> reported = new HashMap<>();

  /** Adds the final counters of {@code sa}, a DEAD SA that has just left the SAD. */
  synchronized void retire(SaInfo sa) {
    if (sa.peer() != null && (sa.bytes() != 0 || sa.packets() != 0)) {
      retired.merge(sa.peer(), Totals.ZERO.plus(sa), Totals::plus);
    }
  }

  /** The retired counts now, to be read before the SAD is walked. */
  synchronized Map<InetAddress, Totals> retiredNow() {
    return Map.copyOf(retired);
  }

  /**
   * Each peer's totals: {@code retired} (from {@link #retiredNow}, read first) plus the SAs of
   * {@code live} that are not DEAD, never less than the previous answer for the same peer.
   */
  synchronized Map<InetAddress, Totals> totals(
      Map<InetAddress, Totals> retired, List<SaInfo> live) {
    Map<InetAddress, Totals> sum = new HashMap<>(retired);
    for (SaInfo s : live) {
      if (s.peer() != null && s.state() != SaState.DEAD) {
        sum.merge(s.peer(), Totals.ZERO.plus(s), Totals::plus);
      }
    }
    sum.replaceAll((peer, t) -> t.atLeast(reported.getOrDefault(peer, Totals.ZERO)));
    reported.putAll(sum);
    return Map.copyOf(sum);
  }
}
