package org.meshsec.ike.message;

/**
 * A traffic selector type from the IANA registry "IKEv2 Traffic Selector Types" (RFC 7296 section
 * 3.13.1). A value type.
 */
public record TsType(int value) {
  /** TS_IPV4_ADDR_RANGE (7): 4-byte start and end addresses, selector length 16. */
  public static final TsType IPV4_ADDR_RANGE = new TsType(7);

  /** TS_IPV6_ADDR_RANGE (8): 16-byte start and end addresses, selector length 40. */
  public static final TsType IPV6_ADDR_RANGE = new TsType(8);

  public TsType {
    Wire.requireRange("TS type", value, 0, 255);
  }

  /** Whether this is one of the two address-range types of RFC 7296. */
  public boolean isAddressRange() {
    return value == 7 || value == 8;
  }

  /** Address length in bytes for the address-range types, 0 otherwise. */
  public int addressLength() {
    return value == 7 ? 4 : value == 8 ? 16 : 0;
  }

  public String name() {
    return switch (value) {
      case 7 -> "TS_IPV4_ADDR_RANGE";
      case 8 -> "TS_IPV6_ADDR_RANGE";
      case 9 -> "TS_FC_ADDR_RANGE";
      case 10 -> "TS_SECLABEL";
      default -> "TS_TYPE_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
