package org.meshsec.ike.crypto;

/**
 * An IKEv2 Transform Type 2 (Pseudorandom Function) identifier from the IANA registry (RFC 7296
 * section 3.3.2; the HMAC-SHA2 ids from RFC 4868). A value type: lookup never fails on an unknown
 * number, and {@link #isSupported()} says whether meshsec implements it.
 *
 * <p>For the HMAC-based PRFs the preferred key length equals the output length (RFC 4868 for SHA-2;
 * RFC 7296 section 2.14 sizes SK_d, SK_pi and SK_pr by it).
 *
 * @param id the IANA transform id, 0..65535
 */
public record PrfAlgorithm(int id) {

  /**
   * PRF_HMAC_SHA1 (RFC 2104). Still listed as MUST- for interoperability by RFC 8247 section 3;
   * meshsec accepts it but never proposes it first.
   */
  public static final PrfAlgorithm HMAC_SHA1 = new PrfAlgorithm(2);

  /** PRF_HMAC_SHA2_256 (RFC 4868). */
  public static final PrfAlgorithm HMAC_SHA2_256 = new PrfAlgorithm(5);

  /** PRF_HMAC_SHA2_384 (RFC 4868). */
  public static final PrfAlgorithm HMAC_SHA2_384 = new PrfAlgorithm(6);

  /** PRF_HMAC_SHA2_512 (RFC 4868). */
  public static final PrfAlgorithm HMAC_SHA2_512 = new PrfAlgorithm(7);

  public PrfAlgorithm {
    if (id < 0 || id > 0xFFFF) {
      throw new IllegalArgumentException("transform id out of range: " + id);
    }
  }

  /** Whether meshsec implements this PRF. */
  public boolean isSupported() {
    return jcaName() != null;
  }

  /** Output length in bytes, 0 when unknown. */
  public int outputLength() {
    return switch (id) {
      case 2 -> 20;
      case 5 -> 32;
      case 6 -> 48;
      case 7 -> 64;
      default -> 0;
    };
  }

  /** Preferred key length in bytes (RFC 7296 section 2.14), 0 when unknown. */
  public int keyLength() {
    return outputLength();
  }

  /** JCA MAC name, or null when unknown. */
  public String jcaName() {
    return switch (id) {
      case 2 -> "HmacSHA1";
      case 5 -> "HmacSHA256";
      case 6 -> "HmacSHA384";
      case 7 -> "HmacSHA512";
      default -> null;
    };
  }

  /** IANA-style name, or {@code PRF_<id>} when unknown. */
  public String name() {
    return switch (id) {
      case 1 -> "PRF_HMAC_MD5";
      case 2 -> "PRF_HMAC_SHA1";
      case 3 -> "PRF_HMAC_TIGER";
      case 4 -> "PRF_AES128_XCBC";
      case 5 -> "PRF_HMAC_SHA2_256";
      case 6 -> "PRF_HMAC_SHA2_384";
      case 7 -> "PRF_HMAC_SHA2_512";
      case 8 -> "PRF_AES128_CMAC";
      default -> "PRF_" + id;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
