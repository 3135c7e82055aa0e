package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string, used for every opaque field of an IKE payload (nonces, key exchange
 * data, SPIs, notification data, ...), so that payload records compare by content.
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
