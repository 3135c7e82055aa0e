package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encrypted and Authenticated Fragment payload, SKF (RFC 7383 section 2.5), as received or as
 * produced by {@link IkeFragmenter}: fragment number, total fragments, the first inner payload type
 * (only in fragment 1; zero in the others) and the body IV || ciphertext || ICV. Each fragment is
 * protected on its own; {@link FragmentReassembler} verifies, decrypts and joins them.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Fragment Number        |        Total Fragments        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Initialization Vector                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Encrypted content                        ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation: 1 &lt;= Fragment Number &lt;= Total Fragments (RFC 7383 section 2.6: otherwise the
 * fragment is discarded).
 */
public record SkfPayload(
    int fragmentNumber, int totalFragments, PayloadType firstPayloadType, Bytes body)
    implements Payload {
  public SkfPayload {
    Wire.requireRange("total fragments", totalFragments, 1, 0xFFFF);
    Wire.requireRange("fragment number", fragmentNumber, 1, totalFragments);
    Objects.requireNonNull(firstPayloadType, "firstPayloadType");
    Objects.requireNonNull(body, "body");
    Wire.requireRange("SKF body length", body.length(), 0, MAX_BODY_LENGTH - 4);
  }

  @Override
  public PayloadType type() {
    return PayloadType.SKF;
  }

  public static DecodeResult<SkfPayload> decode(
      PayloadType firstPayloadType, byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "SKF body needs 4 bytes");
    }
    int number = Wire.u16(buf, offset);
    int total = Wire.u16(buf, offset + 2);
    if (total == 0 || number == 0 || number > total) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          offset,
          "fragment " + number + " of " + total + " is out of range");
    }
    return DecodeResult.ok(
        new SkfPayload(number, total, firstPayloadType, Bytes.copyOf(buf, offset + 4, length - 4)));
  }

  @Override
  public int bodyLength() {
    return 4 + body.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU16(out, fragmentNumber);
    Wire.putU16(out, totalFragments);
    body.writeTo(out);
  }
}
