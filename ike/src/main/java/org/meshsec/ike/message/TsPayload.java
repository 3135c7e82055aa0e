package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Traffic Selector payload, TSi/TSr (RFC 7296 section 3.13).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of TSs |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       <Traffic Selectors>                     ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation: Number of TSs matches the selectors present, which fill the body exactly;
 * TS_IPV4_ADDR_RANGE selectors are 16 bytes, TS_IPV6_ADDR_RANGE 40 bytes, others at least 4.
 */
public record TsPayload(boolean initiator, List<TrafficSelector> selectors) implements Payload {
  public TsPayload {
    selectors = List.copyOf(selectors);
    Wire.requireRange("TS count", selectors.size(), 0, 255);
  }

  @Override
  public PayloadType type() {
    return initiator ? PayloadType.TSI : PayloadType.TSR;
  }

  public static DecodeResult<TsPayload> decode(
      boolean initiator, byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "TS body needs 4 bytes");
    }
    int count = Wire.u8(buf, offset);
    int end = offset + length;
    int pos = offset + 4;
    List<TrafficSelector> selectors = new ArrayList<>(count);
    while (pos < end) {
      if (end - pos < 4) {
        return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, pos, "selector header needs 4");
      }
      TsType type = new TsType(Wire.u8(buf, pos));
      int protocol = Wire.u8(buf, pos + 1);
      int selectorLength = Wire.u16(buf, pos + 2);
      if (selectorLength < 4 || selectorLength > end - pos) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos + 2,
            "selector length " + selectorLength + " does not fit");
      }
      if (type.isAddressRange()) {
        int addressLength = type.addressLength();
        if (selectorLength != 8 + 2 * addressLength) {
          return DecodeResult.fail(
              IkeParseError.Kind.INVALID_PAYLOAD,
              pos + 2,
              type + " selector length " + selectorLength + " != " + (8 + 2 * addressLength));
        }
        selectors.add(
            new TrafficSelector.AddressRange(
                type,
                protocol,
                Wire.u16(buf, pos + 4),
                Wire.u16(buf, pos + 6),
                Bytes.copyOf(buf, pos + 8, addressLength),
                Bytes.copyOf(buf, pos + 8 + addressLength, addressLength)));
      } else {
        selectors.add(
            new TrafficSelector.Opaque(
                type, protocol, Bytes.copyOf(buf, pos + 4, selectorLength - 4)));
      }
      pos += selectorLength;
    }
    if (selectors.size() != count) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          offset,
          "Number of TSs " + count + " but " + selectors.size() + " present");
    }
    return DecodeResult.ok(new TsPayload(initiator, selectors));
  }

  @Override
  public int bodyLength() {
    int n = 4;
    for (TrafficSelector s : selectors) {
      n += s.encodedLength();
    }
    return n;
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, selectors.size());
    Wire.putU8(out, 0);
    Wire.putU16(out, 0);
    for (TrafficSelector s : selectors) {
      s.encode(out);
    }
  }
}
