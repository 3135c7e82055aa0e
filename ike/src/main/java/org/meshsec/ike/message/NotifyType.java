package org.meshsec.ike.message;

/**
 * A Notify Message Type from the IANA registry "IKEv2 Notify Message Types" (RFC 7296 section
 * 3.10.1 and the extensions named on each constant). A value type: lookup never fails, unknown
 * numbers print as {@code NOTIFY_<n>}. Types below 16384 are errors, 16384 and above are status
 * types (RFC 7296 section 3.10.1).
 */
public record NotifyType(int value) {
  /** First status type; everything below is an error type. */
  public static final int FIRST_STATUS_TYPE = 16384;

  /** UNSUPPORTED_CRITICAL_PAYLOAD (1), RFC 7296. */
  public static final NotifyType UNSUPPORTED_CRITICAL_PAYLOAD = new NotifyType(1);

  /** INVALID_IKE_SPI (4), RFC 7296. */
  public static final NotifyType INVALID_IKE_SPI = new NotifyType(4);

  /** INVALID_MAJOR_VERSION (5), RFC 7296. */
  public static final NotifyType INVALID_MAJOR_VERSION = new NotifyType(5);

  /** INVALID_SYNTAX (7), RFC 7296. */
  public static final NotifyType INVALID_SYNTAX = new NotifyType(7);

  /** INVALID_MESSAGE_ID (9), RFC 7296. */
  public static final NotifyType INVALID_MESSAGE_ID = new NotifyType(9);

  /** INVALID_SPI (11), RFC 7296. */
  public static final NotifyType INVALID_SPI = new NotifyType(11);

  /** NO_PROPOSAL_CHOSEN (14), RFC 7296. */
  public static final NotifyType NO_PROPOSAL_CHOSEN = new NotifyType(14);

  /** INVALID_KE_PAYLOAD (17), RFC 7296. */
  public static final NotifyType INVALID_KE_PAYLOAD = new NotifyType(17);

  /** AUTHENTICATION_FAILED (24), RFC 7296. */
  public static final NotifyType AUTHENTICATION_FAILED = new NotifyType(24);

  /** SINGLE_PAIR_REQUIRED (34), RFC 7296. */
  public static final NotifyType SINGLE_PAIR_REQUIRED = new NotifyType(34);

  /** NO_ADDITIONAL_SAS (35), RFC 7296. */
  public static final NotifyType NO_ADDITIONAL_SAS = new NotifyType(35);

  /** INTERNAL_ADDRESS_FAILURE (36), RFC 7296. */
  public static final NotifyType INTERNAL_ADDRESS_FAILURE = new NotifyType(36);

  /** FAILED_CP_REQUIRED (37), RFC 7296. */
  public static final NotifyType FAILED_CP_REQUIRED = new NotifyType(37);

  /** TS_UNACCEPTABLE (38), RFC 7296. */
  public static final NotifyType TS_UNACCEPTABLE = new NotifyType(38);

  /** INVALID_SELECTORS (39), RFC 7296. */
  public static final NotifyType INVALID_SELECTORS = new NotifyType(39);

  /** UNACCEPTABLE_ADDRESSES (40), RFC 4555. */
  public static final NotifyType UNACCEPTABLE_ADDRESSES = new NotifyType(40);

  /** UNEXPECTED_NAT_DETECTED (41), RFC 4555. */
  public static final NotifyType UNEXPECTED_NAT_DETECTED = new NotifyType(41);

  /** USE_ASSIGNED_HoA (42), RFC 5026. */
  public static final NotifyType USE_ASSIGNED_HOA = new NotifyType(42);

  /** TEMPORARY_FAILURE (43), RFC 7296. */
  public static final NotifyType TEMPORARY_FAILURE = new NotifyType(43);

  /** CHILD_SA_NOT_FOUND (44), RFC 7296. */
  public static final NotifyType CHILD_SA_NOT_FOUND = new NotifyType(44);

  /** INITIAL_CONTACT (16384), RFC 7296. */
  public static final NotifyType INITIAL_CONTACT = new NotifyType(16384);

  /** SET_WINDOW_SIZE (16385), RFC 7296. */
  public static final NotifyType SET_WINDOW_SIZE = new NotifyType(16385);

  /** ADDITIONAL_TS_POSSIBLE (16386), RFC 7296. */
  public static final NotifyType ADDITIONAL_TS_POSSIBLE = new NotifyType(16386);

  /** IPCOMP_SUPPORTED (16387), RFC 7296. */
  public static final NotifyType IPCOMP_SUPPORTED = new NotifyType(16387);

  /** NAT_DETECTION_SOURCE_IP (16388), RFC 7296. */
  public static final NotifyType NAT_DETECTION_SOURCE_IP = new NotifyType(16388);

  /** NAT_DETECTION_DESTINATION_IP (16389), RFC 7296. */
  public static final NotifyType NAT_DETECTION_DESTINATION_IP = new NotifyType(16389);

  /** COOKIE (16390), RFC 7296. */
  public static final NotifyType COOKIE = new NotifyType(16390);

