package org.meshsec.ike.message;

/**
 * A Security Protocol Identifier (RFC 7296 section 3.3.1), used in proposals, notifications and
 * deletes. A value type: unknown numbers are kept (a proposal for an unknown protocol is skipped by
 * the selector, not rejected by the decoder).
 */
public record ProtocolId(int value) {
  /** Not SA-related (0): used in Notify payloads without an SPI. */
  public static final ProtocolId NONE = new ProtocolId(0);

  /** IKE (1). */
  public static final ProtocolId IKE = new ProtocolId(1);

  /** AH (2). */
  public static final ProtocolId AH = new ProtocolId(2);

  /** ESP (3). */
  public static final ProtocolId ESP = new ProtocolId(3);

  public ProtocolId {
    Wire.requireRange("protocol id", value, 0, 255);
  }

  /** Whether the protocol is AH or ESP (a Child SA protocol, 4-byte SPIs). */
  public boolean isChildSaProtocol() {
    return value == 2 || value == 3;
  }

  public String name() {
    return switch (value) {
      case 0 -> "NONE";
      case 1 -> "IKE";
      case 2 -> "AH";
      case 3 -> "ESP";
      default -> "PROTO_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
