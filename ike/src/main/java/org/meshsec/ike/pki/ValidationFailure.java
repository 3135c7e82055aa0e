package org.meshsec.ike.pki;

/** Why a peer certificate was not trusted. */
public enum ValidationFailure {
  /** A certificate on the path (or the CA certificate itself) has expired. */
  EXPIRED,
  /** A certificate on the path (or the CA certificate) is not valid yet. */
  NOT_YET_VALID,
  /** No path leads to a configured CA, and the certificate is not pinned. */
  UNTRUSTED,
  /** A signature on the path does not verify. */
  BAD_SIGNATURE,
  /**
   * Any other PKIX failure: an intermediate that is not a CA, a path too long, a key usage that
   * forbids signing certificates, an unknown critical extension, a disabled algorithm.
   */
  INVALID_PATH
}
