package org.meshsec.ike.v1.message;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a datagram is not an acceptable ISAKMP message: a {@link Kind}, the byte offset of the
 * offending field, a detail naming the structure (never payload content, never key material) and
 * the Notify Message Type to report (RFC 2408 section 5 lists, per check, the notification a
 * receiver "MAY" send), or none where the message is dropped silently.
 *
 * <p>Offsets are into the datagram; for errors inside a decrypted body, into the datagram with the
 * plaintext in place of the ciphertext, so they still point at the same position. Message-level
 * rule violations found by {@link ExchangeRules} have offset -1.
 *
 * <p>Whether a notification is sent at all depends on context the codec lacks: before phase 1 is
 * authenticated an Informational exchange is unprotected and RFC 2408 section 5 leaves it optional.
 *
 * @param kind the class of failure
 * @param offset byte offset of the offending field
 * @param detail what is wrong, for logs
 * @param reply the notification to answer with, if any
 */
public record ParseError(Kind kind, int offset, String detail, Optional<NotifyType> reply) {

  /** The classes of decoding failure, each with its default notification. */
  public enum Kind {
    /** Fewer bytes than a fixed structure needs (RFC 2408 section 5.2, 5.3). */
    TRUNCATED(NotifyType.PAYLOAD_MALFORMED),
    /** The header Length differs from the datagram length (RFC 2408 section 5.2). */
    BAD_MESSAGE_LENGTH(NotifyType.UNEQUAL_PAYLOAD_LENGTHS),
    /** The datagram exceeds {@link IsakmpMessage#MAX_MESSAGE_LENGTH}: dropped. */
    MESSAGE_TOO_LARGE(null),
    /** Major version is not 1 (RFC 2408 section 5.2). */
    INVALID_MAJOR_VERSION(NotifyType.INVALID_MAJOR_VERSION),
    /** Minor version is not 0 (RFC 2408 section 5.2; RFC 2409 section 5 uses 1.0). */
    INVALID_MINOR_VERSION(NotifyType.INVALID_MINOR_VERSION),
    /** A flag bit other than E, C, A is set (RFC 2408 section 3.1: "MUST be set to 0"). */
    INVALID_FLAGS(NotifyType.INVALID_FLAGS),
    /** A Payload Length below 4 or past its container (RFC 2408 section 5.3). */
    BAD_PAYLOAD_LENGTH(NotifyType.PAYLOAD_MALFORMED),
    /** Bytes after the last payload of a plaintext message. */
    TRAILING_DATA(NotifyType.UNEQUAL_PAYLOAD_LENGTHS),
    /** A Next Payload value that may not appear here, e.g. a Proposal outside an SA payload. */
    INVALID_PAYLOAD_TYPE(NotifyType.INVALID_PAYLOAD_TYPE),
    /** A payload field breaks its section's rules (the notify says which rule). */
    INVALID_PAYLOAD(NotifyType.PAYLOAD_MALFORMED),
    /** The ciphertext is not a whole number of cipher blocks: dropped (RFC 2409 appendix B). */
    BAD_CIPHERTEXT_LENGTH(null),
    /** A plaintext body was given to decryption, or an encrypted one to the plaintext decoder. */
    ENCRYPTION_MISMATCH(null),
    /** A payload the exchange requires is absent ({@link ExchangeRules}). */
    MISSING_PAYLOAD(NotifyType.PAYLOAD_MALFORMED),
    /** A known payload the exchange does not carry, or one out of place ({@link ExchangeRules}). */
    UNEXPECTED_PAYLOAD(NotifyType.INVALID_PAYLOAD_TYPE),
    /** A payload appears more often than the exchange allows ({@link ExchangeRules}). */
    TOO_MANY_PAYLOADS(NotifyType.PAYLOAD_MALFORMED);

    private final NotifyType defaultNotify;

    Kind(NotifyType defaultNotify) {
      this.defaultNotify = defaultNotify;
    }

    /** The notification this kind answers with unless a payload rule names a better one. */
    public Optional<NotifyType> defaultNotify() {
      return Optional.ofNullable(defaultNotify);
    }
  }

  public ParseError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(reply, "reply");
  }

  /** An error of {@code kind} with its default notification. */
  public static ParseError of(Kind kind, int offset, String detail) {
    return new ParseError(kind, offset, detail, kind.defaultNotify());
  }

  /** An {@link Kind#INVALID_PAYLOAD} error answered with {@code notify}. */
  public static ParseError invalid(NotifyType notify, int offset, String detail) {
    return new ParseError(Kind.INVALID_PAYLOAD, offset, detail, Optional.of(notify));
  }

  @Override
  public String toString() {
    return kind
        + " at "
        + offset
        + ": "
        + detail
        + reply.map(n -> " (notify " + n + ")").orElse(" (drop)");
  }
}
