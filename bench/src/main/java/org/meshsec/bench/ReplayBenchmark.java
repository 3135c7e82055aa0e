package org.meshsec.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.meshsec.esp.replay.ReplayWindow;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The inbound anti-replay window ({@link ReplayWindow}, RFC 4303 section 3.4.3 with an RFC 6479
 * bitmap): average time of one {@link ReplayWindow#check} followed by {@link ReplayWindow#commit}
 * of the accepted sequence number, as {@code EspContext.open} does for each genuine packet, in
 * nanoseconds, on one thread. Parameters: {@code window} 1024 or 4096 packets; {@code esn} off or
 * on (with ESN, check also infers the high 32 bits, RFC 4303 Appendix A2); {@code order}:
 *
 * <ul>
 *   <li>{@code in-order}: 1, 2, 3, ...: every packet is the new highest, the common case;
 *   <li>{@code reordered}: a fixed, seeded permutation of each block of {@value #PATTERN} sequence
 *       numbers in which 25% of the packets arrive up to 64 places late and 1% up to 900 places
 *       late (late packets hit the bitmap test inside the window; all stay within the 1024 window,
 *       so no genuine packet is rejected and the cost measured is the accept path).
 * </ul>
 *
 * The pattern repeats with the base advanced by {@value #PATTERN} each time, so sequence numbers
 * keep increasing (without ESN, a fresh window replaces the old one just before 2^32, as a rekey
 * would). Rejections are counted and fail the trial in teardown: there must be none.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayBenchmark {

  /** Length of the repeating arrival pattern; a power of two. */
  static final int PATTERN = 4096;

  @Param({"1024", "4096"})
  public int window;

  @Param({"false", "true"})
  public boolean esn;

  @Param({"in-order", "reordered"})
  public String order;

  /** Highest pattern base without ESN that keeps every sequence number below 2^32. */
  private static final long MAX_BASE_32 = 0xFFFF_FFFFL - 2L * PATTERN;

  private ReplayWindow replay;
  private final int[] offsets = new int[PATTERN];
  private long base;
  private int next;
  private long rejects;

  @Setup(Level.Trial)
  public void setup() {
    replay = new ReplayWindow(window, esn);
    if (order.equals("in-order")) {
      for (int i = 0; i < PATTERN; i++) {
        offsets[i] = i;
      }
    } else if (order.equals("reordered")) {
      // Arrival order = sequence numbers sorted by (number + delay): a packet with delay d arrives
      // after at most d later packets, so it is at most d behind the highest seen.
      Random r = new Random(3);
      long[] key = new long[PATTERN];
      for (int i = 0; i < PATTERN; i++) {
        int u = r.nextInt(100);
        int delay = u < 1 ? r.nextInt(901) : u < 26 ? r.nextInt(65) : 0;
        key[i] = (long) (i + delay) << 16 | i; // ties: lower sequence number first
      }
      Integer[] idx = new Integer[PATTERN];
      for (int i = 0; i < PATTERN; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, Comparator.comparingLong(i -> key[i]));
      for (int i = 0; i < PATTERN; i++) {
        offsets[i] = idx[i];
      }
    } else {
      throw new IllegalArgumentException("unknown order " + order);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (rejects != 0) {
      throw new IllegalStateException(rejects + " genuine packets rejected");
    }
  }

  /** check, then commit, the next sequence number of the pattern. */
  @Benchmark
  public long checkAndCommit() {
    int i = next;
    long seq = base + offsets[i] + 1;
    if (i + 1 == PATTERN) {
      next = 0;
      base += PATTERN;
      if (!esn && base > MAX_BASE_32) {
        // Without ESN an SA ends before 2^32 packets (RFC 4303 section 3.3.3): a new window, as
        // after a rekey. Once per 2^32 operations, so it does not show in the average.
        replay = new ReplayWindow(window, false);
        base = 0;
      }
    } else {
      next = i + 1;
    }
    long s = replay.check((int) seq);
    if (s == ReplayWindow.REJECT) {
      rejects++;
    } else {
      replay.commit(s);
    }
    return s;
  }
}
