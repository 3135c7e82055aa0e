package org.meshsec.esp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated ESP cryptographic suite: an encryption algorithm with its key size and, unless the
 * cipher is AEAD, an integrity algorithm. Encryption without integrity and MAC-then-encrypt cannot
 * be expressed: {@link #of} refuses them, and ESP always runs encrypt-then-MAC (RFC 4303 section
 * 3.3.2).
 *
 * <p>Key material layout for {@link EspSaParams#keyMaterial()}, in the order RFC 7296 section 2.17
 * takes it from KEYMAT: encryption key, then (GCM, ChaCha20-Poly1305) the 4-byte salt (RFC 4106
 * section 8.1, RFC 7634 section 2), then the integrity key.
 *
 * @param encr encryption transform
 * @param keyBits encryption key size in bits (128 or 256 for AES, 256 for ChaCha20)
 * @param integ integrity transform, {@link IntegAlgorithm#NONE} for AEAD
 */
public record EspSuite(EncrAlgorithm encr, int keyBits, IntegAlgorithm integ) {

  public static final EspSuite AES128_GCM16 =
      new EspSuite(EncrAlgorithm.AES_GCM_16, 128, IntegAlgorithm.NONE);
  public static final EspSuite AES256_GCM16 =
      new EspSuite(EncrAlgorithm.AES_GCM_16, 256, IntegAlgorithm.NONE);
  public static final EspSuite AES128_CBC_SHA256 =
      new EspSuite(EncrAlgorithm.AES_CBC, 128, IntegAlgorithm.HMAC_SHA2_256_128);
  public static final EspSuite AES256_CBC_SHA256 =
      new EspSuite(EncrAlgorithm.AES_CBC, 256, IntegAlgorithm.HMAC_SHA2_256_128);
  public static final EspSuite CHACHA20_POLY1305 =
      new EspSuite(EncrAlgorithm.CHACHA20_POLY1305, 256, IntegAlgorithm.NONE);

  /**
   * Every suite meshsec implements: AES-GCM-16 and ChaCha20-Poly1305 (AEAD), and AES-CBC with each
   * HMAC-SHA2 integrity transform, in a fixed order.
   */
  public static List<EspSuite> supported() {
    List<EspSuite> out = new ArrayList<>();
    out.add(AES128_GCM16);
    out.add(AES256_GCM16);
    out.add(CHACHA20_POLY1305);
    for (int bits : new int[] {128, 256}) {
      for (IntegAlgorithm integ :
          List.of(
              IntegAlgorithm.HMAC_SHA2_256_128,
              IntegAlgorithm.HMAC_SHA2_384_192,
              IntegAlgorithm.HMAC_SHA2_512_256)) {
        out.add(new EspSuite(EncrAlgorithm.AES_CBC, bits, integ));
      }
    }
    return List.copyOf(out);
  }

  public EspSuite {
    String why = problem(encr, keyBits, integ);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  /** Returns why the combination is not acceptable, or null when it is. */
  public static String problem(EncrAlgorithm encr, int keyBits, IntegAlgorithm integ) {
    if (encr == null || integ == null) {
      return "encryption and integrity must be given";
    }
    if (!encr.isSupported()) {
      return "unsupported encryption algorithm " + encr;
    }
    if (!integ.isSupported()) {
      return "unsupported integrity algorithm " + integ;
    }
    if (encr.isAead() && !integ.equals(IntegAlgorithm.NONE)) {
      return encr + " is an AEAD cipher and takes no separate integrity algorithm";
    }
    if (!encr.isAead() && integ.equals(IntegAlgorithm.NONE)) {
      return encr + " without integrity is refused (RFC 4303 section 3.2)";
    }
    boolean sizeOk =
        encr.equals(EncrAlgorithm.CHACHA20_POLY1305)
            ? keyBits == 256
            : (keyBits == 128 || keyBits == 256);
    if (!sizeOk) {
      return "key size " + keyBits + " is not valid for " + encr;
    }
    return null;
  }

  /**
   * Parses the names used in the config file and by strongSwan's proposal syntax: {@code
   * aes128gcm16}, {@code aes256gcm16}, {@code chacha20poly1305}, {@code aes128-sha256}, {@code
   * aes256-sha256}, {@code aes128-sha384}, {@code aes256-sha512}, ... Returns null on an unknown
   * name.
   */
  public static EspSuite parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "aes128gcm16":
      case "aes128gcm":
        return AES128_GCM16;
      case "aes256gcm16":
      case "aes256gcm":
        return AES256_GCM16;
      case "chacha20poly1305":
        return CHACHA20_POLY1305;
      default:
        break;
    }
    int dash = n.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String enc = n.substring(0, dash);
    String mac = n.substring(dash + 1);
    int bits;
    if (enc.equals("aes128") || enc.equals("aes128cbc")) {
      bits = 128;
    } else if (enc.equals("aes256") || enc.equals("aes256cbc")) {
      bits = 256;
    } else {
      return null;
    }
    IntegAlgorithm integ =
        switch (mac) {
          case "sha256", "sha2_256" -> IntegAlgorithm.HMAC_SHA2_256_128;
          case "sha384", "sha2_384" -> IntegAlgorithm.HMAC_SHA2_384_192;
          case "sha512", "sha2_512" -> IntegAlgorithm.HMAC_SHA2_512_256;
          default -> null;
        };
    return integ == null ? null : new EspSuite(EncrAlgorithm.AES_CBC, bits, integ);
  }

  /** Encryption key length in bytes, without salt. */
  public int encKeyLength() {
    return keyBits / 8;
  }

  /** Salt length in bytes taken from the key material after the encryption key (AEAD: 4). */
  public int saltLength() {
    return encr.isAead() ? 4 : 0;
  }

  /** Integrity key length in bytes (0 for AEAD). */
  public int integKeyLength() {
    return integ.keyLength();
  }

  /** Total key material in bytes this suite takes from KEYMAT (or a manual key). */
  public int keyMaterialLength() {
    return encKeyLength() + saltLength() + integKeyLength();
  }

  /** IV length carried in each packet: 8 for GCM and ChaCha20-Poly1305, 16 for CBC. */
  public int ivLength() {
    return encr.isAead() ? 8 : 16;
  }

  /**
   * Alignment of payload + padding + 2-byte trailer: the cipher's block size for CBC (16), 4 for
   * the stream-like AEADs (RFC 4303 section 2.4).
   */
  public int blockSize() {
    return encr.equals(EncrAlgorithm.AES_CBC) ? 16 : 4;
  }

  /** ICV length in bytes: 16 for the AEADs, the truncated HMAC length otherwise. */
  public int icvLength() {
    return encr.isAead() ? 16 : integ.icvLength();
  }

  /** ESP header (SPI + sequence) plus IV: the bytes placed in front of the payload. */
  public int headerLength() {
    return 8 + ivLength();
  }

  /** Maximum bytes after the payload: padding up to blockSize-1, pad length, next header, ICV. */
  public int maxTrailerLength() {
    return blockSize() - 1 + 2 + icvLength();
  }

  /** Canonical config name, e.g. {@code aes128gcm16} or {@code aes128-sha256}. */
  public String configName() {
    if (encr.equals(EncrAlgorithm.CHACHA20_POLY1305)) {
      return "chacha20poly1305";
    }
    if (encr.isAead()) {
      return "aes" + keyBits + "gcm16";
    }
    return "aes" + keyBits + "-sha" + (integ.keyLength() * 8);
  }

  @Override
  public String toString() {
    return configName();
  }
}
