package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Delete payload, D (RFC 7296 section 3.11).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~               Security Parameter Index(es) (SPI)              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation: the protocol is IKE (SPI Size 0 and no SPIs: the IKE SA is named by the header) or
 * AH/ESP (SPI Size 4); the body is exactly 4 + Num of SPIs * SPI Size bytes.
 */
public record DeletePayload(ProtocolId protocolId, List<Integer> childSpis) implements Payload {
  public DeletePayload {
    Objects.requireNonNull(protocolId, "protocolId");
    childSpis = List.copyOf(childSpis);
    if (protocolId.equals(ProtocolId.IKE)) {
      if (!childSpis.isEmpty()) {
        throw new IllegalArgumentException("deleting the IKE SA carries no SPIs");
      }
    } else if (!protocolId.isChildSaProtocol()) {
      throw new IllegalArgumentException("cannot delete protocol " + protocolId);
    }
    Wire.requireRange("SPI count", childSpis.size(), 0, (MAX_BODY_LENGTH - 4) / 4);
  }

  /** Deletes the IKE SA this message is sent under. */
  public static DeletePayload ikeSa() {
    return new DeletePayload(ProtocolId.IKE, List.of());
  }

  /** Deletes the Child SAs of {@code protocol} with the given inbound SPIs of the sender. */
  public static DeletePayload childSas(ProtocolId protocol, int... spis) {
    List<Integer> list = new ArrayList<>(spis.length);
    for (int spi : spis) {
      list.add(spi);
    }
    return new DeletePayload(protocol, list);
  }

  @Override
  public PayloadType type() {
    return PayloadType.DELETE;
  }

  public static DecodeResult<DeletePayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "Delete body needs 4 bytes");
    }
    ProtocolId protocol = new ProtocolId(Wire.u8(buf, offset));
    int spiSize = Wire.u8(buf, offset + 1);
    int count = Wire.u16(buf, offset + 2);
    if (protocol.equals(ProtocolId.IKE)) {
      if (spiSize != 0 || count != 0) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD, offset + 1, "IKE delete with SPIs");
      }
    } else if (protocol.isChildSaProtocol()) {
      if (spiSize != 4) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD, offset + 1, protocol + " SPI size " + spiSize);
      }
    } else {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD, offset, "delete of protocol " + protocol);
    }
    if (length != 4 + count * spiSize) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          offset + 2,
          count + " SPIs of " + spiSize + " bytes do not fill " + (length - 4));
    }
    List<Integer> spis = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spis.add((int) Wire.u32(buf, offset + 4 + 4 * i));
    }
    return DecodeResult.ok(new DeletePayload(protocol, spis));
  }

  @Override
  public int bodyLength() {
    return 4 + 4 * childSpis.size();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, protocolId.value());
    Wire.putU8(out, protocolId.equals(ProtocolId.IKE) ? 0 : 4);
    Wire.putU16(out, childSpis.size());
    for (int spi : childSpis) {
      out.putInt(spi);
    }
  }
}
