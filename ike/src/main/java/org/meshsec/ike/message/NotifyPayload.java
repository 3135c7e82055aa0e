package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Notify payload, N (RFC 7296 section 3.10).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                Security Parameter Index (SPI)                 ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Notification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the SPI fits; an AH/ESP SPI is 0 or 4 bytes; the data sizes the RFCs fix
 * for the types they define: NAT_DETECTION_*_IP 20 bytes (SHA-1, section 2.23), COOKIE 1..64 bytes
 * (section 2.6), INVALID_KE_PAYLOAD 2 bytes (section 1.3), SIGNATURE_HASH_ALGORITHMS a non-empty
 * list of 2-byte ids (RFC 7427 section 4), REKEY_SA with a 4-byte SPI (section 1.3.3). The Protocol
 * ID is not checked when there is no SPI ("MUST be ignored on receipt").
 */
public record NotifyPayload(ProtocolId protocolId, Bytes spi, NotifyType notifyType, Bytes data)
    implements Payload {
  public NotifyPayload {
    Objects.requireNonNull(protocolId, "protocolId");
    Objects.requireNonNull(spi, "spi");
    Objects.requireNonNull(notifyType, "notifyType");
    Objects.requireNonNull(data, "data");
    Wire.requireRange("SPI size", spi.length(), 0, 255);
    Wire.requireRange("notify body", 4 + spi.length() + data.length(), 4, MAX_BODY_LENGTH);
    String problem = problem(protocolId, spi.length(), notifyType, data.length());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A notification about the IKE SA (no SPI) without data. */
  public static NotifyPayload of(NotifyType type) {
    return new NotifyPayload(ProtocolId.NONE, Bytes.EMPTY, type, Bytes.EMPTY);
  }

  /** A notification about the IKE SA (no SPI) with data. */
  public static NotifyPayload of(NotifyType type, Bytes data) {
    return new NotifyPayload(ProtocolId.NONE, Bytes.EMPTY, type, data);
  }

  /** A notification about a Child SA of {@code protocol} identified by its 4-byte SPI. */
  public static NotifyPayload forChildSa(
      ProtocolId protocol, int spi, NotifyType type, Bytes data) {
    byte[] s = ByteBuffer.allocate(4).putInt(spi).array();
    return new NotifyPayload(protocol, Bytes.wrap(s), type, data);
  }

  @Override
  public PayloadType type() {
    return PayloadType.NOTIFY;
  }

  /** Why {@code data} does not suit {@code type}, or null. */
  static String problem(ProtocolId protocol, int spiSize, NotifyType type, int dataLength) {
    if (spiSize != 0 && protocol.isChildSaProtocol() && spiSize != 4) {
      return protocol + " notify SPI size " + spiSize + ", must be 4";
    }
    return switch (type.value()) {
      case 16388, 16389 -> dataLength == 20 ? null : type + " data " + dataLength + " != 20";
      case 16390 ->
          dataLength >= 1 && dataLength <= 64 ? null : "COOKIE of " + dataLength + " bytes";
      case 17 -> dataLength == 2 ? null : "INVALID_KE_PAYLOAD data " + dataLength + " != 2";
      case 16431 ->
          dataLength >= 2 && dataLength % 2 == 0
              ? null
              : "SIGNATURE_HASH_ALGORITHMS data of " + dataLength + " bytes";
      case 16393 -> spiSize == 4 ? null : "REKEY_SA SPI size " + spiSize + " != 4";
      default -> null;
    };
  }

  public static DecodeResult<NotifyPayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "Notify body needs 4 bytes");
    }
    ProtocolId protocol = new ProtocolId(Wire.u8(buf, offset));
    int spiSize = Wire.u8(buf, offset + 1);
    NotifyType type = new NotifyType(Wire.u16(buf, offset + 2));
    if (spiSize > length - 4) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          offset + 1,
          "notify SPI size " + spiSize + " too big");
    }
    int dataLength = length - 4 - spiSize;
    String problem = problem(protocol, spiSize, type, dataLength);
    if (problem != null) {
      return DecodeResult.fail(IkeParseError.Kind.INVALID_PAYLOAD, offset, problem);
    }
    return DecodeResult.ok(
        new NotifyPayload(
            protocol,
            Bytes.copyOf(buf, offset + 4, spiSize),
            type,
            Bytes.copyOf(buf, offset + 4 + spiSize, dataLength)));
  }

  @Override
  public int bodyLength() {
    return 4 + spi.length() + data.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, protocolId.value());
    Wire.putU8(out, spi.length());
    Wire.putU16(out, notifyType.value());
    spi.writeTo(out);
    data.writeTo(out);
  }
}
