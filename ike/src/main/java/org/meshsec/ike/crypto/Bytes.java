package org.meshsec.ike.crypto;

import java.math.BigInteger;

/** Small byte helpers shared by the package. */
final class Bytes {
  private Bytes() {}

  /** Unsigned big-endian encoding of {@code v} left-padded with zeros to exactly {@code len}. */
  static byte[] fixed(BigInteger v, int len) {
    byte[] raw = v.toByteArray();
    if (raw.length == len) {
      return raw;
    }
    byte[] out = new byte[len];
    if (raw.length > len) {
      // Only a leading sign byte may be dropped.
      int extra = raw.length - len;
      for (int i = 0; i < extra; i++) {
        if (raw[i] != 0) {
          throw new IllegalArgumentException("value does not fit in " + len + " bytes");
        }
      }
      System.arraycopy(raw, extra, out, 0, len);
    } else {
      System.arraycopy(raw, 0, out, len - raw.length, raw.length);
    }
    java.util.Arrays.fill(raw, (byte) 0);
    return out;
  }

  /** Concatenation of the given arrays. */
  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  /** The 8 bytes of {@code v}, big-endian (an IKE SPI on the wire). */
  static byte[] spi(long v) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }

  /** Whether every byte is zero, in time independent of the contents. */
  static boolean allZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }
}
