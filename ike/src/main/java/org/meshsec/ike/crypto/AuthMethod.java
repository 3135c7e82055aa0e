package org.meshsec.ike.crypto;

/**
 * An IKEv2 Authentication Method from the IANA registry (RFC 7296 section 3.8). A value type:
 * lookup never fails on an unknown number.
 *
 * @param id the method number, 0..255
 */
public record AuthMethod(int id) {

  /** RSA Digital Signature: RSASSA-PKCS1-v1_5 (RFC 7296 section 3.8; SHA-1 by convention). */
  public static final AuthMethod RSA_DIGITAL_SIGNATURE = new AuthMethod(1);

  /** Shared Key Message Integrity Code (RFC 7296 section 2.15). */
  public static final AuthMethod SHARED_KEY_MIC = new AuthMethod(2);

  /** DSS Digital Signature; not implemented. */
  public static final AuthMethod DSS_DIGITAL_SIGNATURE = new AuthMethod(3);

  /** ECDSA with SHA-256 on the P-256 curve (RFC 4754). */
  public static final AuthMethod ECDSA_SHA256_P256 = new AuthMethod(9);

  /** ECDSA with SHA-384 on the P-384 curve (RFC 4754). */
  public static final AuthMethod ECDSA_SHA384_P384 = new AuthMethod(10);

  /** ECDSA with SHA-512 on the P-521 curve (RFC 4754). */
  public static final AuthMethod ECDSA_SHA512_P521 = new AuthMethod(11);

  /** NULL Authentication (RFC 7619); not implemented. */
  public static final AuthMethod NULL_AUTH = new AuthMethod(13);

  /** Digital Signature with an AlgorithmIdentifier (RFC 7427). */
  public static final AuthMethod DIGITAL_SIGNATURE = new AuthMethod(14);

  public AuthMethod {
    if (id < 0 || id > 0xFF) {
      throw new IllegalArgumentException("auth method out of range: " + id);
    }
  }

  /** Whether {@link IkeAuth} implements this method. */
  public boolean isSupported() {
    return id == 1 || id == 2 || id == 9 || id == 10 || id == 11 || id == 14;
  }

  /** IANA-style name, or {@code AUTH_METHOD_<id>} when unknown. */
  public String name() {
    return switch (id) {
      case 1 -> "RSA_DIGITAL_SIGNATURE";
      case 2 -> "SHARED_KEY_MIC";
      case 3 -> "DSS_DIGITAL_SIGNATURE";
      case 9 -> "ECDSA_SHA256_P256";
      case 10 -> "ECDSA_SHA384_P384";
      case 11 -> "ECDSA_SHA512_P521";
      case 12 -> "GENERIC_SECURE_PASSWORD";
      case 13 -> "NULL_AUTH";
      case 14 -> "DIGITAL_SIGNATURE";
      default -> "AUTH_METHOD_" + id;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
