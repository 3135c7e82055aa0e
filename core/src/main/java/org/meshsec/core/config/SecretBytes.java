package org.meshsec.core.config;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Key material read from the secrets file. The bytes never appear in {@link #toString()}, in {@link
 * #hashCode()} or in any error message; {@link #equals} compares contents in time that does not
 * depend on where they differ ({@link MessageDigest#isEqual}); {@link #wipe()} overwrites them with
 * zeros.
 *
 * <p>Limitation: the TOML parser hands the hex text over as an immutable {@link String}, which
 * cannot be wiped and lives until the garbage collector reclaims it. Only the decoded copy held
 * here is wiped.
 *
 * <p>Thread-safe: all methods synchronize on the instance, so a {@link #wipe()} never tears a
 * concurrent {@link #copy()}.
 */
public final class SecretBytes {
  private final byte[] bytes;
  private boolean wiped;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A holder for a copy of {@code bytes}; the caller still owns (and should wipe) its array. */
  public static SecretBytes copyOf(byte[] bytes) {
    return new SecretBytes(bytes.clone());
  }

  /** Takes ownership of {@code bytes} without copying. */
  static SecretBytes adopt(byte[] bytes) {
    return new SecretBytes(bytes);
  }

  /** Number of bytes (not secret). */
  public int length() {
    return bytes.length;
  }

  /**
   * A fresh copy of the bytes, which the caller owns and should wipe when done.
   *
   * @throws IllegalStateException after {@link #wipe()}
   */
  public synchronized byte[] copy() {
    if (wiped) {
      throw new IllegalStateException("key material has been wiped");
    }
    return bytes.clone();
  }

  /** Overwrites the bytes with zeros; later {@link #copy()} calls fail. Idempotent. */
  public synchronized void wipe() {
    Arrays.fill(bytes, (byte) 0);
    wiped = true;
  }

  /** Whether {@link #wipe()} was called. */
  public synchronized boolean isWiped() {
    return wiped;
  }

  /**
   * Content equality in time independent of the contents (lengths are not secret and may end the
   * comparison early).
   */
  public boolean contentEquals(SecretBytes other) {
    if (other == this) {
      return true;
    }
    byte[] mine;
    byte[] theirs;
    synchronized (this) {
      mine = bytes.clone();
    }
    synchronized (other) {
      theirs = other.bytes.clone();
    }
    try {
      return MessageDigest.isEqual(mine, theirs);
    } finally {
      Arrays.fill(mine, (byte) 0);
      Arrays.fill(theirs, (byte) 0);
    }
  }

  /** Same as {@link #contentEquals}, so records holding keys compare by key content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SecretBytes s && contentEquals(s);
  }

  /** Depends on the length only, never on the bytes. */
  @Override
  public int hashCode() {
    return bytes.length;
  }

  @Override
  public String toString() {
    return "SecretBytes[" + bytes.length + " bytes, redacted]";
  }
}
