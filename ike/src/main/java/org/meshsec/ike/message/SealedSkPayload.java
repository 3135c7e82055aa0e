package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A received SK payload (RFC 7296 section 3.14) that has not been decrypted: the type of its first
 * inner payload (carried in its Next Payload field) and the body, IV || ciphertext || ICV. {@link
 * Message#decode(byte[])} produces it; {@link Message#decode(byte[], SkCipher)} turns it into an
 * {@link SkPayload}. Encoding writes the body back unchanged.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Initialization Vector                     |
 * |         (length is block size for encryption algorithm)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Encrypted IKE Payloads                     ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record SealedSkPayload(PayloadType firstPayloadType, Bytes body) implements Payload {
  public SealedSkPayload {
    Objects.requireNonNull(firstPayloadType, "firstPayloadType");
    Objects.requireNonNull(body, "body");
    Wire.requireRange("SK body length", body.length(), 0, MAX_BODY_LENGTH);
  }

  @Override
  public PayloadType type() {
    return PayloadType.SK;
  }

  public static DecodeResult<SealedSkPayload> decode(
      PayloadType firstPayloadType, byte[] buf, int offset, int length) {
    return DecodeResult.ok(
        new SealedSkPayload(firstPayloadType, Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public int bodyLength() {
    return body.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    body.writeTo(out);
  }
}
