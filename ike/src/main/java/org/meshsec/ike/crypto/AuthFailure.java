package org.meshsec.ike.crypto;

/**
 * Why an AUTH payload did not authenticate the peer (RFC 7296 section 2.15). The IKE layer answers
 * each with AUTHENTICATION_FAILED; the distinction is for logs and counters.
 */
public enum AuthFailure {
  /** The PSK-derived AUTH value differs from the one received. */
  MISMATCH,
  /** The signature does not verify with the peer's key. */
  BAD_SIGNATURE,
  /** The Authentication Data cannot be parsed (length octet, ASN.1, signature length). */
  MALFORMED,
  /** The authentication method is not implemented. */
  UNSUPPORTED_METHOD,
  /** The RFC 7427 AlgorithmIdentifier names an algorithm meshsec does not implement. */
  UNSUPPORTED_ALGORITHM,
  /** The algorithm is implemented but local policy does not accept it. */
  ALGORITHM_NOT_ALLOWED,
  /** The peer's key does not fit the method (RSA vs EC, or the wrong curve for RFC 4754). */
  WRONG_KEY
}
