package org.meshsec.ike.message;

/**
 * A transform type from the IANA registry "Transform Type Values" (RFC 7296 section 3.3.2; the
 * additional key exchange types 6..12 are RFC 9370). A value type.
 */
public record TransformType(int value) {
  /** Encryption Algorithm (ENCR, 1): ids are {@link org.meshsec.esp.EncrAlgorithm}. */
  public static final TransformType ENCR = new TransformType(1);

  /** Pseudorandom Function (PRF, 2). */
  public static final TransformType PRF = new TransformType(2);

  /** Integrity Algorithm (INTEG, 3): ids are {@link org.meshsec.esp.IntegAlgorithm}. */
  public static final TransformType INTEG = new TransformType(3);

  /** Diffie-Hellman group / Key Exchange Method (D-H, 4). */
  public static final TransformType DH = new TransformType(4);

  /** Extended Sequence Numbers (ESN, 5): 0 = no ESN, 1 = ESN. */
  public static final TransformType ESN = new TransformType(5);

  public TransformType {
    Wire.requireRange("transform type", value, 0, 255);
  }

  public String name() {
    return switch (value) {
      case 1 -> "ENCR";
      case 2 -> "PRF";
      case 3 -> "INTEG";
      case 4 -> "DH";
      case 5 -> "ESN";
      default -> value >= 6 && value <= 12 ? "ADDKE" + (value - 5) : "TRANSFORM_TYPE_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
