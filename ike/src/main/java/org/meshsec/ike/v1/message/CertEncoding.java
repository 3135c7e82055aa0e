package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An ISAKMP Certificate Encoding (RFC 2408 section 3.9), as in CERT and CERTREQ payloads. A value
 * type: lookup never fails on an unknown number.
 *
 * @param value the 8-bit encoding
 */
public record CertEncoding(int value) {
  public static final CertEncoding NONE = new CertEncoding(0);
  public static final CertEncoding PKCS7 = new CertEncoding(1);
  public static final CertEncoding PGP = new CertEncoding(2);
  public static final CertEncoding DNS_SIGNED_KEY = new CertEncoding(3);
  public static final CertEncoding X509_SIGNATURE = new CertEncoding(4);
  public static final CertEncoding X509_KEY_EXCHANGE = new CertEncoding(5);
  public static final CertEncoding KERBEROS_TOKENS = new CertEncoding(6);
  public static final CertEncoding CRL = new CertEncoding(7);
  public static final CertEncoding ARL = new CertEncoding(8);
  public static final CertEncoding SPKI = new CertEncoding(9);
  public static final CertEncoding X509_ATTRIBUTE = new CertEncoding(10);

  public CertEncoding {
    Wire.requireRange("certificate encoding", value, 0, 255);
  }

  public String name() {
    return switch (value) {
      case 0 -> "NONE";
      case 1 -> "PKCS #7 wrapped X.509 certificate";
      case 2 -> "PGP Certificate";
      case 3 -> "DNS Signed Key";
      case 4 -> "X.509 Certificate - Signature";
      case 5 -> "X.509 Certificate - Key Exchange";
      case 6 -> "Kerberos Tokens";
      case 7 -> "Certificate Revocation List (CRL)";
      case 8 -> "Authority Revocation List (ARL)";
      case 9 -> "SPKI Certificate";
      case 10 -> "X.509 Certificate - Attribute";
      default -> "CERT_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
