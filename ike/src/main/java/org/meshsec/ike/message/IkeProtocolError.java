package org.meshsec.ike.message;

import java.util.Objects;

/**
 * A protocol error to report to the peer: the Notify Message Type and its optional notification
 * data (RFC 7296 section 2.21). Produced by the codec ({@link IkeParseError#reply()}), by {@link
 * ExchangeRules} and later by exchange tasks; turned into a Notify payload in one place, {@link
 * #toNotifyPayload()}, so every error response has the same shape.
 *
 * <p>Errors about the IKE SA carry no SPI (RFC 7296 section 3.10: "For a notification concerning
 * the IKE SA, the SPI Size MUST be zero"); Child SA errors that need one (INVALID_SPI,
 * CHILD_SA_NOT_FOUND) put the SPI in the data as the RFC prescribes.
 */
public record IkeProtocolError(NotifyType type, Bytes data) {
  public IkeProtocolError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
  }

  /** An error without notification data. */
  public static IkeProtocolError of(NotifyType type) {
    return new IkeProtocolError(type, Bytes.EMPTY);
  }

  /** INVALID_SYNTAX (7) without data. */
  public static IkeProtocolError invalidSyntax() {
    return of(NotifyType.INVALID_SYNTAX);
  }

  /**
   * UNSUPPORTED_CRITICAL_PAYLOAD (1) whose notification data is the one-octet payload type (RFC
   * 7296 section 2.5).
   */
  public static IkeProtocolError unsupportedCriticalPayload(PayloadType type) {
    return new IkeProtocolError(
        NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, Bytes.of((byte) type.value()));
  }

  /** The Notify payload that reports this error: protocol 0, no SPI, this type and data. */
  public NotifyPayload toNotifyPayload() {
    return new NotifyPayload(ProtocolId.NONE, Bytes.EMPTY, type, data);
  }

  @Override
  public String toString() {
    return data.isEmpty() ? type.name() : type.name() + "(" + data + ")";
  }
}
