package org.meshsec.ike.message;

/** A configuration payload type (RFC 7296 section 3.15). A value type. */
public record CfgType(int value) {
  /** CFG_REQUEST (1). */
  public static final CfgType REQUEST = new CfgType(1);

  /** CFG_REPLY (2). */
  public static final CfgType REPLY = new CfgType(2);

  /** CFG_SET (3). */
  public static final CfgType SET = new CfgType(3);

  /** CFG_ACK (4). */
  public static final CfgType ACK = new CfgType(4);

  public CfgType {
    Wire.requireRange("CFG type", value, 0, 255);
  }

  public String name() {
    return switch (value) {
      case 1 -> "CFG_REQUEST";
      case 2 -> "CFG_REPLY";
      case 3 -> "CFG_SET";
      case 4 -> "CFG_ACK";
      default -> "CFG_TYPE_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
