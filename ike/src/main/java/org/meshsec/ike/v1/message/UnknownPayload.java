package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * A payload of a type this codec has no record for, kept with its body. IKEv1 has no critical bit
 * (RFC 2408 section 3.2); RFC 2408 sections 5.2 and 5.3 let a receiver reject an unknown Next
 * Payload value with INVALID-PAYLOAD-TYPE, but the generic header makes it safe to skip, which is
 * what strongSwan does and what keeps extensions (draft NAT-T types 130/131, fragments 132) from
 * failing a whole message. The exchange decides whether it cares.
 *
 * @param type the payload type
 * @param body the payload body
 */
public record UnknownPayload(PayloadType type, Bytes body) implements Payload {
  public UnknownPayload {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(body, "body");
    if (type.isKnown() || type.value() <= PayloadType.TRANSFORM.value()) {
      throw new IllegalArgumentException("payload type " + type + " is not unknown");
    }
    Wire.requireRange("body length", body.length(), 0, MAX_BODY_LENGTH);
  }

  /** Keeps the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<UnknownPayload> decode(
      PayloadType type, byte[] buf, int offset, int length) {
    return ParseResult.ok(new UnknownPayload(type, Bytes.copyOf(buf, offset, length)));
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
