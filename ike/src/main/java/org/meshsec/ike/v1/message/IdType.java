package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An IPsec DOI Identification Type (RFC 2407 section 4.6.2.1). A value type: lookup never fails on
 * an unknown number.
 *
 * @param value the 8-bit ID type
 */
public record IdType(int value) {
  public static final IdType IPV4_ADDR = new IdType(1);
  public static final IdType FQDN = new IdType(2);
  public static final IdType USER_FQDN = new IdType(3);
  public static final IdType IPV4_ADDR_SUBNET = new IdType(4);
  public static final IdType IPV6_ADDR = new IdType(5);
  public static final IdType IPV6_ADDR_SUBNET = new IdType(6);
  public static final IdType IPV4_ADDR_RANGE = new IdType(7);
  public static final IdType IPV6_ADDR_RANGE = new IdType(8);
  public static final IdType DER_ASN1_DN = new IdType(9);
  public static final IdType DER_ASN1_GN = new IdType(10);
  public static final IdType KEY_ID = new IdType(11);

  public IdType {
    Wire.requireRange("ID type", value, 0, 255);
  }

  /**
   * The exact data length of the address types (4, 8 or 16, 32), or -1 for the variable-length
   * ones.
   */
  public int fixedLength() {
    return switch (value) {
      case 1 -> 4;
      case 4, 7 -> 8;
      case 5 -> 16;
      case 6, 8 -> 32;
      default -> -1;
    };
  }

  public String name() {
    return switch (value) {
      case 1 -> "ID_IPV4_ADDR";
      case 2 -> "ID_FQDN";
      case 3 -> "ID_USER_FQDN";
      case 4 -> "ID_IPV4_ADDR_SUBNET";
      case 5 -> "ID_IPV6_ADDR";
      case 6 -> "ID_IPV6_ADDR_SUBNET";
      case 7 -> "ID_IPV4_ADDR_RANGE";
      case 8 -> "ID_IPV6_ADDR_RANGE";
      case 9 -> "ID_DER_ASN1_DN";
      case 10 -> "ID_DER_ASN1_GN";
      case 11 -> "ID_KEY_ID";
      default -> "ID_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
