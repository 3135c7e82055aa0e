package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Extensible Authentication payload, EAP (RFC 7296 section 3.16): one EAP message (RFC 3748).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       EAP Message                             ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * EAP Message: | Code | Identifier | Length (2) | Type | Type_Data...
 * </pre>
 *
 * Validation: at least the 4-byte EAP header, and the EAP Length field equals the message length.
 */
public record EapPayload(Bytes message) implements Payload {
  public EapPayload {
    Objects.requireNonNull(message, "message");
    Wire.requireRange("EAP message length", message.length(), 4, MAX_BODY_LENGTH);
    int eapLength = (message.getUnsigned(2) << 8) | message.getUnsigned(3);
    if (eapLength != message.length()) {
      throw new IllegalArgumentException(
          "EAP Length field " + eapLength + " != message length " + message.length());
    }
  }

  @Override
  public PayloadType type() {
    return PayloadType.EAP;
  }

  /** The EAP Code (1 Request, 2 Response, 3 Success, 4 Failure). */
  public int code() {
    return message.getUnsigned(0);
  }

  public static DecodeResult<EapPayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "EAP header needs 4 bytes");
    }
    int eapLength = Wire.u16(buf, offset + 2);
    if (eapLength != length) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          offset + 2,
          "EAP length " + eapLength + " != payload body " + length);
    }
    return DecodeResult.ok(new EapPayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public int bodyLength() {
    return message.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    message.writeTo(out);
  }
}
