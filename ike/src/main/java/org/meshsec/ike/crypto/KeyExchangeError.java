package org.meshsec.ike.crypto;

/**
 * Why a peer's Key Exchange Data was refused (RFC 6989 requires these checks; RFC 8031 section 2.1
 * the all-zero check for Curve25519). The IKE layer answers with INVALID_SYNTAX or
 * INVALID_KE_PAYLOAD as the exchange requires.
 */
public enum KeyExchangeError {
  /** The Key Exchange Data does not have the group's length. */
  WRONG_LENGTH,
  /** A MODP value outside 2..p-2, or an ECP coordinate not below the field prime. */
  OUT_OF_RANGE,
  /** The ECP coordinates do not satisfy the curve equation. */
  NOT_ON_CURVE,
  /** The result is degenerate: an all-zero X25519 output or the point at infinity. */
  ZERO_RESULT
}
