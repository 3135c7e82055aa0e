package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Nonce payload, Ni/Nr (RFC 7296 section 3.9).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                            Nonce Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation: "The size of the Nonce Data MUST be between 16 and 256 octets, inclusive."
 */
public record NoncePayload(Bytes nonce) implements Payload {
  public static final int MIN_LENGTH = 16;
  public static final int MAX_LENGTH = 256;

  public NoncePayload {
    Objects.requireNonNull(nonce, "nonce");
    Wire.requireRange("nonce length", nonce.length(), MIN_LENGTH, MAX_LENGTH);
  }

  @Override
  public PayloadType type() {
    return PayloadType.NONCE;
  }

  public static DecodeResult<NoncePayload> decode(byte[] buf, int offset, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          offset,
          "nonce of " + length + " bytes, must be 16..256");
    }
    return DecodeResult.ok(new NoncePayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public int bodyLength() {
    return nonce.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    nonce.writeTo(out);
  }
}
