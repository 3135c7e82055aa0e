package org.meshsec.ike.message;

import java.nio.ByteBuffer;

/**
 * Big-endian field access on a byte array, for the IKEv2 and the ISAKMP (IKEv1) codecs; callers
 * have checked the bounds. Stateless.
 */
public final class Wire {
  private Wire() {}

  public static int u8(byte[] b, int i) {
    return b[i] & 0xFF;
  }

  public static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  public static long u32(byte[] b, int i) {
    return ((long) u16(b, i) << 16) | u16(b, i + 2);
  }

  public static long u64(byte[] b, int i) {
    return (u32(b, i) << 32) | u32(b, i + 4);
  }

  public static void putU8(ByteBuffer out, int v) {
    out.put((byte) v);
  }

  public static void putU16(ByteBuffer out, int v) {
    out.putShort((short) v);
  }

  public static void putU32(ByteBuffer out, long v) {
    out.putInt((int) v);
  }

  public static void requireRange(String what, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(what + " out of range " + min + ".." + max + ": " + v);
    }
  }
}
