package org.meshsec.ike.message;

/**
 * An IKEv2 exchange type from the IANA registry "IKEv2 Exchange Types" (RFC 7296 section 3.1). A
 * value type: unknown numbers are kept, so a message with a future exchange type still decodes and
 * can be answered or ignored by the caller.
 */
public record ExchangeType(int value) {
  /** IKE_SA_INIT (34), RFC 7296 section 1.2. */
  public static final ExchangeType IKE_SA_INIT = new ExchangeType(34);

  /** IKE_AUTH (35), RFC 7296 section 1.2. */
  public static final ExchangeType IKE_AUTH = new ExchangeType(35);

  /** CREATE_CHILD_SA (36), RFC 7296 section 1.3. */
  public static final ExchangeType CREATE_CHILD_SA = new ExchangeType(36);

  /** INFORMATIONAL (37), RFC 7296 section 1.4. */
  public static final ExchangeType INFORMATIONAL = new ExchangeType(37);

  /** IKE_SESSION_RESUME (38), RFC 5723. */
  public static final ExchangeType IKE_SESSION_RESUME = new ExchangeType(38);

  /** IKE_INTERMEDIATE (43), RFC 9242. */
  public static final ExchangeType IKE_INTERMEDIATE = new ExchangeType(43);

  /** IKE_FOLLOWUP_KE (44), RFC 9370. */
  public static final ExchangeType IKE_FOLLOWUP_KE = new ExchangeType(44);

  public ExchangeType {
    Wire.requireRange("exchange type", value, 0, 255);
  }

  /** IANA name, or {@code EXCHANGE_<n>} when unknown. */
  public String name() {
    return switch (value) {
      case 34 -> "IKE_SA_INIT";
      case 35 -> "IKE_AUTH";
      case 36 -> "CREATE_CHILD_SA";
      case 37 -> "INFORMATIONAL";
      case 38 -> "IKE_SESSION_RESUME";
      case 43 -> "IKE_INTERMEDIATE";
      case 44 -> "IKE_FOLLOWUP_KE";
      default -> "EXCHANGE_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
