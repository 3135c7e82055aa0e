package org.meshsec.esp;

/**
 * An IKEv2 Transform Type 1 (Encryption Algorithm) identifier from the IANA registry "Transform
 * Type 1 - Encryption Algorithm Transform IDs" (RFC 7296 section 3.3.2). A value type: lookup never
 * fails on an unknown number; {@link #isSupported()} says whether meshsec implements it.
 */
public record EncrAlgorithm(int id) {
  /** ENCR_NULL (RFC 2410); only valid with integrity, never configured by meshsec by default. */
  public static final EncrAlgorithm NULL = new EncrAlgorithm(11);

  /** ENCR_AES_CBC (RFC 3602). */
  public static final EncrAlgorithm AES_CBC = new EncrAlgorithm(12);

  /**
   * ENCR_AES_GCM_12: AES-GCM with a 12-byte ICV (RFC 4106, RFC 5282). Not offered for ESP ({@link
   * #isSupported()} is false); the engines make it for IKE's SK payload.
   */
  public static final EncrAlgorithm AES_GCM_12 = new EncrAlgorithm(19);

  /** ENCR_AES_GCM_16: AES-GCM with a 16-byte ICV (RFC 4106). */
  public static final EncrAlgorithm AES_GCM_16 = new EncrAlgorithm(20);

  /** ENCR_CHACHA20_POLY1305 (RFC 7634). */
  public static final EncrAlgorithm CHACHA20_POLY1305 = new EncrAlgorithm(28);

  public EncrAlgorithm {
    if (id < 0 || id > 0xFFFF) {
      throw new IllegalArgumentException("transform id out of range: " + id);
    }
  }

  /** Whether this is a combined-mode (AEAD) algorithm that needs no separate integrity. */
  public boolean isAead() {
    return id == AES_GCM_16.id || id == CHACHA20_POLY1305.id;
  }

  /** Whether meshsec implements this algorithm. */
  public boolean isSupported() {
    return id == AES_CBC.id || id == AES_GCM_16.id || id == CHACHA20_POLY1305.id;
  }

  /** IANA-style name, or {@code ENCR_<id>} when unknown. */
  public String name() {
    return switch (id) {
      case 11 -> "ENCR_NULL";
      case 12 -> "ENCR_AES_CBC";
      case 19 -> "ENCR_AES_GCM_12";
      case 20 -> "ENCR_AES_GCM_16";
      case 28 -> "ENCR_CHACHA20_POLY1305";
      default -> "ENCR_" + id;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
