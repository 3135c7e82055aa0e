package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Notification payload, N (RFC 2408 section 3.14), with the IPsec DOI status types of RFC 2407
 * section 4.6.3 and the Dead Peer Detection messages of RFC 3706 section 5.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                Security Parameter Index (SPI)                 ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Notification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The SPI of a notification about the ISAKMP SA (INITIAL-CONTACT, R-U-THERE, R-U-THERE-ACK) is the
 * 16-byte cookie pair, CKY-I | CKY-R (RFC 2407 section 4.6.3.3, RFC 3706 section 5); the DPD
 * messages carry a 4-byte sequence number as data. Validation at decode: the SPI fits the payload
 * (PAYLOAD-MALFORMED); DOI and types are not restricted (peers send DOI 0 and 1 alike).
 *
 * @param doi the Domain of Interpretation (1 for IPsec)
 * @param protocolId the protocol the SPI belongs to
 * @param spi the SPI, possibly empty
 * @param notifyType the Notify Message Type
 * @param data the Notification Data
 */
public record NotifyPayload(
    long doi, ProtocolId protocolId, Bytes spi, NotifyType notifyType, Bytes data)
    implements Payload {
  public NotifyPayload {
    Wire.requireRange("DOI", doi, 0, 0xFFFF_FFFFL);
    Objects.requireNonNull(protocolId, "protocolId");
    Objects.requireNonNull(spi, "spi");
    Objects.requireNonNull(notifyType, "notifyType");
    Objects.requireNonNull(data, "data");
    Wire.requireRange("SPI size", spi.length(), 0, 255);
  }

  /** A notification about the ISAKMP SA with the cookie pair as SPI (DOI IPsec). */
  public static NotifyPayload aboutIsakmpSa(
      NotifyType type, long initiatorCookie, long responderCookie, Bytes data) {
    return new NotifyPayload(
        SaPayload.DOI_IPSEC,
        ProtocolId.ISAKMP,
        cookiePair(initiatorCookie, responderCookie),
        type,
        data);
  }

  /** An R-U-THERE (or, with {@code ack}, R-U-THERE-ACK) with {@code sequence} (RFC 3706 5). */
  public static NotifyPayload dpd(
      boolean ack, long initiatorCookie, long responderCookie, long sequence) {
    Wire.requireRange("DPD sequence number", sequence, 0, 0xFFFF_FFFFL);
    byte[] seq = {
      (byte) (sequence >>> 24), (byte) (sequence >>> 16), (byte) (sequence >>> 8), (byte) sequence
    };
    return aboutIsakmpSa(
        ack ? NotifyType.R_U_THERE_ACK : NotifyType.R_U_THERE,
        initiatorCookie,
        responderCookie,
        Bytes.of(seq));
  }

  /** An error notification without SPI (DOI IPsec, protocol ISAKMP). */
  public static NotifyPayload error(NotifyType type) {
    return new NotifyPayload(
        SaPayload.DOI_IPSEC, ProtocolId.ISAKMP, Bytes.EMPTY, type, Bytes.EMPTY);
  }

  /**
   * A RESPONDER-LIFETIME for the SA with {@code spi} (RFC 2407 section 4.6.3.1): the data are SA
   * Life Type / SA Life Duration attributes.
   */
  public static NotifyPayload responderLifetime(
      ProtocolId protocol, Bytes spi, java.util.List<DataAttribute> attributes) {
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(DataAttribute.encodedLength(attributes));
    DataAttribute.encodeAll(attributes, out);
    return new NotifyPayload(
        SaPayload.DOI_IPSEC, protocol, spi, NotifyType.RESPONDER_LIFETIME, Bytes.of(out.array()));
  }

  /** The data as SA attributes (RESPONDER-LIFETIME), or the error if they do not parse. */
  public ParseResult<java.util.List<DataAttribute>> dataAttributes() {
    byte[] raw = data.toByteArray();
    return DataAttribute.decodeAll(raw, 0, raw.length);
  }

  /** CKY-I | CKY-R as 16 bytes. */
  public static Bytes cookiePair(long initiatorCookie, long responderCookie) {
    return Bytes.of(
        org.meshsec.ike.message.Bytes.concat(
            Bytes.bigEndian64(initiatorCookie), Bytes.bigEndian64(responderCookie)));
  }

  /** The DPD sequence number of an R-U-THERE / ACK, or -1 if the data is not 4 bytes. */
  public long dpdSequence() {
    return data.length() == 4 ? data.toLong() : -1;
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<NotifyPayload> decode(byte[] buf, int offset, int length) {
    if (length < 8) {
      return ParseResult.fail(
          ParseError.Kind.TRUNCATED, offset, "Notify payload body of " + length + " bytes");
    }
    int spiSize = Wire.u8(buf, offset + 5);
    if (spiSize > length - 8) {
      return ParseResult.invalid(
          NotifyType.PAYLOAD_MALFORMED,
          offset + 5,
          "SPI of " + spiSize + " bytes with " + (length - 8) + " left");
    }
    return ParseResult.ok(
        new NotifyPayload(
            Wire.u32(buf, offset),
            new ProtocolId(Wire.u8(buf, offset + 4)),
            Bytes.copyOf(buf, offset + 8, spiSize),
            new NotifyType(Wire.u16(buf, offset + 6)),
            Bytes.copyOf(buf, offset + 8 + spiSize, length - 8 - spiSize)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.NOTIFY;
  }

  @Override
  public int bodyLength() {
    return 8 + spi.length() + data.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU32(out, doi);
    Wire.putU8(out, protocolId.value());
    Wire.putU8(out, spi.length());
    Wire.putU16(out, notifyType.value());
    spi.writeTo(out);
    data.writeTo(out);
  }
}
