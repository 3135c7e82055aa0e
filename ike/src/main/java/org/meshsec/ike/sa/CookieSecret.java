package org.meshsec.ike.sa;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The node's secret for stateless cookies (RFC 7296 section 2.6: the responder can recompute a
 * COOKIE from the request without keeping state), with the version number that tells which secret a
 * cookie was made with. One per engine, shared by every protocol version the {@link IkeFront}
 * serves; each version chooses what its cookie covers.
 *
 * <p>Immutable and thread-safe.
 */
public final class CookieSecret {
  private final byte[] secret = new byte[32];
  private final int version;

  CookieSecret(SecureRandom random) {
    random.nextBytes(secret);
    this.version = random.nextInt();
  }

  /** The version of this secret (the first four bytes of an IKEv2 COOKIE). */
  public int version() {
    return version;
  }

  /** SHA-256 over {@code parts} in order, then the secret. */
  public byte[] digest(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        sha.update(p);
      }
      sha.update(secret);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
