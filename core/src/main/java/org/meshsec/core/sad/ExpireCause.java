package org.meshsec.core.sad;

import org.meshsec.esp.SaLifetime;

/** Why an SA reached DYING or DEAD, carried by the expire events for logs and key management. */
public enum ExpireCause {
  /** The time limit of the lifetime. */
  TIME,
  /** The byte limit of the lifetime. */
  BYTES,
  /** The packet limit of the lifetime. */
  PACKETS,
  /** The outbound sequence number space is used up (RFC 4303 section 3.3.3). */
  SEQUENCE,
  /** A LARVAL SA from {@code getSpi} was never updated within the acquire timeout. */
  LARVAL_TIMEOUT;

  /**
   * The first limit of {@code lifetime} reached by an SA of this age and these counts, or null.
   *
   * @param ageMillis milliseconds since the SA became MATURE, or -1 to check only the counters
   */
  static ExpireCause reached(SaLifetime lifetime, long ageMillis, long bytes, long packets) {
    if (lifetime.packets() != 0 && packets >= lifetime.packets()) {
      return PACKETS;
    }
    if (lifetime.bytes() != 0 && bytes >= lifetime.bytes()) {
      return BYTES;
    }
    if (lifetime.seconds() != 0 && ageMillis >= lifetime.seconds() * 1000L) {
      return TIME;
    }
    return null;
  }
}
