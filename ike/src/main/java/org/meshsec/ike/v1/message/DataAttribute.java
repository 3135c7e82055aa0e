package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * A Data Attribute (RFC 2408 section 3.3), basic (TV) or variable (TLV) length, as used in
 * transforms (phase 1 attributes of RFC 2409 appendix A, IPsec DOI attributes of RFC 2407 section
 * 4.5) and in the RESPONDER-LIFETIME notification (RFC 2407 section 4.6.3.1).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !A!       Attribute Type        !    AF=0  Attribute Length     !
 * !F!                             !    AF=1  Attribute Value      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                   AF=0  Attribute Value                       .
 * .                   AF=1  Not Transmitted                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The format is kept so that a decoded attribute re-encodes byte for byte (a Life Duration may be
 * sent either way, RFC 2409 appendix A). A basic attribute's value is exactly 2 bytes.
 *
 * @param type the 15-bit attribute type (its meaning depends on the DOI and the protocol)
 * @param basic true for TV (AF = 1), false for TLV
 * @param value the attribute value, 2 bytes when basic
 */
public record DataAttribute(int type, boolean basic, Bytes value) {
  public DataAttribute {
    Wire.requireRange("attribute type", type, 0, 0x7FFF);
    Objects.requireNonNull(value, "value");
    if (basic && value.length() != 2) {
      throw new IllegalArgumentException("a basic attribute has a 2-byte value");
    }
    Wire.requireRange("attribute length", value.length(), 0, 0xFFFF);
  }

  /** A basic (TV) attribute with a 16-bit value. */
  public static DataAttribute basic(int type, int value) {
    Wire.requireRange("basic attribute value", value, 0, 0xFFFF);
    return new DataAttribute(type, true, Bytes.of((byte) (value >>> 8), (byte) value));
  }

  /** A variable (TLV) attribute. */
  public static DataAttribute variable(int type, Bytes value) {
    return new DataAttribute(type, false, value);
  }

  /**
   * An attribute whose value is a number, basic if it fits 16 bits, else variable with the shortest
   * of 4 or 8 bytes (the usual encoding of a long Life Duration).
   */
  public static DataAttribute number(int type, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative attribute value");
    }
    if (value <= 0xFFFF) {
      return basic(type, (int) value);
    }
    int n = value <= 0xFFFF_FFFFL ? 4 : 8;
    byte[] b = new byte[n];
    long v = value;
    for (int i = n - 1; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return variable(type, Bytes.of(b));
  }

  /**
   * The value as an unsigned number (basic, or variable of 1..8 bytes; a longer variable value
   * gives -1).
   */
  public long longValue() {
    if (value.isEmpty() || value.length() > 8) {
      return -1;
    }
    long v = value.toLong();
    return value.length() == 8 && v < 0 ? -1 : v;
  }

  /** Encoded size: 4 for basic, 4 + value length for variable. */
  public int encodedLength() {
    return basic ? 4 : 4 + value.length();
  }

  /** Writes the attribute. */
  public void encode(ByteBuffer out) {
    Wire.putU16(out, (basic ? 0x8000 : 0) | type);
    if (basic) {
      value.writeTo(out);
    } else {
      Wire.putU16(out, value.length());
      value.writeTo(out);
    }
  }

  /** Total encoded size of a list. */
  public static int encodedLength(List<DataAttribute> attributes) {
    int n = 0;
    for (DataAttribute a : attributes) {
      n += a.encodedLength();
    }
    return n;
  }

  /**
   * Decodes attributes filling {@code [offset, offset + length)} exactly; a TLV running past the
   * end is PAYLOAD-MALFORMED, as is a trailing fragment shorter than 4 bytes.
   */
  public static ParseResult<List<DataAttribute>> decodeAll(byte[] buf, int offset, int length) {
    List<DataAttribute> out = new ArrayList<>();
    int pos = offset;
    int end = offset + length;
    while (pos < end) {
      if (end - pos < 4) {
        return ParseResult.fail(
            ParseError.Kind.TRUNCATED,
            pos,
            "data attribute needs 4 bytes, " + (end - pos) + " left");
      }
      int word = Wire.u16(buf, pos);
      int type = word & 0x7FFF;
      if ((word & 0x8000) != 0) {
        out.add(new DataAttribute(type, true, Bytes.copyOf(buf, pos + 2, 2)));
        pos += 4;
      } else {
        int n = Wire.u16(buf, pos + 2);
        if (n > end - pos - 4) {
          return ParseResult.fail(
              ParseError.Kind.BAD_PAYLOAD_LENGTH,
              pos + 2,
              "attribute " + type + " length " + n + " with " + (end - pos - 4) + " bytes left");
        }
        out.add(new DataAttribute(type, false, Bytes.copyOf(buf, pos + 4, n)));
        pos += 4 + n;
      }
    }
    return ParseResult.ok(out);
  }

  /** Writes each attribute in order. */
  public static void encodeAll(List<DataAttribute> attributes, ByteBuffer out) {
    for (DataAttribute a : attributes) {
      a.encode(out);
    }
  }

  @Override
  public String toString() {
    return (basic ? "TV " : "TLV ") + type + "=" + (value.length() <= 8 ? longValue() : value);
  }
}
