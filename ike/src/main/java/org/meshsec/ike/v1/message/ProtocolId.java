package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An IPsec DOI Security Protocol Identifier (RFC 2407 section 4.4.1), as in Proposal, Notify and
 * Delete payloads. A value type: lookup never fails on an unknown number.
 *
 * @param value the 8-bit protocol id
 */
public record ProtocolId(int value) {
  /** Reserved: a Notify about no particular SA. */
  public static final ProtocolId NONE = new ProtocolId(0);

  /** PROTO_ISAKMP: phase 1; SPIs are the cookie pair (RFC 2408 section 2.5.3). */
  public static final ProtocolId ISAKMP = new ProtocolId(1);

  public static final ProtocolId AH = new ProtocolId(2);
  public static final ProtocolId ESP = new ProtocolId(3);
  public static final ProtocolId IPCOMP = new ProtocolId(4);

  public ProtocolId {
    Wire.requireRange("protocol id", value, 0, 255);
  }

  public String name() {
    return switch (value) {
      case 0 -> "NONE";
      case 1 -> "PROTO_ISAKMP";
      case 2 -> "PROTO_IPSEC_AH";
      case 3 -> "PROTO_IPSEC_ESP";
      case 4 -> "PROTO_IPCOMP";
      default -> "PROTO_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
