package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An ISAKMP Notify Message Type (RFC 2408 section 3.14.1; the IPsec DOI status types of RFC 2407
 * section 4.6.3; Dead Peer Detection, RFC 3706 section 5). A value type: lookup never fails,
 * unknown numbers print as {@code NOTIFY_<n>}. Types 1..16383 are errors, 16384 and above status
 * messages (RFC 2408 section 3.14.1).
 *
 * @param value the 16-bit Notify Message Type
 */
public record NotifyType(int value) {
  /** First status type; everything below is an error type. */
  public static final int FIRST_STATUS_TYPE = 16384;

  public static final NotifyType INVALID_PAYLOAD_TYPE = new NotifyType(1);
  public static final NotifyType DOI_NOT_SUPPORTED = new NotifyType(2);
  public static final NotifyType SITUATION_NOT_SUPPORTED = new NotifyType(3);
  public static final NotifyType INVALID_COOKIE = new NotifyType(4);
  public static final NotifyType INVALID_MAJOR_VERSION = new NotifyType(5);
  public static final NotifyType INVALID_MINOR_VERSION = new NotifyType(6);
  public static final NotifyType INVALID_EXCHANGE_TYPE = new NotifyType(7);
  public static final NotifyType INVALID_FLAGS = new NotifyType(8);
  public static final NotifyType INVALID_MESSAGE_ID = new NotifyType(9);
  public static final NotifyType INVALID_PROTOCOL_ID = new NotifyType(10);
  public static final NotifyType INVALID_SPI = new NotifyType(11);
  public static final NotifyType INVALID_TRANSFORM_ID = new NotifyType(12);
  public static final NotifyType ATTRIBUTES_NOT_SUPPORTED = new NotifyType(13);
  public static final NotifyType NO_PROPOSAL_CHOSEN = new NotifyType(14);
  public static final NotifyType BAD_PROPOSAL_SYNTAX = new NotifyType(15);
  public static final NotifyType PAYLOAD_MALFORMED = new NotifyType(16);
  public static final NotifyType INVALID_KEY_INFORMATION = new NotifyType(17);
  public static final NotifyType INVALID_ID_INFORMATION = new NotifyType(18);
  public static final NotifyType INVALID_CERT_ENCODING = new NotifyType(19);
  public static final NotifyType INVALID_CERTIFICATE = new NotifyType(20);
  public static final NotifyType CERT_TYPE_UNSUPPORTED = new NotifyType(21);
  public static final NotifyType INVALID_CERT_AUTHORITY = new NotifyType(22);
  public static final NotifyType INVALID_HASH_INFORMATION = new NotifyType(23);
  public static final NotifyType AUTHENTICATION_FAILED = new NotifyType(24);
  public static final NotifyType INVALID_SIGNATURE = new NotifyType(25);
  public static final NotifyType ADDRESS_NOTIFICATION = new NotifyType(26);
  public static final NotifyType NOTIFY_SA_LIFETIME = new NotifyType(27);
  public static final NotifyType CERTIFICATE_UNAVAILABLE = new NotifyType(28);
  public static final NotifyType UNSUPPORTED_EXCHANGE_TYPE = new NotifyType(29);
  public static final NotifyType UNEQUAL_PAYLOAD_LENGTHS = new NotifyType(30);

  /** CONNECTED (16384), RFC 2408 section 3.14.1. */
  public static final NotifyType CONNECTED = new NotifyType(16384);

  /** RESPONDER-LIFETIME (24576), RFC 2407 section 4.6.3.1: data is SA attributes. */
  public static final NotifyType RESPONDER_LIFETIME = new NotifyType(24576);

  /** REPLAY-STATUS (24577), RFC 2407 section 4.6.3.2: data is a 4-byte on/off flag. */
  public static final NotifyType REPLAY_STATUS = new NotifyType(24577);

  /** INITIAL-CONTACT (24578), RFC 2407 section 4.6.3.3: SPI is the ISAKMP cookie pair. */
  public static final NotifyType INITIAL_CONTACT = new NotifyType(24578);

  /** R-U-THERE (36136), RFC 3706 section 5: data is a 4-byte sequence number. */
  public static final NotifyType R_U_THERE = new NotifyType(36136);

  /** R-U-THERE-ACK (36137), RFC 3706 section 5: echoes the R-U-THERE sequence number. */
  public static final NotifyType R_U_THERE_ACK = new NotifyType(36137);

  public NotifyType {
    Wire.requireRange("notify type", value, 0, 0xFFFF);
  }

  /** Whether this is an error type (below 16384). */
  public boolean isError() {
    return value < FIRST_STATUS_TYPE;
  }

  /** The RFC name, or {@code NOTIFY_<n>}. */
  public String name() {
    return switch (value) {
      case 1 -> "INVALID-PAYLOAD-TYPE";
      case 2 -> "DOI-NOT-SUPPORTED";
      case 3 -> "SITUATION-NOT-SUPPORTED";
      case 4 -> "INVALID-COOKIE";
      case 5 -> "INVALID-MAJOR-VERSION";
      case 6 -> "INVALID-MINOR-VERSION";
      case 7 -> "INVALID-EXCHANGE-TYPE";
      case 8 -> "INVALID-FLAGS";
      case 9 -> "INVALID-MESSAGE-ID";
      case 10 -> "INVALID-PROTOCOL-ID";
      case 11 -> "INVALID-SPI";
      case 12 -> "INVALID-TRANSFORM-ID";
      case 13 -> "ATTRIBUTES-NOT-SUPPORTED";
      case 14 -> "NO-PROPOSAL-CHOSEN";
      case 15 -> "BAD-PROPOSAL-SYNTAX";
      case 16 -> "PAYLOAD-MALFORMED";
      case 17 -> "INVALID-KEY-INFORMATION";
      case 18 -> "INVALID-ID-INFORMATION";
      case 19 -> "INVALID-CERT-ENCODING";
      case 20 -> "INVALID-CERTIFICATE";
      case 21 -> "CERT-TYPE-UNSUPPORTED";
      case 22 -> "INVALID-CERT-AUTHORITY";
      case 23 -> "INVALID-HASH-INFORMATION";
      case 24 -> "AUTHENTICATION-FAILED";
      case 25 -> "INVALID-SIGNATURE";
      case 26 -> "ADDRESS-NOTIFICATION";
      case 27 -> "NOTIFY-SA-LIFETIME";
      case 28 -> "CERTIFICATE-UNAVAILABLE";
      case 29 -> "UNSUPPORTED-EXCHANGE-TYPE";
      case 30 -> "UNEQUAL-PAYLOAD-LENGTHS";
      case 16384 -> "CONNECTED";
      case 24576 -> "RESPONDER-LIFETIME";
      case 24577 -> "REPLAY-STATUS";
      case 24578 -> "INITIAL-CONTACT";
      case 36136 -> "R-U-THERE";
      case 36137 -> "R-U-THERE-ACK";
      default -> "NOTIFY_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
