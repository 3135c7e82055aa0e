package org.meshsec.esp;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A wipeable holder for key material: pre-shared keys and manual SA keys read from the secrets
 * file, IKE shared secrets (g^ir), SKEYSEED, SK_* keys and KEYMAT.
 *
 * <p>The bytes never appear in {@link #toString()} (only the length does), in {@link #hashCode()}
 * (the length) or in an exception message. {@link #equals} and {@link #contentEquals} compare
 * contents in time that does not depend on where they differ ({@link MessageDigest#isEqual}), so
 * records holding keys compare by key content. {@link #wipe()} (or {@link #close()}) overwrites the
 * bytes with zeros, after which every accessor of the contents throws {@link
 * IllegalStateException}; the owner wipes when the SA or the configuration that holds it goes away.
 * Copies handed out by {@link #copy()} belong to the caller, who wipes them.
 *
 * <p>Where the bytes came from a {@link String} (hex text from a parser), that string cannot be
 * wiped and lives until the garbage collector reclaims it; only the decoded copy held here is.
 *
 * <p>Thread-safe: every access to the bytes synchronizes on the instance, so a {@link #wipe()}
 * never tears a concurrent {@link #copy()} or {@link #withBytes}.
 */
public final class SecretBytes implements AutoCloseable {

  private final byte[] bytes;
  private boolean wiped;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps {@code bytes} without copying: the holder now owns the array and will wipe it. */
  public static SecretBytes wrap(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("bytes must not be null");
    }
    return new SecretBytes(bytes);
  }

  /** Copies {@code length} bytes from {@code src} at {@code offset}; the source is not changed. */
  public static SecretBytes copyOf(byte[] src, int offset, int length) {
    return new SecretBytes(Arrays.copyOfRange(src, offset, offset + length));
  }

  /** Copies all of {@code src}; the caller still owns (and should wipe) its array. */
  public static SecretBytes copyOf(byte[] src) {
    return new SecretBytes(src.clone());
  }

  /** Number of bytes held (not secret; still known after wiping). */
  public int length() {
    return bytes.length;
  }

  /**
   * A fresh copy of the bytes, which the caller owns and wipes when done.
   *
   * @throws IllegalStateException after {@link #wipe()}
   */
  public synchronized byte[] copy() {
    check();
    return bytes.clone();
  }

  /**
   * A new holder with a copy of {@code length} bytes at {@code offset}.
   *
   * @throws IllegalStateException after {@link #wipe()}
   */
  public synchronized SecretBytes slice(int offset, int length) {
    check();
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException("slice out of range");
    }
    return copyOf(bytes, offset, length);
  }

  /**
   * Applies {@code use} to the backing array under this holder's lock, for passing the key to a
   * cipher or MAC without a copy. {@code use} must neither keep nor modify the array.
   *
   * @throws IllegalStateException after {@link #wipe()}
   */
  public synchronized <T> T withBytes(Function<byte[], T> use) {
    check();
    return use.apply(bytes);
  }

  /** Constant-time comparison of the contents with {@code other}. */
  public synchronized boolean contentEquals(byte[] other) {
    check();
    return MessageDigest.isEqual(bytes, other);
  }

  /**
   * Content equality in time independent of the contents (lengths are not secret and may end the
   * comparison early). Wiped holders compare by their (zeroed) bytes.
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

  /** Whether {@link #wipe()} has been called. */
  public synchronized boolean isWiped() {
    return wiped;
  }

  /** Overwrites the bytes with zeros. Idempotent. */
  public synchronized void wipe() {
    Arrays.fill(bytes, (byte) 0);
    wiped = true;
  }

  /** Same as {@link #wipe()}. */
  @Override
  public void close() {
    wipe();
  }

  /** Same as {@link #contentEquals(SecretBytes)}. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SecretBytes s && contentEquals(s);
  }

  /** Depends on the length only, never on the bytes. */
  @Override
  public int hashCode() {
    return bytes.length;
  }

  /** The length only, never the contents. */
  @Override
  public synchronized String toString() {
    return wiped ? "SecretBytes[wiped]" : "SecretBytes[" + bytes.length + " bytes, redacted]";
  }

  private void check() {
    if (wiped) {
      throw new IllegalStateException("secret has been wiped");
    }
  }
}
