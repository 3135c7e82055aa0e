package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration payload, CP (RFC 7296 section 3.15), with its attributes kept generic.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C| RESERVED    |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   CFG Type    |                    RESERVED                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                   Configuration Attributes                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Attribute (section 3.15.1):
 * |R|         Attribute Type      |            Length             |
 * ~                             Value                             ~
 * </pre>
 *
 * Validation: attributes fill the body exactly and the defined types have the lengths of the
 * section 3.15.1 table ({@link CfgAttributeType#isValidLength(int)}). The R bit is reserved and
 * ignored.
 */
public record CpPayload(CfgType cfgType, List<Attribute> attributes) implements Payload {
  public CpPayload {
    Objects.requireNonNull(cfgType, "cfgType");
    attributes = List.copyOf(attributes);
  }

  /** One configuration attribute; an empty value asks for the attribute in a CFG_REQUEST. */
  public record Attribute(CfgAttributeType type, Bytes value) {
    public Attribute {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
      if (!type.isValidLength(value.length())) {
        throw new IllegalArgumentException(type + " value of " + value.length() + " bytes");
      }
      Wire.requireRange("attribute length", value.length(), 0, 0xFFFF);
    }

    /** A request for {@code type} (empty value). */
    public static Attribute request(CfgAttributeType type) {
      return new Attribute(type, Bytes.EMPTY);
    }
  }

  @Override
  public PayloadType type() {
    return PayloadType.CP;
  }

  public static DecodeResult<CpPayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "CP body needs 4 bytes");
    }
    CfgType cfgType = new CfgType(Wire.u8(buf, offset));
    int end = offset + length;
    int pos = offset + 4;
    List<Attribute> attributes = new ArrayList<>();
    while (pos < end) {
      if (end - pos < 4) {
        return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, pos, "attribute header needs 4");
      }
      CfgAttributeType type = new CfgAttributeType(Wire.u16(buf, pos) & 0x7FFF);
      int valueLength = Wire.u16(buf, pos + 2);
      if (valueLength > end - pos - 4) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos + 2,
            "attribute length " + valueLength + " does not fit");
      }
      if (!type.isValidLength(valueLength)) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos + 2,
            type + " value of " + valueLength + " bytes");
      }
      attributes.add(new Attribute(type, Bytes.copyOf(buf, pos + 4, valueLength)));
      pos += 4 + valueLength;
    }
    return DecodeResult.ok(new CpPayload(cfgType, attributes));
  }

  @Override
  public int bodyLength() {
    int n = 4;
    for (Attribute a : attributes) {
      n += 4 + a.value().length();
    }
    return n;
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, cfgType.value());
    Wire.putU8(out, 0);
    Wire.putU16(out, 0);
    for (Attribute a : attributes) {
      Wire.putU16(out, a.type().value());
      Wire.putU16(out, a.value().length());
      a.value().writeTo(out);
    }
  }
}
