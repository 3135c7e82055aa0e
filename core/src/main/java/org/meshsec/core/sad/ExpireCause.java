package org.meshsec.core.sad;

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
  LARVAL_TIMEOUT
}
