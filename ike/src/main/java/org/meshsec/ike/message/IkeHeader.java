package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The IKE header, HDR (RFC 7296 section 3.1).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Responder's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Flags: |X|X|R|V|I|X|X|X|   (X bits are sent as zero and ignored on receipt)
 * </pre>
 *
 * SPIs are kept as {@code long} (all 64 bits), Message ID and Length as unsigned 32-bit values in a
 * {@code long}. {@link #nextPayload()} and {@link #length()} are the wire values of a decoded
 * message; when encoding, {@link Message} computes both and ignores what the record holds.
 *
 * <p>{@link #decode(byte[])} accepts any version so that an IKEv1 or future-version message can be
 * recognised; {@link Message#decode(byte[])} requires major version 2.
 *
 * <p>Immutable and thread-safe.
 */
public record IkeHeader(
    long initiatorSpi,
    long responderSpi,
    PayloadType nextPayload,
    int majorVersion,
    int minorVersion,
    ExchangeType exchangeType,
    boolean initiatorFlag,
    boolean versionFlag,
    boolean responseFlag,
    long messageId,
    long length) {

  /** Size of the header. */
  public static final int LENGTH = 28;

  /** Offset of the Next Payload field. */
  public static final int OFFSET_NEXT_PAYLOAD = 16;

  /** Offset of the version octet (MjVer in the high nibble). */
  public static final int OFFSET_VERSION = 17;

  /** Offset of the Exchange Type field. */
  public static final int OFFSET_EXCHANGE_TYPE = 18;

  /** Offset of the Flags field. */
  public static final int OFFSET_FLAGS = 19;

  /** Offset of the Message ID field. */
  public static final int OFFSET_MESSAGE_ID = 20;

  /** Offset of the Length field. */
  public static final int OFFSET_LENGTH = 24;

  /** The Initiator flag: set by the original initiator of the IKE SA. */
  public static final int FLAG_INITIATOR = 0x08;

  /** The Version flag: the sender can speak a higher major version. */
  public static final int FLAG_VERSION = 0x10;

  /** The Response flag: this message is a response. */
  public static final int FLAG_RESPONSE = 0x20;

  public IkeHeader {
    Objects.requireNonNull(nextPayload, "nextPayload");
    Objects.requireNonNull(exchangeType, "exchangeType");
    Wire.requireRange("major version", majorVersion, 0, 15);
    Wire.requireRange("minor version", minorVersion, 0, 15);
    Wire.requireRange("message id", messageId, 0, 0xFFFF_FFFFL);
    Wire.requireRange("length", length, 0, 0xFFFF_FFFFL);
  }

  /** A version 2.0 header to be encoded; Next Payload and Length are filled in by the encoder. */
  public static IkeHeader of(
      long initiatorSpi,
      long responderSpi,
      ExchangeType exchangeType,
      boolean initiatorFlag,
      boolean responseFlag,
      long messageId) {
    return new IkeHeader(
        initiatorSpi,
        responderSpi,
        PayloadType.NONE,
        2,
        0,
        exchangeType,
        initiatorFlag,
        false,
        responseFlag,
        messageId,
        0);
  }

  /** Whether this is a request (Response flag clear). */
  public boolean isRequest() {
    return !responseFlag;
  }

  /** The flags octet. */
  public int flags() {
    return (initiatorFlag ? FLAG_INITIATOR : 0)
        | (versionFlag ? FLAG_VERSION : 0)
        | (responseFlag ? FLAG_RESPONSE : 0);
  }

  /** This header with the given wire Next Payload and Length. */
  public IkeHeader withWireFields(PayloadType nextPayload, long length) {
    return new IkeHeader(
        initiatorSpi,
        responderSpi,
        nextPayload,
        majorVersion,
        minorVersion,
        exchangeType,
        initiatorFlag,
        versionFlag,
        responseFlag,
        messageId,
        length);
  }

  /** Decodes the first 28 bytes of {@code datagram}; any version is accepted. */
  public static DecodeResult<IkeHeader> decode(byte[] datagram) {
    if (datagram.length < LENGTH) {
      return DecodeResult.fail(
          IkeParseError.Kind.TRUNCATED,
          0,
          "datagram of " + datagram.length + " bytes is shorter than the IKE header");
    }
    int version = Wire.u8(datagram, OFFSET_VERSION);
    int flags = Wire.u8(datagram, OFFSET_FLAGS);
    return DecodeResult.ok(
        new IkeHeader(
            Wire.u64(datagram, 0),
            Wire.u64(datagram, 8),
            new PayloadType(Wire.u8(datagram, OFFSET_NEXT_PAYLOAD)),
            version >>> 4,
            version & 0x0F,
            new ExchangeType(Wire.u8(datagram, OFFSET_EXCHANGE_TYPE)),
            (flags & FLAG_INITIATOR) != 0,
            (flags & FLAG_VERSION) != 0,
            (flags & FLAG_RESPONSE) != 0,
            Wire.u32(datagram, OFFSET_MESSAGE_ID),
            Wire.u32(datagram, OFFSET_LENGTH)));
  }

  /** Writes the 28 header bytes as held in this record. */
  public void encode(ByteBuffer out) {
    out.putLong(initiatorSpi);
    out.putLong(responderSpi);
    Wire.putU8(out, nextPayload.value());
    Wire.putU8(out, (majorVersion << 4) | minorVersion);
    Wire.putU8(out, exchangeType.value());
    Wire.putU8(out, flags());
    Wire.putU32(out, messageId);
    Wire.putU32(out, length);
  }

  @Override
  public String toString() {
    return String.format(
        "HDR[%016x/%016x %s %s %d v%d.%d%s%s%s next=%s len=%d]",
        initiatorSpi,
        responderSpi,
        exchangeType,
        responseFlag ? "response" : "request",
        messageId,
        majorVersion,
        minorVersion,
        initiatorFlag ? " I" : "",
        versionFlag ? " V" : "",
        responseFlag ? " R" : "",
        nextPayload,
        length);
  }
}
