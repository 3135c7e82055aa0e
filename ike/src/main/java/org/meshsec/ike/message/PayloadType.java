package org.meshsec.ike.message;

/**
 * An IKEv2 payload type from the IANA registry "IKEv2 Payload Types" (RFC 7296 section 3.2; SKF
 * from RFC 7383 section 2.5). A value type: any 0..255 number is accepted, {@link #isKnown()} says
 * whether this codec decodes it into a typed record (everything else becomes {@link
 * UnknownPayload}).
 */
public record PayloadType(int value) {
  /** No Next Payload (0). */
  public static final PayloadType NONE = new PayloadType(0);

  /** Security Association (33), section 3.3. */
  public static final PayloadType SA = new PayloadType(33);

  /** Key Exchange (34), section 3.4. */
  public static final PayloadType KE = new PayloadType(34);

  /** Identification - Initiator (35), section 3.5. */
  public static final PayloadType IDI = new PayloadType(35);

  /** Identification - Responder (36), section 3.5. */
  public static final PayloadType IDR = new PayloadType(36);

  /** Certificate (37), section 3.6. */
  public static final PayloadType CERT = new PayloadType(37);

  /** Certificate Request (38), section 3.7. */
  public static final PayloadType CERTREQ = new PayloadType(38);

  /** Authentication (39), section 3.8. */
  public static final PayloadType AUTH = new PayloadType(39);

  /** Nonce (40), section 3.9. */
  public static final PayloadType NONCE = new PayloadType(40);

  /** Notify (41), section 3.10. */
  public static final PayloadType NOTIFY = new PayloadType(41);

  /** Delete (42), section 3.11. */
  public static final PayloadType DELETE = new PayloadType(42);

  /** Vendor ID (43), section 3.12. */
  public static final PayloadType VENDOR_ID = new PayloadType(43);

  /** Traffic Selector - Initiator (44), section 3.13. */
  public static final PayloadType TSI = new PayloadType(44);

  /** Traffic Selector - Responder (45), section 3.13. */
  public static final PayloadType TSR = new PayloadType(45);

  /** Encrypted and Authenticated (46), section 3.14. */
  public static final PayloadType SK = new PayloadType(46);

  /** Configuration (47), section 3.15. */
  public static final PayloadType CP = new PayloadType(47);

  /** Extensible Authentication (48), section 3.16. */
  public static final PayloadType EAP = new PayloadType(48);

  /** Encrypted and Authenticated Fragment (53), RFC 7383 section 2.5. */
  public static final PayloadType SKF = new PayloadType(53);

  public PayloadType {
    Wire.requireRange("payload type", value, 0, 255);
  }

  /** Whether this codec has a typed record for the payload type. */
  public boolean isKnown() {
    return (value >= 33 && value <= 48) || value == 53;
  }

  /** The RFC notation (SA, KE, IDi, ...) or {@code PAYLOAD_<n>}. */
  public String name() {
    return switch (value) {
      case 0 -> "NONE";
      case 33 -> "SA";
      case 34 -> "KE";
      case 35 -> "IDi";
      case 36 -> "IDr";
      case 37 -> "CERT";
      case 38 -> "CERTREQ";
      case 39 -> "AUTH";
      case 40 -> "Nonce";
      case 41 -> "N";
      case 42 -> "D";
      case 43 -> "V";
      case 44 -> "TSi";
      case 45 -> "TSr";
      case 46 -> "SK";
      case 47 -> "CP";
      case 48 -> "EAP";
      case 53 -> "SKF";
      default -> "PAYLOAD_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
