package org.meshsec.esp;

import java.util.HexFormat;

/** Test helper: hex strings with whitespace (as printed in RFCs) to bytes and back. */
public final class Hex {
  private Hex() {}

  /** Decodes hex, ignoring whitespace. */
  public static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
  }

  /** Lower-case hex without separators. */
  public static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Repeats a single byte value. */
  public static byte[] repeat(int value, int count) {
    byte[] b = new byte[count];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }
}
