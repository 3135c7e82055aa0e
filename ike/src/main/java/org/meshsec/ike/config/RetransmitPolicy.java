package org.meshsec.ike.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Retransmission of requests (RFC 7296 section 2.1): the n-th retransmission is sent {@code initial
 * * factor^n} after the previous send (n = 0, 1, ...); after {@code retries} retransmissions, or
 * once {@code giveUpAfter} has passed since the first send, the retransmissions are exhausted: the
 * peer is dead unless other authenticated traffic from it proves it alive (section 2.4; the rule by
 * exchange is {@code ike.task.TaskManager}'s).
 *
 * @param initial the first timeout
 * @param factor exponential back-off factor, at least 1
 * @param retries how many retransmissions at most
 * @param giveUpAfter the time after the first send when the exchange fails
 */
public record RetransmitPolicy(Duration initial, double factor, int retries, Duration giveUpAfter) {

  /** 1 s, x1.8, 5 retransmissions, give up after 30 s. */
  public static final RetransmitPolicy DEFAULT =
      new RetransmitPolicy(Duration.ofSeconds(1), 1.8, 5, Duration.ofSeconds(30));

  public RetransmitPolicy {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    if (initial.isNegative() || initial.isZero() || factor < 1 || retries < 0) {
      throw new IllegalArgumentException("bad retransmission policy");
    }
    if (giveUpAfter.compareTo(initial) < 0) {
      throw new IllegalArgumentException("give-up time below the first timeout");
    }
  }

  /** The wait after the send number {@code sent} (0 = the original). */
  public Duration timeout(int sent) {
    double ms = initial.toMillis() * Math.pow(factor, sent);
    return Duration.ofMillis((long) Math.min(ms, giveUpAfter.toMillis()));
  }
}