  /** USE_TRANSPORT_MODE (16391), RFC 7296. */
  public static final NotifyType USE_TRANSPORT_MODE = new NotifyType(16391);

  /** HTTP_CERT_LOOKUP_SUPPORTED (16392), RFC 7296. */
  public static final NotifyType HTTP_CERT_LOOKUP_SUPPORTED = new NotifyType(16392);

  /** REKEY_SA (16393), RFC 7296. */
  public static final NotifyType REKEY_SA = new NotifyType(16393);

  /** ESP_TFC_PADDING_NOT_SUPPORTED (16394), RFC 7296. */
  public static final NotifyType ESP_TFC_PADDING_NOT_SUPPORTED = new NotifyType(16394);

  /** NON_FIRST_FRAGMENTS_ALSO (16395), RFC 7296. */
  public static final NotifyType NON_FIRST_FRAGMENTS_ALSO = new NotifyType(16395);

  /** MOBIKE_SUPPORTED (16396), RFC 4555. */
  public static final NotifyType MOBIKE_SUPPORTED = new NotifyType(16396);

  /** ADDITIONAL_IP4_ADDRESS (16397), RFC 4555. */
  public static final NotifyType ADDITIONAL_IP4_ADDRESS = new NotifyType(16397);

  /** ADDITIONAL_IP6_ADDRESS (16398), RFC 4555. */
  public static final NotifyType ADDITIONAL_IP6_ADDRESS = new NotifyType(16398);

  /** NO_ADDITIONAL_ADDRESSES (16399), RFC 4555. */
  public static final NotifyType NO_ADDITIONAL_ADDRESSES = new NotifyType(16399);

  /** UPDATE_SA_ADDRESSES (16400), RFC 4555. */
  public static final NotifyType UPDATE_SA_ADDRESSES = new NotifyType(16400);

  /** COOKIE2 (16401), RFC 4555. */
  public static final NotifyType COOKIE2 = new NotifyType(16401);

  /** NO_NATS_ALLOWED (16402), RFC 4555. */
  public static final NotifyType NO_NATS_ALLOWED = new NotifyType(16402);

  /** AUTH_LIFETIME (16403), RFC 4478. */
  public static final NotifyType AUTH_LIFETIME = new NotifyType(16403);

  /** MULTIPLE_AUTH_SUPPORTED (16404), RFC 4739. */
  public static final NotifyType MULTIPLE_AUTH_SUPPORTED = new NotifyType(16404);

  /** ANOTHER_AUTH_FOLLOWS (16405), RFC 4739. */
  public static final NotifyType ANOTHER_AUTH_FOLLOWS = new NotifyType(16405);

  /** REDIRECT_SUPPORTED (16406), RFC 5685. */
  public static final NotifyType REDIRECT_SUPPORTED = new NotifyType(16406);

  /** REDIRECT (16407), RFC 5685. */
  public static final NotifyType REDIRECT = new NotifyType(16407);

  /** REDIRECTED_FROM (16408), RFC 5685. */
  public static final NotifyType REDIRECTED_FROM = new NotifyType(16408);

  /** EAP_ONLY_AUTHENTICATION (16417), RFC 5998. */
  public static final NotifyType EAP_ONLY_AUTHENTICATION = new NotifyType(16417);

  /** CHILDLESS_IKEV2_SUPPORTED (16418), RFC 6023. */
  public static final NotifyType CHILDLESS_IKEV2_SUPPORTED = new NotifyType(16418);

  /** QUICK_CRASH_DETECTION (16419), RFC 6290. */
  public static final NotifyType QUICK_CRASH_DETECTION = new NotifyType(16419);

  /** IKEV2_FRAGMENTATION_SUPPORTED (16430), RFC 7383. */
  public static final NotifyType IKEV2_FRAGMENTATION_SUPPORTED = new NotifyType(16430);

  /** SIGNATURE_HASH_ALGORITHMS (16431), RFC 7427. */
  public static final NotifyType SIGNATURE_HASH_ALGORITHMS = new NotifyType(16431);

  /** CLONE_IKE_SA_SUPPORTED (16432), RFC 7791. */
  public static final NotifyType CLONE_IKE_SA_SUPPORTED = new NotifyType(16432);

  /** CLONE_IKE_SA (16433), RFC 7791. */
  public static final NotifyType CLONE_IKE_SA = new NotifyType(16433);

  /** PUZZLE (16434), RFC 8019. */
  public static final NotifyType PUZZLE = new NotifyType(16434);

  /** USE_PPK (16435), RFC 8784. */
  public static final NotifyType USE_PPK = new NotifyType(16435);

  /** PPK_IDENTITY (16436), RFC 8784. */
  public static final NotifyType PPK_IDENTITY = new NotifyType(16436);

  /** NO_PPK_AUTH (16437), RFC 8784. */
  public static final NotifyType NO_PPK_AUTH = new NotifyType(16437);

  /** INTERMEDIATE_EXCHANGE_SUPPORTED (16438), RFC 9242. */
  public static final NotifyType INTERMEDIATE_EXCHANGE_SUPPORTED = new NotifyType(16438);

