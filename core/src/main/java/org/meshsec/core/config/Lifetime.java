package org.meshsec.core.config;

/**
 * An SA lifetime limit (RFC 4301 section 4.4.2.1, "SA lifetime"): the SA expires when any of the
 * non-zero limits is reached. A soft lifetime warns (and, with IKE, triggers a rekey); a hard
 * lifetime deletes the SA. Zero means no limit on that dimension.
 *
 * @param seconds age limit in seconds, 0 for none
 * @param bytes limit on bytes protected, 0 for none
 * @param packets limit on packets protected, 0 for none
 */
public record Lifetime(long seconds, long bytes, long packets) {
  /** No limit at all. */
  public static final Lifetime UNLIMITED = new Lifetime(0, 0, 0);

  public Lifetime {
    if (seconds < 0 || bytes < 0 || packets < 0) {
      throw new IllegalArgumentException("lifetime limits must be >= 0");
    }
  }

  /** Whether no dimension is limited. */
  public boolean isUnlimited() {
    return seconds == 0 && bytes == 0 && packets == 0;
  }
}
