package org.meshsec.ike.v1.task;

import java.util.Arrays;

/**
 * Nonce comparison for collisions (RFC 7296 section 2.8.1, applied to IKEv1 by this code base: of
 * two SAs made at once for the same purpose, the one whose exchange carried the lowest nonce is
 * redundant). Nonces compare as unsigned byte strings. Stateless.
 */
public final class Nonces {
  private Nonces() {}

  /** The lower of two nonces, unsigned; null if either is unknown. */
  static byte[] lowest(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return null;
    }
    return (Arrays.compareUnsigned(a, b) <= 0 ? a : b).clone();
  }

  /**
   * Whether the exchange with lowest nonce {@code mine} is the redundant one against the exchange
   * with lowest nonce {@code other}: {@code mine} is lower (ties: neither is redundant).
   */
  public static boolean redundant(byte[] mine, byte[] other) {
    return mine != null && other != null && Arrays.compareUnsigned(mine, other) < 0;
  }
}
