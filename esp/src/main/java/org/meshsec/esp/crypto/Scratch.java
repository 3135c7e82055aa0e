package org.meshsec.esp.crypto;

import java.nio.ByteBuffer;

/**
 * Helpers for the two buffer shapes the engines see: heap buffers, processed in their backing
 * array, and direct buffers, which array-only APIs (Bouncy Castle, JCA CBC) process through a
 * per-object scratch array that grows to the largest packet seen and is then reused.
 *
 * <p>Not thread-safe; one instance per cipher object.
 */
final class Scratch {
  private byte[] array = new byte[0];

  /** Returns a scratch array of at least {@code len} bytes (allocating only when it must grow). */
  byte[] get(int len) {
    if (array.length < len) {
      array = new byte[Math.max(len, 2048)];
    }
    return array;
  }

  /** Copies {@code buf[off, off+len)} into the scratch array at 0 and returns the array. */
  byte[] load(ByteBuffer buf, int off, int len) {
    byte[] a = get(len);
    buf.get(off, a, 0, len);
    return a;
  }

  /** Copies {@code scratch[0, len)} back into {@code buf[off, off+len)}. */
  void store(ByteBuffer buf, int off, int len) {
    buf.put(off, array, 0, len);
  }

  /** Zeroes the scratch array (it may have held plaintext). */
  void wipe() {
    java.util.Arrays.fill(array, (byte) 0);
  }
}
