package org.meshsec.ike.message;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a datagram is not an acceptable IKEv2 message: a {@link Kind}, the byte offset of the
 * offending field, a human-readable detail (structure only, never payload content) and the error to
 * report to the peer, if any.
 *
 * <p>Offsets are into the datagram, except for errors found inside an SK payload (offsets into the
 * decrypted copy of the datagram, so they still point at the same position) and inside a
 * reassembled fragmented message (offsets into the reassembled plaintext). Message-level rule
 * violations found by {@link ExchangeRules} have offset -1.
 *
 * <p>Whether the reply is actually sent depends on context the codec lacks (RFC 7296 section 2.21:
 * errors in unauthenticated messages are answered only in IKE_SA_INIT, never for a message whose
 * integrity check failed); the {@link #reply()} is what to send if anything is sent.
 */
public record IkeParseError(
    Kind kind, int offset, String detail, Optional<IkeProtocolError> reply) {

  /** The classes of decoding and validation failure. */
  public enum Kind {
    /** Fewer bytes than a fixed-size structure needs (header, payload header, substructure). */
    TRUNCATED(true),
    /** The header Length differs from the datagram length (RFC 7296 section 3.1). */
    BAD_MESSAGE_LENGTH(true),
    /** The datagram or the header Length exceeds {@link Message#MAX_MESSAGE_LENGTH}. */
    MESSAGE_TOO_LARGE(true),
    /** Major version is not 2 (RFC 7296 section 2.5); answered with INVALID_MAJOR_VERSION. */
    INVALID_MAJOR_VERSION(true),
    /** A Payload Length below 4 or past the end of the message or the enclosing structure. */
    BAD_PAYLOAD_LENGTH(true),
    /** Bytes after the last payload, or after the SK payload, which must be last. */
    TRAILING_DATA(true),
    /** An unrecognized payload with the critical bit set (RFC 7296 section 2.5). */
    UNSUPPORTED_CRITICAL_PAYLOAD(true),
    /** A field inside a payload breaks its section's rules (counts, sizes, ranges). */
    INVALID_PAYLOAD(true),
    /** The SK/SKF Integrity Checksum Data did not verify: drop silently. */
    INTEGRITY_CHECK_FAILED(false),
    /** After successful decryption, the Pad Length exceeds the decrypted content. */
    INVALID_PADDING(true),
    /** A payload appears fewer times than its exchange requires ({@link ExchangeRules}). */
    MISSING_PAYLOAD(true),
    /** A payload appears more times than its exchange allows. */
    TOO_MANY_PAYLOADS(true),
    /** A known payload the exchange does not allow in this direction. */
    UNEXPECTED_PAYLOAD(true),
    /** A payload outside the SK payload in an exchange whose payloads must be encrypted. */
    UNENCRYPTED_PAYLOAD(true),
    /** {@link ExchangeRules} was given a message whose SK or SKF payload was not opened. */
    NOT_DECRYPTED(false),
    /** No exchange rules exist for the exchange type (an extension meshsec does not speak). */
    UNSUPPORTED_EXCHANGE(false),
    /** A fragment of another message, or one that does not fit the fragments held. */
    FRAGMENT_MISMATCH(false),
    /** A fragment number already received (a retransmission): ignore it. */
    DUPLICATE_FRAGMENT(false),
    /** Total Fragments above the reassembler's bound. */
    TOO_MANY_FRAGMENTS(false),
    /** The reassembled content would exceed the reassembler's bound. */
    REASSEMBLY_TOO_LARGE(false);

    private final boolean answered;

    Kind(boolean answered) {
      this.answered = answered;
    }
  }

  public IkeParseError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(reply, "reply");
  }

  /**
   * An error of {@code kind} with its default reply: INVALID_MAJOR_VERSION for that kind,
   * INVALID_SYNTAX for the other answered kinds, none for kinds that are dropped silently.
   */
  public static IkeParseError of(Kind kind, int offset, String detail) {
    if (kind == Kind.UNSUPPORTED_CRITICAL_PAYLOAD) {
      throw new IllegalArgumentException("use unsupportedCriticalPayload(offset, type)");
    }
    Optional<IkeProtocolError> reply =
        !kind.answered
            ? Optional.empty()
            : Optional.of(
                kind == Kind.INVALID_MAJOR_VERSION
                    ? IkeProtocolError.of(NotifyType.INVALID_MAJOR_VERSION)
                    : IkeProtocolError.invalidSyntax());
    return new IkeParseError(kind, offset, detail, reply);
  }

  /** An unrecognized critical payload of {@code type} whose generic header is at {@code offset}. */
  public static IkeParseError unsupportedCriticalPayload(int offset, PayloadType type) {
    return new IkeParseError(
        Kind.UNSUPPORTED_CRITICAL_PAYLOAD,
        offset,
        "unrecognized payload " + type.value() + " has the critical bit set",
        Optional.of(IkeProtocolError.unsupportedCriticalPayload(type)));
  }

  /** The Notify type to answer with, if any. */
  public Optional<NotifyType> notifyType() {
    return reply.map(IkeProtocolError::type);
  }

  @Override
  public String toString() {
    return kind
        + " at "
        + offset
        + ": "
        + detail
        + reply.map(r -> " (reply " + r + ")").orElse(" (no reply)");
  }
}
