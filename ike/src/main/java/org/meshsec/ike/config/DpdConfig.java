package org.meshsec.ike.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Dead peer detection (RFC 7296 section 2.4): after {@code delay} without any message from the
 * peer, an empty INFORMATIONAL request checks liveness; if no exchange on the IKE SA gets an answer
 * within {@code timeout} (retransmissions included), the peer is dead and {@code action} applies.
 *
 * @param delay idle time before a liveness check; {@link Duration#ZERO} disables DPD
 * @param timeout how long an exchange may stay unanswered; {@link Duration#ZERO} uses the
 *     retransmission policy's give-up time
 * @param action what to do with a dead peer
 */
public record DpdConfig(Duration delay, Duration timeout, DpdAction action) {

  /** No liveness checks; a failed exchange still clears the SA. */
  public static final DpdConfig DISABLED =
      new DpdConfig(Duration.ZERO, Duration.ZERO, DpdAction.CLEAR);

  public DpdConfig {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(action, "action");
    if (delay.isNegative() || timeout.isNegative()) {
      throw new IllegalArgumentException("DPD times must not be negative");
    }
  }

  /** Whether liveness checks run. */
  public boolean enabled() {
    return !delay.isZero();
  }
}
