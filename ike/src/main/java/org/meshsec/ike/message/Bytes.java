package org.meshsec.ike.message;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string, used for every opaque field of an IKE payload (nonces, key exchange
 * data, SPIs, notification data, ...), so that payload records compare by content; plus the few
 * static {@code byte[]} helpers the rest of the {@code ike} module shares ({@link #concat}, {@link
 * #unsignedFixed}, {@link #bigEndian64}, {@link #isAllZero}, {@link #compareNonces}). This is the
 * one byte helper of the module: the crypto package used to have its own.
 *
 * <p>{@link #toString()} prints at most 32 bytes of hex. Nothing in an IKE message is key material
 * (keys are derived, never sent), but callers must not wrap secrets in this type anyway.
 *
 * <p>Immutable and thread-safe.
 */
public final class Bytes {
  /** The empty byte string. */
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private static final HexFormat HEX = HexFormat.of();
  private static final int TO_STRING_LIMIT = 32;

  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  /** A copy of {@code bytes}. */
  public static Bytes of(byte... bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** A copy of {@code length} bytes of {@code src} starting at {@code offset}. */
  public static Bytes copyOf(byte[] src, int offset, int length) {
    return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(src, offset, offset + length));
  }

  /** Parses lower- or upper-case hex without separators. */
  public static Bytes fromHex(String hex) {
    return wrap(HEX.parseHex(hex));
  }

  /** Takes ownership of {@code bytes} without copying; the caller must not modify it afterwards. */
  static Bytes wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes);
  }

  /** Concatenation of the given arrays into a fresh array. */
  public static byte[] concat(byte[]... parts) {
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

  /**
   * Unsigned big-endian encoding of {@code v} left-padded with zeros to exactly {@code length}
   * bytes (a MODP or ECP value in a KE payload, RFC 7296 section 3.4). The intermediate array is
   * wiped, since the value may be a shared secret.
   *
   * @throws IllegalArgumentException if {@code v} does not fit
   */
  public static byte[] unsignedFixed(BigInteger v, int length) {
    byte[] raw = v.toByteArray();
    if (raw.length == length) {
      return raw;
    }
    byte[] out = new byte[length];
    if (raw.length > length) {
      int extra = raw.length - length;
      for (int i = 0; i < extra; i++) {
        if (raw[i] != 0) {
          throw new IllegalArgumentException("value does not fit in " + length + " bytes");
        }
      }
      System.arraycopy(raw, extra, out, 0, length);
    } else {
      System.arraycopy(raw, 0, out, length - raw.length, raw.length);
    }
    Arrays.fill(raw, (byte) 0);
    return out;
  }

  /** The 8 bytes of {@code v}, big-endian (an IKE SPI on the wire, RFC 7296 section 3.1). */
  public static byte[] bigEndian64(long v) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }

  /** Whether every byte is zero, in time independent of the contents. */
  public static boolean isAllZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }

  /**
   * Compares two nonces as RFC 7296 section 2.8.1 prescribes for rekey collisions: octet by octet
   * as unsigned values; if one nonce is a prefix of the other, the shorter one is lower.
   *
   * @return negative, zero or positive as {@code a} is lower than, equal to or higher than {@code
   *     b}
   */
  public static int compareNonces(Bytes a, Bytes b) {
    return Arrays.compareUnsigned(a.data, b.data);
  }

  public int length() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  public byte get(int index) {
    return data[index];
  }

  /** The byte at {@code index} as an unsigned value 0..255. */
  public int getUnsigned(int index) {
    return data[index] & 0xFF;
  }

  /** A fresh copy of the content. */
  public byte[] toByteArray() {
    return data.clone();
  }

  /** Copies the content into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(data, 0, dst, offset, data.length);
  }

  /** Writes the content at the buffer's position. */
  public void writeTo(ByteBuffer out) {
    out.put(data);
  }

  /** Bytes {@code from} (inclusive) to {@code to} (exclusive). */
  public Bytes slice(int from, int to) {
    return copyOf(data, from, to - from);
  }

  /** Big-endian unsigned value of a 1..8 byte string (SPIs). */
  public long toLong() {
    if (data.length == 0 || data.length > 8) {
      throw new IllegalStateException("not a 1..8 byte value: " + data.length + " bytes");
    }
    long v = 0;
    for (byte b : data) {
      v = (v << 8) | (b & 0xFF);
    }
    return v;
  }

  /** Lower-case hex of the whole content. */
  public String toHex() {
    return HEX.formatHex(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    if (data.length <= TO_STRING_LIMIT) {
      return HEX.formatHex(data);
    }
    return HEX.formatHex(data, 0, TO_STRING_LIMIT) + "..(" + data.length + " bytes)";
  }
}
