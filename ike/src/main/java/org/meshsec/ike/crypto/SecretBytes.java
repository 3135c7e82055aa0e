package org.meshsec.ike.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A wipeable holder for secret bytes: shared secrets (g^ir), SKEYSEED, SK_* keys, KEYMAT and
 * pre-shared keys. {@link #toString()} shows only the length; {@link #wipe()} overwrites the bytes
 * with zeros, after which every accessor throws {@link IllegalStateException}.
 *
 * <p>Not thread-safe: one owner wipes it (typically when its SA is deleted, STYLE.md "Key bytes are
 * wiped when an SA is deleted"). Copies handed out by {@link #copy()} belong to the caller, who
 * wipes them.
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

  /** Copies all of {@code src}; the source is not changed. */
  public static SecretBytes copyOf(byte[] src) {
    return new SecretBytes(src.clone());
  }

  /** Number of bytes held (still known after wiping). */
  public int length() {
    return bytes.length;
  }

  /** A copy of the bytes, owned (and to be wiped) by the caller. */
  public byte[] copy() {
    check();
    return bytes.clone();
  }

  /** A new holder with a copy of {@code length} bytes at {@code offset}. */
  public SecretBytes slice(int offset, int length) {
    check();
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException("slice out of range");
    }
    return copyOf(bytes, offset, length);
  }

  /**
   * The backing array, for passing to a cipher or MAC without a copy. The caller must neither keep
   * nor modify it.
   */
  byte[] unsafeArray() {
    check();
    return bytes;
  }

  /** Constant-time comparison of the contents with {@code other}. */
  public boolean contentEquals(byte[] other) {
    check();
    return MessageDigest.isEqual(bytes, other);
  }

  /** Whether {@link #wipe()} has been called. */
  public boolean isWiped() {
    return wiped;
  }

  /** Overwrites the bytes with zeros. Idempotent. */
  public void wipe() {
    Arrays.fill(bytes, (byte) 0);
    wiped = true;
  }

  /** Same as {@link #wipe()}. */
  @Override
  public void close() {
    wipe();
  }

  private void check() {
    if (wiped) {
      throw new IllegalStateException("secret has been wiped");
    }
  }

  /** Never shows the contents. */
  @Override
  public String toString() {
    return wiped ? "SecretBytes[wiped]" : "SecretBytes[" + bytes.length + " bytes]";
  }
}
