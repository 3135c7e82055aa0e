package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An ISAKMP Exchange Type (RFC 2408 section 3.1; Quick Mode and New Group Mode from RFC 2409
 * section 5.5 and 5.6; the IPsec DOI assigns 32.. per RFC 2407 section 4.7). A value type: lookup
 * never fails on an unknown number.
 *
 * @param value the 8-bit exchange type
 */
public record ExchangeType(int value) {
  public static final ExchangeType NONE = new ExchangeType(0);
  public static final ExchangeType BASE = new ExchangeType(1);

  /** Identity Protection, i.e. IKE Main Mode (RFC 2409 section 5). */
  public static final ExchangeType IDENTITY_PROTECTION = new ExchangeType(2);

  public static final ExchangeType AUTHENTICATION_ONLY = new ExchangeType(3);

  /** Aggressive (RFC 2408 section 4.8; RFC 2409 section 5). */
  public static final ExchangeType AGGRESSIVE = new ExchangeType(4);

  public static final ExchangeType INFORMATIONAL = new ExchangeType(5);

  /** Transaction, Mode Config (draft-ietf-ipsec-isakmp-mode-cfg). */
  public static final ExchangeType TRANSACTION = new ExchangeType(6);

  /** Quick Mode (RFC 2409 section 5.5). */
  public static final ExchangeType QUICK_MODE = new ExchangeType(32);

  /** New Group Mode (RFC 2409 section 5.6). */
  public static final ExchangeType NEW_GROUP_MODE = new ExchangeType(33);

  public ExchangeType {
    Wire.requireRange("exchange type", value, 0, 255);
  }

  public String name() {
    return switch (value) {
      case 0 -> "NONE";
      case 1 -> "BASE";
      case 2 -> "ID_PROT";
      case 3 -> "AUTH_ONLY";
      case 4 -> "AGGRESSIVE";
      case 5 -> "INFORMATIONAL";
      case 6 -> "TRANSACTION";
      case 32 -> "QUICK_MODE";
      case 33 -> "NEW_GROUP_MODE";
      default -> "EXCHANGE_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
