package org.meshsec.ike.crypto;

/**
 * A hash algorithm identifier from the IANA "IKEv2 Hash Algorithms" registry, as carried in the
 * SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 sections 4 and 7). A value type: lookup never fails on
 * an unknown number.
 *
 * @param id the 16-bit identifier
 */
public record SignatureHashAlgorithm(int id) {

  /** SHA1 (1); never used by meshsec for DIGITAL_SIGNATURE (RFC 8247 section 4). */
  public static final SignatureHashAlgorithm SHA1 = new SignatureHashAlgorithm(1);

  /** SHA2-256 (2). */
  public static final SignatureHashAlgorithm SHA2_256 = new SignatureHashAlgorithm(2);

  /** SHA2-384 (3). */
  public static final SignatureHashAlgorithm SHA2_384 = new SignatureHashAlgorithm(3);

  /** SHA2-512 (4). */
  public static final SignatureHashAlgorithm SHA2_512 = new SignatureHashAlgorithm(4);

  /** Identity (5, RFC 8420 section 2): for EdDSA, which hashes the message itself. */
  public static final SignatureHashAlgorithm IDENTITY = new SignatureHashAlgorithm(5);

  public SignatureHashAlgorithm {
    if (id < 0 || id > 0xFFFF) {
      throw new IllegalArgumentException("hash algorithm id out of range: " + id);
    }
  }

  /** IANA-style name, or {@code HASH_<id>} when unknown. */
  public String name() {
    return switch (id) {
      case 1 -> "SHA1";
      case 2 -> "SHA2_256";
      case 3 -> "SHA2_384";
      case 4 -> "SHA2_512";
      case 5 -> "IDENTITY";
      default -> "HASH_" + id;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
