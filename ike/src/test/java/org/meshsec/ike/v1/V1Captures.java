package org.meshsec.ike.v1;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The strongSwan 5.9 IKEv1 recordings under {@code /captures/strongswan-ikev1/} (see the README
 * there): the messages in wire order and the initiator's logged key material.
 */
public final class V1Captures {
  private V1Captures() {}

  /** The throwaway PSK of the recordings. */
  public static final byte[] PSK =
      HexFormat.of()
          .parseHex(
              "6d65736873656320696b65763120696e7465726f702050534b2c206e6f74206120736563726574");

  /** Main Mode PSK, Quick Mode without PFS. */
  public static final String MAIN = "main-mode-psk";

  /** Aggressive Mode PSK, Quick Mode with PFS. */
  public static final String AGGRESSIVE = "aggressive-mode-psk";

  /** One labelled value of keys.log. */
  public record Key(String label, byte[] value) {}

  private static String text(String path) {
    try (InputStream in = V1Captures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String[] MAIN_FILES = {
    "01_id_prot_i2r",
    "02_id_prot_r2i",
    "03_id_prot_i2r",
    "04_id_prot_r2i",
    "05_id_prot_i2r",
    "06_id_prot_r2i",
    "07_quick_mode_i2r",
    "08_quick_mode_r2i",
    "09_quick_mode_i2r",
    "10_informational_i2r",
    "11_informational_r2i",
    "12_informational_i2r",
    "13_informational_r2i",
    "14_informational_i2r",
    "15_informational_i2r"
  };

  private static final String[] AGGRESSIVE_FILES = {
    "01_aggressive_i2r",
    "02_aggressive_r2i",
    "03_aggressive_i2r",
    "04_quick_mode_i2r",
    "05_quick_mode_r2i",
    "06_quick_mode_i2r",
    "07_informational_i2r",
    "08_informational_r2i",
    "09_informational_i2r",
    "10_informational_r2i",
    "11_informational_i2r",
    "12_informational_r2i",
    "13_informational_i2r",
    "14_informational_r2i",
    "15_informational_i2r",
    "16_informational_i2r"
  };

  /** The file names (without .hex) of a recording, in wire order. */
  public static List<String> files(String suite) {
    return List.of(suite.equals(MAIN) ? MAIN_FILES : AGGRESSIVE_FILES);
  }

  /** One message of a recording. */
  public static byte[] message(String suite, String file) {
    StringBuilder hex = new StringBuilder();
    for (String line :
        text("/captures/strongswan-ikev1/" + suite + "/" + file + ".hex").split("\n")) {
      if (!line.startsWith("#")) {
        hex.append(line.trim());
      }
    }
    return HexFormat.of().parseHex(hex.toString());
  }

  /** All messages of a recording, in wire order. */
  public static List<byte[]> messages(String suite) {
    List<byte[]> out = new ArrayList<>();
    for (String f : files(suite)) {
      out.add(message(suite, f));
    }
    return out;
  }

  /** keys.log of a recording, in log order. */
  public static List<Key> keys(String suite) {
    List<Key> out = new ArrayList<>();
    for (String line : text("/captures/strongswan-ikev1/" + suite + "/keys.log").split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int eq = line.lastIndexOf(" = ");
      out.add(new Key(line.substring(0, eq), HexFormat.of().parseHex(line.substring(eq + 3))));
    }
    return out;
  }

  /** The first logged value labelled {@code label}. */
  public static byte[] key(String suite, String label) {
    return keys(suite).stream()
        .filter(k -> k.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + label + " in " + suite))
        .value();
  }

  /** All logged values labelled {@code label}, in order. */
  public static List<byte[]> all(String suite, String label) {
    return keys(suite).stream().filter(k -> k.label().equals(label)).map(Key::value).toList();
  }
}
