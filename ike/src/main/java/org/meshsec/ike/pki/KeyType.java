package org.meshsec.ike.pki;

import java.util.Locale;

/**
 * The key pairs meshsec generates for IKE authentication, each with the signature algorithm used
 * when it signs certificates and requests (RFC 8247 section 4 and RFC 8603 guidance: RSA of at
 * least 2048 bits, ECDSA on P-256 or P-384; Ed25519 of RFC 8410 for certificates and RFC 8420 for
 * IKEv2 authentication).
 */
public enum KeyType {
  RSA_2048("RSA", 2048, null, "SHA256withRSA"),
  RSA_3072("RSA", 3072, null, "SHA256withRSA"),
  EC_P256("EC", 256, "secp256r1", "SHA256withECDSA"),
  EC_P384("EC", 384, "secp384r1", "SHA384withECDSA"),
  ED25519("Ed25519", 255, null, "Ed25519");

  private final String algorithm;
  private final int bits;
  private final String curve;
  private final String signatureAlgorithm;

  KeyType(String algorithm, int bits, String curve, String signatureAlgorithm) {
    this.algorithm = algorithm;
    this.bits = bits;
    this.curve = curve;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** JCA key algorithm: {@code RSA}, {@code EC} or {@code Ed25519}. */
  public String algorithm() {
    return algorithm;
  }

  /** Modulus or field size in bits. */
  public int bits() {
    return bits;
  }

  /** The standard curve name for EC keys, null for RSA and Ed25519. */
  public String curve() {
    return curve;
  }

  /** JCA signature algorithm used to sign certificates and requests with this key. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /**
   * The command-line name: {@code rsa2048}, {@code rsa3072}, {@code p256}, {@code p384}, {@code
   * ed25519}.
   */
  public String cliName() {
    return switch (this) {
      case RSA_2048 -> "rsa2048";
      case RSA_3072 -> "rsa3072";
      case EC_P256 -> "p256";
      case EC_P384 -> "p384";
      case ED25519 -> "ed25519";
    };
  }

  /**
   * Parses a command-line name: {@code rsa2048}, {@code rsa3072}, {@code p256} / {@code
   * ecdsa-p256}, {@code p384} / {@code ecdsa-p384}, {@code ed25519}, or the enum constant's name.
   * Returns null when unknown.
   */
  public static KeyType parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (n) {
      case "rsa2048", "rsa-2048" -> RSA_2048;
      case "rsa3072", "rsa-3072" -> RSA_3072;
      case "p256", "ecdsa-p256", "ec-p256", "secp256r1" -> EC_P256;
      case "p384", "ecdsa-p384", "ec-p384", "secp384r1" -> EC_P384;
      case "ed25519" -> ED25519;
      default -> null;
    };
  }
}
