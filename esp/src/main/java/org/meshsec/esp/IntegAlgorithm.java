package org.meshsec.esp;

/**
 * An IKEv2 Transform Type 3 (Integrity Algorithm) identifier from the IANA registry (RFC 7296
 * section 3.3.2; HMAC-SHA2 ids from RFC 4868 section 2.4). A value type: lookup never fails on an
 * unknown number.
 */
public record IntegAlgorithm(int id) {
  /** NONE: only valid together with an AEAD encryption algorithm. */
  public static final IntegAlgorithm NONE = new IntegAlgorithm(0);

  /**
   * AUTH_HMAC_SHA1_96 (RFC 2404): 20-byte key, 12-byte ICV. Not offered for ESP ({@link
   * #isSupported()} is false); the engines make it for IKE peers that negotiate it.
   */
  public static final IntegAlgorithm HMAC_SHA1_96 = new IntegAlgorithm(2);

  /** AUTH_HMAC_SHA2_256_128 (RFC 4868): 32-byte key, 16-byte ICV. */
  public static final IntegAlgorithm HMAC_SHA2_256_128 = new IntegAlgorithm(12);

  /** AUTH_HMAC_SHA2_384_192 (RFC 4868): 48-byte key, 24-byte ICV. */
  public static final IntegAlgorithm HMAC_SHA2_384_192 = new IntegAlgorithm(13);

  /** AUTH_HMAC_SHA2_512_256 (RFC 4868): 64-byte key, 32-byte ICV. */
  public static final IntegAlgorithm HMAC_SHA2_512_256 = new IntegAlgorithm(14);

  public IntegAlgorithm {
    if (id < 0 || id > 0xFFFF) {
      throw new IllegalArgumentException("transform id out of range: " + id);
    }
  }

  /** Whether meshsec implements this algorithm (NONE counts as supported). */
  public boolean isSupported() {
    return id == 0 || (id >= 12 && id <= 14);
  }

  /** Key length in bytes (RFC 2404 section 2, RFC 4868 section 2.1.1), 0 for NONE or unknown. */
  public int keyLength() {
    return switch (id) {
      case 2 -> 20;
      case 12 -> 32;
      case 13 -> 48;
      case 14 -> 64;
      default -> 0;
    };
  }

  /**
   * Truncated ICV length in bytes (RFC 2404 section 2, RFC 4868 section 2.3), 0 for NONE or
   * unknown.
   */
  public int icvLength() {
    return id == 2 ? 12 : keyLength() / 2;
  }

  /** JCA MAC name for the underlying HMAC, or null for NONE or unknown. */
  public String jcaName() {
    return switch (id) {
      case 2 -> "HmacSHA1";
      case 12 -> "HmacSHA256";
      case 13 -> "HmacSHA384";
      case 14 -> "HmacSHA512";
      default -> null;
    };
  }

  /** IANA-style name, or {@code AUTH_<id>} when unknown. */
  public String name() {
    return switch (id) {
      case 0 -> "NONE";
      case 2 -> "AUTH_HMAC_SHA1_96";
      case 12 -> "AUTH_HMAC_SHA2_256_128";
      case 13 -> "AUTH_HMAC_SHA2_384_192";
      case 14 -> "AUTH_HMAC_SHA2_512_256";
      default -> "AUTH_" + id;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