  /** IP4_ALLOWED (16439), RFC 8983. */
  public static final NotifyType IP4_ALLOWED = new NotifyType(16439);

  /** IP6_ALLOWED (16440), RFC 8983. */
  public static final NotifyType IP6_ALLOWED = new NotifyType(16440);

  /** ADDITIONAL_KEY_EXCHANGE (16441), RFC 9370. */
  public static final NotifyType ADDITIONAL_KEY_EXCHANGE = new NotifyType(16441);

  /** USE_AGGFRAG (16442), RFC 9347. */
  public static final NotifyType USE_AGGFRAG = new NotifyType(16442);

  public NotifyType {
    Wire.requireRange("notify type", value, 0, 0xFFFF);
  }

  /** Whether this is an error type (RFC 7296 section 3.10.1: values below 16384). */
  public boolean isError() {
    return value < FIRST_STATUS_TYPE;
  }

  /** IANA name, or {@code NOTIFY_<n>} when unknown. */
  public String name() {
    return switch (value) {
      case 1 -> "UNSUPPORTED_CRITICAL_PAYLOAD";
      case 4 -> "INVALID_IKE_SPI";
      case 5 -> "INVALID_MAJOR_VERSION";
      case 7 -> "INVALID_SYNTAX";
      case 9 -> "INVALID_MESSAGE_ID";
      case 11 -> "INVALID_SPI";
      case 14 -> "NO_PROPOSAL_CHOSEN";
      case 17 -> "INVALID_KE_PAYLOAD";
      case 24 -> "AUTHENTICATION_FAILED";
      case 34 -> "SINGLE_PAIR_REQUIRED";
      case 35 -> "NO_ADDITIONAL_SAS";
      case 36 -> "INTERNAL_ADDRESS_FAILURE";
      case 37 -> "FAILED_CP_REQUIRED";
      case 38 -> "TS_UNACCEPTABLE";
      case 39 -> "INVALID_SELECTORS";
      case 40 -> "UNACCEPTABLE_ADDRESSES";
      case 41 -> "UNEXPECTED_NAT_DETECTED";
      case 42 -> "USE_ASSIGNED_HoA";
      case 43 -> "TEMPORARY_FAILURE";
      case 44 -> "CHILD_SA_NOT_FOUND";
      case 16384 -> "INITIAL_CONTACT";
      case 16385 -> "SET_WINDOW_SIZE";
      case 16386 -> "ADDITIONAL_TS_POSSIBLE";
      case 16387 -> "IPCOMP_SUPPORTED";
      case 16388 -> "NAT_DETECTION_SOURCE_IP";
      case 16389 -> "NAT_DETECTION_DESTINATION_IP";
      case 16390 -> "COOKIE";
      case 16391 -> "USE_TRANSPORT_MODE";
      case 16392 -> "HTTP_CERT_LOOKUP_SUPPORTED";
      case 16393 -> "REKEY_SA";
      case 16394 -> "ESP_TFC_PADDING_NOT_SUPPORTED";
      case 16395 -> "NON_FIRST_FRAGMENTS_ALSO";
      case 16396 -> "MOBIKE_SUPPORTED";
      case 16397 -> "ADDITIONAL_IP4_ADDRESS";
      case 16398 -> "ADDITIONAL_IP6_ADDRESS";
      case 16399 -> "NO_ADDITIONAL_ADDRESSES";
      case 16400 -> "UPDATE_SA_ADDRESSES";
      case 16401 -> "COOKIE2";
      case 16402 -> "NO_NATS_ALLOWED";
      case 16403 -> "AUTH_LIFETIME";
      case 16404 -> "MULTIPLE_AUTH_SUPPORTED";
      case 16405 -> "ANOTHER_AUTH_FOLLOWS";
      case 16406 -> "REDIRECT_SUPPORTED";
      case 16407 -> "REDIRECT";
      case 16408 -> "REDIRECTED_FROM";
      case 16417 -> "EAP_ONLY_AUTHENTICATION";
      case 16418 -> "CHILDLESS_IKEV2_SUPPORTED";
      case 16419 -> "QUICK_CRASH_DETECTION";
      case 16430 -> "IKEV2_FRAGMENTATION_SUPPORTED";
      case 16431 -> "SIGNATURE_HASH_ALGORITHMS";
      case 16432 -> "CLONE_IKE_SA_SUPPORTED";
      case 16433 -> "CLONE_IKE_SA";
      case 16434 -> "PUZZLE";
      case 16435 -> "USE_PPK";
      case 16436 -> "PPK_IDENTITY";
      case 16437 -> "NO_PPK_AUTH";
      case 16438 -> "INTERMEDIATE_EXCHANGE_SUPPORTED";
      case 16439 -> "IP4_ALLOWED";
      case 16440 -> "IP6_ALLOWED";
      case 16441 -> "ADDITIONAL_KEY_EXCHANGE";
      case 16442 -> "USE_AGGFRAG";
      default -> "NOTIFY_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
