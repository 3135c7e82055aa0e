package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.Wire;

/**
 * The ISAKMP header (RFC 2408 section 3.1), version 1.0 for IKEv1 (RFC 2409 section 5).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Initiator                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Responder                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Message ID                           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                            Length                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Flags: |X|X|X|X|X|A|C|E|   E = Encryption, C = Commit, A = Authentication Only
 * </pre>
 *
 * Unlike IKEv2 there is no initiator or response flag: who sent a message follows from the
 * exchange. With E set, everything after the header is ciphertext (RFC 2408 section 3.1, RFC 2409
 * appendix B); Next Payload still names the first (encrypted) payload. Cookies are kept as {@code
 * long} (all 64 bits), Message ID and Length as unsigned 32-bit values in a {@code long}. {@link
 * #nextPayload()} and {@link #length()} are the wire values of a decoded message; when encoding,
 * {@link IsakmpMessage} computes both.
 *
 * <p>Immutable and thread-safe.
 */
public record IsakmpHeader(
    long initiatorCookie,
    long responderCookie,
    PayloadType nextPayload,
    int majorVersion,
    int minorVersion,
    ExchangeType exchangeType,
    boolean encrypted,
    boolean commit,
    boolean authenticationOnly,
    long messageId,
    long length) {

  // RFC 7296 section 3.1 kept the ISAKMP header layout of RFC 2408 section 3.1 (only the flags
  // differ), so both codecs take the field offsets from one place: IkeHeader.

  /** Size of the header. */
  public static final int LENGTH = IkeHeader.LENGTH;

  /** Offset of the Next Payload field. */
  public static final int OFFSET_NEXT_PAYLOAD = IkeHeader.OFFSET_NEXT_PAYLOAD;

  /** Offset of the version octet (MjVer in the high nibble). */
  public static final int OFFSET_VERSION = IkeHeader.OFFSET_VERSION;

  /** Offset of the Exchange Type field. */
  public static final int OFFSET_EXCHANGE_TYPE = IkeHeader.OFFSET_EXCHANGE_TYPE;

  /** Offset of the Flags field. */
  public static final int OFFSET_FLAGS = IkeHeader.OFFSET_FLAGS;

  /** Offset of the Message ID field. */
  public static final int OFFSET_MESSAGE_ID = IkeHeader.OFFSET_MESSAGE_ID;

  /** Offset of the Length field. */
  public static final int OFFSET_LENGTH = IkeHeader.OFFSET_LENGTH;

  /** The Encryption flag. */
  public static final int FLAG_ENCRYPTION = 0x01;

  /** The Commit flag (RFC 2408 section 3.1, 4.6.3). */
  public static final int FLAG_COMMIT = 0x02;

  /** The Authentication Only flag. */
  public static final int FLAG_AUTH_ONLY = 0x04;

  public IsakmpHeader {
    Objects.requireNonNull(nextPayload, "nextPayload");
    Objects.requireNonNull(exchangeType, "exchangeType");
    Wire.requireRange("major version", majorVersion, 0, 15);
    Wire.requireRange("minor version", minorVersion, 0, 15);
    Wire.requireRange("message id", messageId, 0, 0xFFFF_FFFFL);
    Wire.requireRange("length", length, 0, 0xFFFF_FFFFL);
  }

  /** A version 1.0 header to be encoded; Next Payload, Length and E are set by the encoder. */
  public static IsakmpHeader of(
      long initiatorCookie, long responderCookie, ExchangeType exchangeType, long messageId) {
    return new IsakmpHeader(
        initiatorCookie,
        responderCookie,
        PayloadType.NONE,
        1,
        0,
        exchangeType,
        false,
        false,
        false,
        messageId,
        0);
  }

  /** The flags octet. */
  public int flags() {
    return (encrypted ? FLAG_ENCRYPTION : 0)
        | (commit ? FLAG_COMMIT : 0)
        | (authenticationOnly ? FLAG_AUTH_ONLY : 0);
  }

  /** This header with the given wire Next Payload, Encryption flag and Length. */
  public IsakmpHeader withWireFields(PayloadType nextPayload, boolean encrypted, long length) {
    return new IsakmpHeader(
        initiatorCookie,
        responderCookie,
        nextPayload,
        majorVersion,
        minorVersion,
        exchangeType,
        encrypted,
        commit,
        authenticationOnly,
        messageId,
        length);
  }

  /**
   * Decodes the first 28 bytes of {@code datagram}. Checks only what the header itself can show
   * (size, version 1.0, reserved flag bits); {@link IsakmpMessage#decode} checks the Length.
   */
  public static ParseResult<IsakmpHeader> decode(byte[] datagram) {
    if (datagram.length < LENGTH) {
      return ParseResult.fail(
          ParseError.Kind.TRUNCATED,
          0,
          "datagram of " + datagram.length + " bytes is shorter than the ISAKMP header");
    }
    int version = Wire.u8(datagram, OFFSET_VERSION);
    if (version >>> 4 != 1) {
      return ParseResult.fail(
          ParseError.Kind.INVALID_MAJOR_VERSION,
          OFFSET_VERSION,
          "major version " + (version >>> 4));
    }
    if ((version & 0x0F) != 0) {
      return ParseResult.fail(
          ParseError.Kind.INVALID_MINOR_VERSION,
          OFFSET_VERSION,
          "minor version " + (version & 0x0F));
    }
    int flags = Wire.u8(datagram, OFFSET_FLAGS);
    if ((flags & ~(FLAG_ENCRYPTION | FLAG_COMMIT | FLAG_AUTH_ONLY)) != 0) {
      return ParseResult.fail(
          ParseError.Kind.INVALID_FLAGS, OFFSET_FLAGS, "reserved flag bits set: " + flags);
    }
    return ParseResult.ok(
        new IsakmpHeader(
            Wire.u64(datagram, 0),
            Wire.u64(datagram, 8),
            new PayloadType(Wire.u8(datagram, OFFSET_NEXT_PAYLOAD)),
            version >>> 4,
            version & 0x0F,
            new ExchangeType(Wire.u8(datagram, OFFSET_EXCHANGE_TYPE)),
            (flags & FLAG_ENCRYPTION) != 0,
            (flags & FLAG_COMMIT) != 0,
            (flags & FLAG_AUTH_ONLY) != 0,
            Wire.u32(datagram, OFFSET_MESSAGE_ID),
            Wire.u32(datagram, OFFSET_LENGTH)));
  }

  /** Writes the 28 header bytes as held in this record. */
  public void encode(ByteBuffer out) {
    out.putLong(initiatorCookie);
    out.putLong(responderCookie);
    Wire.putU8(out, nextPayload.value());
    Wire.putU8(out, (majorVersion << 4) | minorVersion);
    Wire.putU8(out, exchangeType.value());
    Wire.putU8(out, flags());
    Wire.putU32(out, messageId);
    Wire.putU32(out, length);
  }

  /** The 28 header bytes as a fresh array. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(LENGTH);
    encode(out);
    return out.array();
  }

  @Override
  public String toString() {
    return String.format(
        "ISAKMP[%016x/%016x %s %d v%d.%d%s%s%s next=%s len=%d]",
        initiatorCookie,
        responderCookie,
        exchangeType,
        messageId,
        majorVersion,
        minorVersion,
        encrypted ? " E" : "",
        commit ? " C" : "",
        authenticationOnly ? " A" : "",
        nextPayload,
        length);
  }
}
