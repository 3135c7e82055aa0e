package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A payload of a type this codec does not understand, kept with its critical bit and body (RFC 7296
 * section 3.2). A received unknown payload always has the critical bit clear: with the bit set the
 * decoder rejects the whole message with UNSUPPORTED_CRITICAL_PAYLOAD (section 2.5). Exchange rule
 * checks skip unknown payloads.
 */
public record UnknownPayload(PayloadType type, boolean critical, Bytes body) implements Payload {
  public UnknownPayload {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(body, "body");
    if (type.isKnown() || type.value() == 0) {
      throw new IllegalArgumentException("payload type " + type + " is not unknown");
    }
    Wire.requireRange("body length", body.length(), 0, MAX_BODY_LENGTH);
  }

  /** Decodes the body of an unrecognized payload; a set critical bit is an error. */
  public static DecodeResult<UnknownPayload> decode(
      PayloadType type, boolean critical, byte[] buf, int headerOffset, int bodyLength) {
    if (critical) {
      return DecodeResult.err(IkeParseError.unsupportedCriticalPayload(headerOffset, type));
    }
    return DecodeResult.ok(
        new UnknownPayload(type, false, Bytes.copyOf(buf, headerOffset + 4, bodyLength)));
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
