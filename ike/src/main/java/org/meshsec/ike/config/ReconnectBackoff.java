package org.meshsec.ike.config;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long the engine waits before it initiates again after a failed initiation or a dead peer (RFC
 * 7296 section 2.4 leaves the retry policy to the implementation): exponential, jittered and
 * capped, so that a mesh whose underlay loses packets does not tear SAs down and set them up again
 * in lockstep. After the n-th consecutive failure (n = 1, 2, ...) the nominal wait is {@code
 * initial * 2^(n-1)}, at most {@code max}; the actual wait is drawn uniformly from the upper {@code
 * jitter} part of it ({@code [nominal * (1 - jitter), nominal]}). The count of consecutive failures
 * starts again after {@code resetAfter} without a failure.
 *
 * @param initial the nominal wait after the first failure
 * @param max the cap on the nominal wait
 * @param jitter the part of the nominal wait that is random, 0 to 1
 * @param resetAfter a quiet time after which the next failure counts as the first
 */
public record ReconnectBackoff(Duration initial, Duration max, double jitter, Duration resetAfter) {

  /** 1 s, 2 s, 4 s, ... capped at 60 s, up to half of each wait random, reset after 2 min. */
  public static final ReconnectBackoff DEFAULT =
      new ReconnectBackoff(
          Duration.ofSeconds(1), Duration.ofSeconds(60), 0.5, Duration.ofMinutes(2));

  public ReconnectBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(resetAfter, "resetAfter");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("bad back-off times");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within 0..1");
    }
  }

  /** The nominal wait after {@code failures} consecutive failures (at least 1). */
  public Duration nominal(int failures) {
    int n = Math.max(1, failures);
    long ms = initial.toMillis();
    for (int i = 1; i < n && ms < max.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, max.toMillis()));
  }

  /** The wait after {@code failures} consecutive failures, jittered with {@code random}. */
  public Duration delay(int failures, RandomGenerator random) {
    long nominal = nominal(failures).toMillis();
    long spread = (long) (nominal * jitter);
    long minus = spread > 0 ? random.nextLong(spread + 1) : 0;
    return Duration.ofMillis(nominal - minus);
  }
}
