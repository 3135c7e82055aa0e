package org.meshsec.esp;

/**
 * One set of SA lifetime limits (RFC 4301 section 4.4.2.1, "SA Lifetime"; PF_KEY's
 * SADB_EXT_LIFETIME_SOFT / _HARD, the Lifetime extension of RFC 2367). An SA has a soft one
 * (reached: rekey) and a hard one (reached: delete). Zero means "no limit" for that dimension. The
 * data plane counts bytes and packets; IKE's time-based rekeying with jitter is a separate,
 * configured concept ({@code org.meshsec.ike.config.RekeySchedule}) from which IKE derives the
 * limits it installs.
 *
 * @param seconds seconds since the SA was installed (in the SAD: since it became MATURE), 0 for
 *     none
 * @param bytes payload bytes (the inner packet before sealing, after opening), 0 for none
 * @param packets packets, 0 for none
 */
public record SaLifetime(long seconds, long bytes, long packets) {

  /** No limit at all. */
  public static final SaLifetime NONE = new SaLifetime(0, 0, 0);

  public SaLifetime {
    if (seconds < 0 || bytes < 0 || packets < 0) {
      throw new IllegalArgumentException("lifetime limits must be >= 0 (0 = none)");
    }
  }

  /** A time-only limit. */
  public static SaLifetime ofSeconds(long seconds) {
    return new SaLifetime(seconds, 0, 0);
  }

  /** Whether no dimension is limited. */
  public boolean isNone() {
    return seconds == 0 && bytes == 0 && packets == 0;
  }

  /** Whether each limited dimension of this one is at most that of {@code hard}. */
  public boolean notAbove(SaLifetime hard) {
    return le(seconds, hard.seconds) && le(bytes, hard.bytes) && le(packets, hard.packets);
  }

  /** The limits as logs show them: {@code 3600s/1000000B/0p}, or {@code none}. */
  @Override
  public String toString() {
    if (isNone()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    if (seconds != 0) {
      sb.append(seconds).append('s');
    }
    if (bytes != 0) {
      sb.append(sb.length() == 0 ? "" : "/").append(bytes).append('B');
    }
    if (packets != 0) {
      sb.append(sb.length() == 0 ? "" : "/").append(packets).append('p');
    }
    return sb.toString();
  }

  private static boolean le(long soft, long hard) {
    return soft == 0 || hard == 0 || soft <= hard;
  }
}
