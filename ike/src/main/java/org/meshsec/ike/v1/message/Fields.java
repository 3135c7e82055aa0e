package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;

/** Big-endian field access on a byte array for the ISAKMP codec; callers have checked bounds. */
final class Fields {
  private Fields() {}

  static int u8(byte[] b, int i) {
    return b[i] & 0xFF;
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  static long u32(byte[] b, int i) {
    return ((long) u16(b, i) << 16) | u16(b, i + 2);
  }

  static long u64(byte[] b, int i) {
    return (u32(b, i) << 32) | u32(b, i + 4);
  }

  static void putU8(ByteBuffer out, int v) {
    out.put((byte) v);
  }

  static void putU16(ByteBuffer out, int v) {
    out.putShort((short) v);
  }

  static void putU32(ByteBuffer out, long v) {
    out.putInt((int) v);
  }

  static void requireRange(String what, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(what + " out of range " + min + ".." + max + ": " + v);
    }
  }
}
