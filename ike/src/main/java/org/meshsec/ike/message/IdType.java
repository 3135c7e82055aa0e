package org.meshsec.ike.message;

/**
 * An identification type from the IANA registry "IKEv2 Identification Payload ID Types" (RFC 7296
 * section 3.5; ID_NULL from RFC 7619). A value type.
 */
public record IdType(int value) {
  /** ID_IPV4_ADDR (1): a single four-octet IPv4 address. */
  public static final IdType IPV4_ADDR = new IdType(1);

  /** ID_FQDN (2): a fully-qualified domain name string, no terminator. */
  public static final IdType FQDN = new IdType(2);

  /** ID_RFC822_ADDR (3): an email address string, no terminator. */
  public static final IdType RFC822_ADDR = new IdType(3);

  /** ID_IPV6_ADDR (5): a single sixteen-octet IPv6 address. */
  public static final IdType IPV6_ADDR = new IdType(5);

  /** ID_DER_ASN1_DN (9): the DER encoding of an ASN.1 X.500 Distinguished Name. */
  public static final IdType DER_ASN1_DN = new IdType(9);

  /** ID_DER_ASN1_GN (10): the DER encoding of an ASN.1 X.509 GeneralName. */
  public static final IdType DER_ASN1_GN = new IdType(10);

  /** ID_KEY_ID (11): an opaque octet stream. */
  public static final IdType KEY_ID = new IdType(11);

  /** ID_NULL (13), RFC 7619. */
  public static final IdType NULL = new IdType(13);

  public IdType {
    Wire.requireRange("ID type", value, 0, 255);
  }

  public String name() {
    return switch (value) {
      case 1 -> "ID_IPV4_ADDR";
      case 2 -> "ID_FQDN";
      case 3 -> "ID_RFC822_ADDR";
      case 5 -> "ID_IPV6_ADDR";
      case 9 -> "ID_DER_ASN1_DN";
      case 10 -> "ID_DER_ASN1_GN";
      case 11 -> "ID_KEY_ID";
      case 12 -> "ID_FC_NAME";
      case 13 -> "ID_NULL";
      default -> "ID_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
