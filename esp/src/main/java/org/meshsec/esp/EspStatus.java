package org.meshsec.esp;

/**
 * Outcome of {@link EspContext#seal} and {@link EspContext#open}. Every failure is a value, never
 * an exception: the caller counts it (core maps each to an xfrm_stat-style counter) and drops the
 * packet.
 */
public enum EspStatus {
  /** Success. */
  OK,
  /** Datagram shorter than SPI + sequence + IV + minimum trailer + ICV (RFC 4303 section 2). */
  TRUNCATED,
  /** Ciphertext length is not a multiple of the cipher's block size (RFC 3602 section 3). */
  BAD_LENGTH,
  /** Sequence number already seen or left of the window (RFC 4303 section 3.4.3). */
  REPLAY,
  /** Integrity check value did not verify (RFC 4303 section 3.4.4). */
  ICV_MISMATCH,
  /** Pad length larger than the decrypted payload allows (RFC 4303 section 2.5). */
  BAD_PAD_LENGTH,
  /** Padding bytes are not the monotonic sequence 1, 2, 3, ... (RFC 4303 section 2.4). */
  BAD_PADDING,
  /**
   * Outbound sequence number space exhausted (2^32-1 without ESN, 2^64-1 with): the SA must be
   * rekeyed and refuses to send (RFC 4303 section 3.3.3).
   */
  SEQ_EXHAUSTED,
  /** The buffer lacks the head- or tailroom the transform needs ({@link EspContext#headroom}). */
  NO_ROOM,
  /** The context was closed (keys wiped). */
  CLOSED
}
