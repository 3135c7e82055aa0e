package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Hash payload, HASH (RFC 2408 section 3.11): HASH_I / HASH_R of phase 1 or HASH(1), HASH(2),
 * HASH(3) of Quick Mode and informational exchanges (RFC 2409 sections 5 and 5.5), as long as the
 * negotiated prf output.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                                                               !
 * ~                           Hash Data                           ~
 * !                                                               !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the data is not empty, else INVALID-HASH-INFORMATION.
 */
public record HashPayload(Bytes hashData) implements Payload {
  /** Smallest accepted data length. */
  public static final int MIN_LENGTH = 1;

  /** Largest accepted data length. */
  public static final int MAX_LENGTH = MAX_BODY_LENGTH;

  public HashPayload {
    Objects.requireNonNull(hashData, "hashData");
    Wire.requireRange("hashData length", hashData.length(), MIN_LENGTH, MAX_LENGTH);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<HashPayload> decode(byte[] buf, int offset, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return ParseResult.invalid(
          NotifyType.INVALID_HASH_INFORMATION,
          offset,
          "HASH payload data of " + length + " bytes, expected " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    return ParseResult.ok(new HashPayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.HASH;
  }

  @Override
  public int bodyLength() {
    return hashData.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    hashData.writeTo(out);
  }
}
