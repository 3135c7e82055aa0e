package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An ISAKMP Next Payload Type (RFC 2408 section 3.1; NAT-D and NAT-OA from RFC 3947 section 3). A
 * value type: lookup never fails on an unknown number.
 *
 * <p>Proposal (2) and Transform (3) occur only inside an SA payload (RFC 2408 section 3.4); in the
 * top-level chain they are an INVALID-PAYLOAD-TYPE error.
 *
 * @param value the 8-bit payload type
 */
public record PayloadType(int value) {
  public static final PayloadType NONE = new PayloadType(0);
  public static final PayloadType SA = new PayloadType(1);
  public static final PayloadType PROPOSAL = new PayloadType(2);
  public static final PayloadType TRANSFORM = new PayloadType(3);
  public static final PayloadType KE = new PayloadType(4);
  public static final PayloadType ID = new PayloadType(5);
  public static final PayloadType CERT = new PayloadType(6);
  public static final PayloadType CERTREQ = new PayloadType(7);
  public static final PayloadType HASH = new PayloadType(8);
  public static final PayloadType SIG = new PayloadType(9);
  public static final PayloadType NONCE = new PayloadType(10);
  public static final PayloadType NOTIFY = new PayloadType(11);
  public static final PayloadType DELETE = new PayloadType(12);
  public static final PayloadType VENDOR_ID = new PayloadType(13);

  /** NAT-D (20), RFC 3947 section 3.2. */
  public static final PayloadType NAT_D = new PayloadType(20);

  /** NAT-OA (21), RFC 3947 section 5.1. */
  public static final PayloadType NAT_OA = new PayloadType(21);

  public PayloadType {
    Wire.requireRange("payload type", value, 0, 255);
  }

  /** Whether the codec has a record for this type (top-level payloads). */
  public boolean isKnown() {
    return (value >= 1 && value <= 13 && value != 2 && value != 3) || value == 20 || value == 21;
  }

  /** Short name as in strongSwan logs and RFC 2409 notation, or {@code PAYLOAD_<n>}. */
  public String name() {
    return switch (value) {
      case 0 -> "NONE";
      case 1 -> "SA";
      case 2 -> "P";
      case 3 -> "T";
      case 4 -> "KE";
      case 5 -> "ID";
      case 6 -> "CERT";
      case 7 -> "CR";
      case 8 -> "HASH";
      case 9 -> "SIG";
      case 10 -> "No";
      case 11 -> "N";
      case 12 -> "D";
      case 13 -> "V";
      case 20 -> "NAT-D";
      case 21 -> "NAT-OA";
      default -> "PAYLOAD_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
