package org.meshsec.core.sad;

/** Outcome of a {@link KeyEngine} operation: a value, never an exception, for key management. */
public enum SadStatus {
  /** Done. */
  OK,
  /** No SA with that direction, SPI (and, outbound, peer). */
  NO_SUCH_SA,
  /** {@code add}: an SA with that SPI already exists (inbound: any; outbound: for that peer). */
  SPI_IN_USE,
  /** {@code update}: the SA is not LARVAL (already updated, or DEAD). */
  NOT_LARVAL,
  /** {@code update} of an outbound SA: only inbound SAs come from {@code getSpi}. */
  WRONG_DIRECTION,
  /**
   * The ESP transform could not be built from the spec (e.g. the crypto engine refused the key).
   * The SA is unchanged (a LARVAL SA stays LARVAL).
   */
  TRANSFORM_FAILED
}
