package org.meshsec.core.sad;

/**
 * One set of SA lifetime limits (RFC 4301 section 4.4.2.1, "SA Lifetime"; PF_KEY's
 * SADB_EXT_LIFETIME_SOFT / _HARD, RFC 2367 section 2.3.3). An SA has a soft and a hard one. Zero
 * means "no limit" for that dimension.
 *
 * @param seconds seconds since the SA became MATURE (its add time), 0 for none
 * @param bytes payload bytes (the inner packet before sealing, after opening), 0 for none
 * @param packets packets, 0 for none
 */
public record Lifetime(long seconds, long bytes, long packets) {

  /** No limit at all. */
  public static final Lifetime NONE = new Lifetime(0, 0, 0);

  public Lifetime {
    if (seconds < 0 || bytes < 0 || packets < 0) {
      throw new IllegalArgumentException("lifetime limits must be >= 0 (0 = none)");
    }
  }

  /** A time-only limit. */
  public static Lifetime ofSeconds(long seconds) {
    return new Lifetime(seconds, 0, 0);
  }

  /** Whether no dimension is limited. */
  public boolean isNone() {
    return seconds == 0 && bytes == 0 && packets == 0;
  }

  /** The first limit reached by an SA of this age and these counts, or null. */
  ExpireCause reached(long ageMillis, long byteCount, long packetCount) {
    if (packets != 0 && packetCount >= packets) {
      return ExpireCause.PACKETS;
    }
    if (bytes != 0 && byteCount >= bytes) {
      return ExpireCause.BYTES;
    }
    if (seconds != 0 && ageMillis >= seconds * 1000L) {
      return ExpireCause.TIME;
    }
    return null;
  }

  /** Whether each limited dimension of this one is at most that of {@code hard}. */
  boolean notAbove(Lifetime hard) {
    return le(seconds, hard.seconds) && le(bytes, hard.bytes) && le(packets, hard.packets);
  }

  private static boolean le(long soft, long hard) {
    return soft == 0 || hard == 0 || soft <= hard;
  }
}
