package org.meshsec.esp.crypto;

import java.nio.ByteBuffer;

/**
 * A keyed HMAC-SHA-2 (RFC 2104, RFC 4231) used as the ESP integrity algorithm; the ESP transform
 * truncates its output to the ICV length (RFC 4868 section 2.3).
 *
 * <p>Usage per packet: {@link #update} any number of times, then {@link #doFinal}, which also
 * resets the MAC for the next packet with the same key.
 *
 * <p><b>Not thread-safe.</b>
 */
public interface IcvMac extends AutoCloseable {

  /** Full (untruncated) output length in bytes: 32, 48 or 64. */
  int macLength();

  /** Feeds {@code b[off, off+len)}. */
  void update(byte[] b, int off, int len);

  /**
   * Feeds {@code buf[off, off+len)} (absolute offsets below the limit; position and limit are left
   * unchanged).
   */
  void update(ByteBuffer buf, int off, int len);

  /** Writes the full {@link #macLength()} bytes at {@code out[outOff]} and resets. */
  void doFinal(byte[] out, int outOff);

  /** Drops and, where the provider allows, overwrites the key material. Idempotent. */
  @Override
  void close();

  /**
   * Compares {@code a[aOff, aOff+len)} with {@code b[bOff, bOff+len)} in time that depends only on
   * {@code len}, so that a forged ICV learns nothing from the timing of its rejection.
   */
  static boolean constantTimeEquals(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int diff = 0;
    for (int i = 0; i < len; i++) {
      diff |= a[aOff + i] ^ b[bOff + i];
    }
    return diff == 0;
  }
}
