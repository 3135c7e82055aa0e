package org.meshsec.ike.message;

/**
 * An authentication method from the IANA registry "IKEv2 Authentication Method" (RFC 7296 section
 * 3.8; ECDSA from RFC 4754; DIGITAL_SIGNATURE from RFC 7427). A value type.
 */
public record AuthMethod(int value) {
  /** RSA Digital Signature with SHA-1 (1). */
  public static final AuthMethod RSA_DIGITAL_SIGNATURE = new AuthMethod(1);

  /** Shared Key Message Integrity Code (2): pre-shared key. */
  public static final AuthMethod SHARED_KEY_MIC = new AuthMethod(2);

  /** DSS Digital Signature (3). */
  public static final AuthMethod DSS_DIGITAL_SIGNATURE = new AuthMethod(3);

  /** ECDSA with SHA-256 on the P-256 curve (9), RFC 4754. */
  public static final AuthMethod ECDSA_SHA256_P256 = new AuthMethod(9);

  /** ECDSA with SHA-384 on the P-384 curve (10), RFC 4754. */
  public static final AuthMethod ECDSA_SHA384_P384 = new AuthMethod(10);

  /** ECDSA with SHA-512 on the P-521 curve (11), RFC 4754. */
  public static final AuthMethod ECDSA_SHA512_P521 = new AuthMethod(11);

  /** NULL Authentication (13), RFC 7619. */
  public static final AuthMethod NULL_AUTH = new AuthMethod(13);

  /** Digital Signature (14), RFC 7427: the algorithm identifier travels in the data. */
  public static final AuthMethod DIGITAL_SIGNATURE = new AuthMethod(14);

  public AuthMethod {
    Wire.requireRange("auth method", value, 0, 255);
  }

  /** Whether {@link org.meshsec.ike.crypto.AuthComputation} implements this method. */
  public boolean isSupported() {
    return value == 1 || value == 2 || value == 9 || value == 10 || value == 11 || value == 14;
  }

  public String name() {
    return switch (value) {
      case 1 -> "RSA_DIGITAL_SIGNATURE";
      case 2 -> "SHARED_KEY_MIC";
      case 3 -> "DSS_DIGITAL_SIGNATURE";
      case 9 -> "ECDSA_SHA256_P256";
      case 10 -> "ECDSA_SHA384_P384";
      case 11 -> "ECDSA_SHA512_P521";
      case 12 -> "GENERIC_SECURE_PASSWORD";
      case 13 -> "NULL_AUTH";
      case 14 -> "DIGITAL_SIGNATURE";
      default -> "AUTH_METHOD_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
