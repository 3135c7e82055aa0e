package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Nonce payload, Ni/Nr (RFC 2408 section 3.13); RFC 2409 section 5: "The length of nonce payload
 * MUST be between 8 and 256 bytes inclusive".
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                                                               !
 * ~                           Nonce Data                          ~
 * !                                                               !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the data is 8..256 bytes long, else PAYLOAD-MALFORMED.
 */
public record NoncePayload(Bytes nonceData) implements Payload {
  /** Smallest accepted data length. */
  public static final int MIN_LENGTH = 8;

  /** Largest accepted data length. */
  public static final int MAX_LENGTH = 256;

  public NoncePayload {
    Objects.requireNonNull(nonceData, "nonceData");
    Wire.requireRange("nonceData length", nonceData.length(), MIN_LENGTH, MAX_LENGTH);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<NoncePayload> decode(byte[] buf, int offset, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return ParseResult.invalid(
          NotifyType.PAYLOAD_MALFORMED,
          offset,
          "NONCE payload data of " + length + " bytes, expected " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    return ParseResult.ok(new NoncePayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.NONCE;
  }

  @Override
  public int bodyLength() {
    return nonceData.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    nonceData.writeTo(out);
  }
}
