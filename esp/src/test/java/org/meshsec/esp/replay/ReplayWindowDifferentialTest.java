package org.meshsec.esp.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test: {@link ReplayWindow} against a naive model (a set of seen sequence numbers
 * plus the highest) with the same documented semantics, written from the definitions rather than
 * from RFC 4303 Appendix A2.2's case split: the inferred ESN is the unique value congruent to the
 * wire value modulo 2^32 in {@code [T-W+1, T-W+2^32]}.
 *
 * <p>Traffic comes from a seeded {@link Random}: mostly increasing, with reordering, duplicates,
 * forward jumps (some larger than the window), stale retransmissions, forged wire values and failed
 * ICVs. With ESN the sender starts just below a multiple of 2^32 and only the low 32 bits go on the
 * wire, and now and then hops almost 2^31 ahead so a run crosses many boundaries; probes aim at the
 * window's left edge. A result is committed only if it equals the sender's true sequence number (a
 * wrong high half would fail the ICV), and sometimes only a few packets later.
 */
class ReplayWindowDifferentialTest {

  private static final long EPOCH = 1L << 32;
  private static final int STEPS = 20_000;

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (long seed : new long[] {1L, 0x5eedL, 20240611L}) {
      for (int size : new int[] {0, 1, 2, 32, 64, 65, 1024, 4096}) {
        for (boolean esn : new boolean[] {false, true}) {
          b.add(Arguments.of(seed, size, esn));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "seed={0} size={1} esn={2}")
  @MethodSource("cases")
  void matchesNaiveModel(long seed, int size, boolean esn) {
    Random rnd = new Random(seed * 31 + size * 2L + (esn ? 1 : 0));
    ReplayWindow real = new ReplayWindow(size, esn);
    Naive naive = new Naive(size, esn);
    long span = 4L * size + 200;

    long start;
    if (esn) {
      start = (1 + rnd.nextInt(4)) * EPOCH - 1 - rnd.nextInt((int) span);
      real.commit(start);
      naive.commit(start);
    } else {
      start = rnd.nextBoolean() ? 0 : rnd.nextInt(Integer.MAX_VALUE);
      if (start > 0) {
        real.commit(start);
        naive.commit(start);
      }
    }
    long sent = start;
    ArrayDeque<Long> pending = new ArrayDeque<>();
    int accepted = 0;
    int rejected = 0;

    for (int step = 0; step < STEPS; step++) {
      long full; // the sender's true sequence number for this packet
      boolean forged = false;
      int p = rnd.nextInt(100);
      if (p < 68) {
        full = ++sent;
      } else if (p < 76) {
        full = sent - 1 - rnd.nextInt(2 * size + 10); // reordered / late
      } else if (p < 82) {
        full = sent - rnd.nextInt(8); // duplicate of a recent packet
      } else if (p < 88) {
        sent += 1 + rnd.nextInt(3 * size + 100); // gap: packets lost in between
        full = sent;
      } else if (p < 90) {
        sent += 1 + rnd.nextInt(1 << 20); // far jump, larger than any window here
        full = sent;
      } else if (p < 93) {
        // stale retransmission
        full = sent - rnd.nextInt((int) Math.max(1, Math.min(sent, 1 << 22)));
      } else if (p < 95) {
        full = real.highest() - size + rnd.nextInt(3); // probe just outside / at the left edge
      } else if (p < 96 && esn && rnd.nextInt(4) == 0) {
        sent += (1L << 31) - 1 - rnd.nextInt((int) span); // hop towards the next 2^32 boundary
        full = sent;
      } else {
        full = rnd.nextLong(); // forged: whatever it infers, the ICV fails
        forged = true;
      }
      if (!forged && full < 0) {
        continue;
      }
      long truth = esn ? full : full & 0xFFFF_FFFFL;
      int wire = (int) full;
      long highestBefore = real.highest();

      long got = real.check(wire);
      assertEquals(naive.check(wire), got, "wire " + wire);
      assertEquals(highestBefore, real.highest(), "check must not change state");
      if (esn && !forged && truth > highestBefore && truth - highestBefore < EPOCH / 2) {
        assertEquals(truth, got, "a new packet within reach must get its true ESN");
      }

      if (got == ReplayWindow.REJECT) {
        rejected++;
        continue;
      }
      accepted++;
      if (forged || got != truth || rnd.nextInt(50) == 0) {
        continue; // ICV failure: never committed
      }
      if (rnd.nextInt(10) == 0) {
        pending.add(got); // committed a few packets later, after the window may have moved
      } else {
        real.commit(got);
        naive.commit(got);
      }
      while (pending.size() > 3 || (!pending.isEmpty() && rnd.nextInt(4) == 0)) {
        long late = pending.poll();
        real.commit(late);
        naive.commit(late);
      }
      assertEquals(naive.highest, real.highest());
    }
    assertTrue(accepted > STEPS / 2, "accepted " + accepted);
    if (size > 0) {
      // With ESN and a small window most old packets read as next-epoch ones (the ICV drops them).
      assertTrue(rejected > STEPS / 200, "rejected " + rejected);
    }
    if (esn) {
      assertTrue(real.highest() / EPOCH > start / EPOCH + 5, "the run must cross 2^32 boundaries");
    }
  }

  /** The obvious implementation: every committed number in a set, plus the highest. */
  private static final class Naive {
    final int size;
    final boolean esn;
    final TreeSet<Long> seen = new TreeSet<>();
    long highest;

    Naive(int size, boolean esn) {
      this.size = size;
      this.esn = esn;
    }

    long check(int wire) {
      long low = wire & 0xFFFF_FFFFL;
      long seq = low;
      if (esn) {
        long w = size == 0 ? 1L << 31 : size;
        long bottom = highest - w + 1;
        seq = bottom + Math.floorMod(low - bottom, EPOCH);
      }
      if (seq < 0) {
        return ReplayWindow.REJECT;
      }
      if (seq == 0 && (esn || size > 0)) {
        return ReplayWindow.REJECT;
      }
      if (size > 0 && seq <= highest && (highest - seq >= size || seen.contains(seq))) {
        return ReplayWindow.REJECT;
      }
      return seq;
    }

    void commit(long seq) {
      if (size > 0 && seq <= highest && highest - seq >= size) {
        return;
      }
      seen.add(seq);
      highest = Math.max(highest, seq);
      if (seen.size() > 4 * ReplayWindow.MAX_SIZE) {
        seen.headSet(highest - ReplayWindow.MAX_SIZE).clear(); // all out of any window
      }
    }
  }
}
