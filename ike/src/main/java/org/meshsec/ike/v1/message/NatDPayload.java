package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * NAT Discovery payload, NAT-D (RFC 3947 section 3.2): HASH(CKY-I | CKY-R | IP | Port) with the
 * negotiated hash, one payload for the destination and one or more for the source addresses.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                                                               !
 * ~                  HASH of the address and port                 ~
 * !                                                               !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the data is not empty, else PAYLOAD-MALFORMED.
 */
public record NatDPayload(Bytes hash) implements Payload {
  /** Smallest accepted data length. */
  public static final int MIN_LENGTH = 1;

  /** Largest accepted data length. */
  public static final int MAX_LENGTH = MAX_BODY_LENGTH;

  public NatDPayload {
    Objects.requireNonNull(hash, "hash");
    Wire.requireRange("hash length", hash.length(), MIN_LENGTH, MAX_LENGTH);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<NatDPayload> decode(byte[] buf, int offset, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return ParseResult.invalid(
          NotifyType.PAYLOAD_MALFORMED,
          offset,
          "NAT_D payload data of " + length + " bytes, expected " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    return ParseResult.ok(new NatDPayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.NAT_D;
  }

  @Override
  public int bodyLength() {
    return hash.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    hash.writeTo(out);
  }
}
