package org.meshsec.ike.message;

/**
 * A certificate encoding from the IANA registry "IKEv2 Certificate Encodings" (RFC 7296 section
 * 3.6; Raw Public Key from RFC 7670). A value type.
 */
public record CertEncoding(int value) {
  /** PKCS #7 wrapped X.509 certificate (1). */
  public static final CertEncoding PKCS7_X509 = new CertEncoding(1);

  /** X.509 Certificate - Signature (4): a DER-encoded certificate. */
  public static final CertEncoding X509_SIGNATURE = new CertEncoding(4);

  /** Certificate Revocation List (7). */
  public static final CertEncoding CRL = new CertEncoding(7);

  /** Hash and URL of X.509 certificate (12): 20-byte SHA-1 hash followed by a URL. */
  public static final CertEncoding HASH_URL_X509 = new CertEncoding(12);

  /** Hash and URL of X.509 bundle (13): 20-byte SHA-1 hash followed by a URL. */
  public static final CertEncoding HASH_URL_X509_BUNDLE = new CertEncoding(13);

  /** Raw Public Key (15), RFC 7670. */
  public static final CertEncoding RAW_PUBLIC_KEY = new CertEncoding(15);

  public CertEncoding {
    Wire.requireRange("certificate encoding", value, 0, 255);
  }

  /** Whether the data starts with a 20-byte SHA-1 hash followed by a URL. */
  public boolean isHashAndUrl() {
    return value == 12 || value == 13;
  }

  public String name() {
    return switch (value) {
      case 1 -> "PKCS7_X509";
      case 2 -> "PGP";
      case 3 -> "DNS_SIGNED_KEY";
      case 4 -> "X509_SIGNATURE";
      case 6 -> "KERBEROS_TOKEN";
      case 7 -> "CRL";
      case 8 -> "ARL";
      case 9 -> "SPKI";
      case 10 -> "X509_ATTRIBUTE";
      case 11 -> "RAW_RSA_KEY";
      case 12 -> "HASH_URL_X509";
      case 13 -> "HASH_URL_X509_BUNDLE";
      case 14 -> "OCSP_CONTENT";
      case 15 -> "RAW_PUBLIC_KEY";
      default -> "CERT_ENCODING_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
