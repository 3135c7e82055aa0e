package org.meshsec.ike.message;

/**
 * A configuration attribute type from the IANA registry "IKEv2 Configuration Payload Attribute
 * Types" (RFC 7296 section 3.15.1). A value type; {@link #isValidLength(int)} holds the length
 * rules of the RFC's table for the types it defines and accepts any length for the others.
 */
public record CfgAttributeType(int value) {
  public static final CfgAttributeType INTERNAL_IP4_ADDRESS = new CfgAttributeType(1);
  public static final CfgAttributeType INTERNAL_IP4_NETMASK = new CfgAttributeType(2);
  public static final CfgAttributeType INTERNAL_IP4_DNS = new CfgAttributeType(3);
  public static final CfgAttributeType INTERNAL_IP4_NBNS = new CfgAttributeType(4);
  public static final CfgAttributeType INTERNAL_IP4_DHCP = new CfgAttributeType(6);
  public static final CfgAttributeType APPLICATION_VERSION = new CfgAttributeType(7);
  public static final CfgAttributeType INTERNAL_IP6_ADDRESS = new CfgAttributeType(8);
  public static final CfgAttributeType INTERNAL_IP6_DNS = new CfgAttributeType(10);
  public static final CfgAttributeType INTERNAL_IP6_DHCP = new CfgAttributeType(12);
  public static final CfgAttributeType INTERNAL_IP4_SUBNET = new CfgAttributeType(13);
  public static final CfgAttributeType SUPPORTED_ATTRIBUTES = new CfgAttributeType(14);
  public static final CfgAttributeType INTERNAL_IP6_SUBNET = new CfgAttributeType(15);

  public CfgAttributeType {
    Wire.requireRange("configuration attribute type", value, 0, 0x7FFF);
  }

  /** The length rule of RFC 7296 section 3.15.1 (a request carries an empty value). */
  public boolean isValidLength(int length) {
    return switch (value) {
      case 1, 2, 3, 4, 6 -> length == 0 || length == 4;
      case 8 -> length == 0 || length == 17;
      case 10, 12 -> length == 0 || length == 16;
      case 13 -> length == 0 || length == 8;
      case 14 -> length % 2 == 0;
      case 15 -> length == 0 || length == 17;
      default -> true;
    };
  }

  public String name() {
    return switch (value) {
      case 1 -> "INTERNAL_IP4_ADDRESS";
      case 2 -> "INTERNAL_IP4_NETMASK";
      case 3 -> "INTERNAL_IP4_DNS";
      case 4 -> "INTERNAL_IP4_NBNS";
      case 6 -> "INTERNAL_IP4_DHCP";
      case 7 -> "APPLICATION_VERSION";
      case 8 -> "INTERNAL_IP6_ADDRESS";
      case 10 -> "INTERNAL_IP6_DNS";
      case 12 -> "INTERNAL_IP6_DHCP";
      case 13 -> "INTERNAL_IP4_SUBNET";
      case 14 -> "SUPPORTED_ATTRIBUTES";
      case 15 -> "INTERNAL_IP6_SUBNET";
      default -> "CFG_ATTR_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
