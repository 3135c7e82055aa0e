package org.meshsec.ike.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When an IKE or Child SA is rekeyed and when it dies, as configured (RFC 7296 section 2.8; the
 * model is strongSwan's rekey_time / rand_time / life_time). The SA is rekeyed at {@code rekeyTime}
 * minus a random amount in [0, {@code jitter}], so that the nodes of a mesh, started together, do
 * not all rekey in the same second; if still alive at {@code lifeTime} it is deleted. Byte and
 * packet soft limits for Child SAs are counted by the data plane ({@code IpsecPort}) and reported
 * as SOFT expires. This is configuration, not an SA's limits: a Child SA is installed with the
 * {@link org.meshsec.esp.SaLifetime} limits derived from it (soft: the byte and packet limits;
 * hard: the life time).
 *
 * @param rekeyTime when to rekey, measured from establishment; {@link Duration#ZERO} never
 * @param jitter the largest random amount subtracted from {@code rekeyTime}
 * @param lifeTime hard lifetime; {@link Duration#ZERO} for none
 * @param rekeyBytes Child SAs: soft byte limit in the data plane, 0 for none
 * @param rekeyPackets Child SAs: soft packet limit in the data plane, 0 for none
 */
public record RekeySchedule(
    Duration rekeyTime, Duration jitter, Duration lifeTime, long rekeyBytes, long rekeyPackets) {

  /** Child SA default: rekey after 1 h minus up to 6 min, delete at 66 min. */
  public static final RekeySchedule CHILD_DEFAULT =
      new RekeySchedule(Duration.ofHours(1), Duration.ofMinutes(6), Duration.ofMinutes(66), 0, 0);

  /** IKE SA default: rekey after 4 h minus up to 24 min, delete at 4 h 24 min. */
  public static final RekeySchedule IKE_DEFAULT =
      new RekeySchedule(
          Duration.ofHours(4), Duration.ofMinutes(24), Duration.ofHours(4).plusMinutes(24), 0, 0);

  /** Never rekeyed, never expired. */
  public static final RekeySchedule NEVER =
      new RekeySchedule(Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, 0);

  public RekeySchedule {
    Objects.requireNonNull(rekeyTime, "rekeyTime");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(lifeTime, "lifeTime");
    if (rekeyTime.isNegative() || jitter.isNegative() || lifeTime.isNegative()) {
      throw new IllegalArgumentException("lifetimes must not be negative");
    }
    if (!rekeyTime.isZero() && jitter.compareTo(rekeyTime) >= 0) {
      throw new IllegalArgumentException("jitter must be below the rekey time");
    }
    if (!rekeyTime.isZero() && !lifeTime.isZero() && lifeTime.compareTo(rekeyTime) <= 0) {
      throw new IllegalArgumentException("life time must exceed the rekey time");
    }
    if (rekeyBytes < 0 || rekeyPackets < 0) {
      throw new IllegalArgumentException("byte and packet limits must be >= 0");
    }
  }

  /** A time-only lifetime. */
  public static RekeySchedule of(Duration rekeyTime, Duration jitter, Duration lifeTime) {
    return new RekeySchedule(rekeyTime, jitter, lifeTime, 0, 0);
  }
}
