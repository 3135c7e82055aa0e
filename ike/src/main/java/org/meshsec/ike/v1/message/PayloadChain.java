package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.ike.message.Wire;

/**
 * Decodes and encodes a chain of payloads linked by their Next Payload fields (RFC 2408 section
 * 3.2), dispatching each body to its payload record, with bounds checks on every length.
 */
final class PayloadChain {
  private PayloadChain() {}

  /**
   * Decodes the chain starting with a payload of type {@code firstType} at {@code start}. A
   * plaintext message must end exactly at {@code end}; a decrypted body ({@code padded}) may have
   * padding after the last payload, which is skipped unchecked: RFC 2409 appendix B pads with
   * zeros, some peers end the padding with its length, strongSwan checks neither, and the content
   * is authenticated by the HASH payload anyway.
   */
  static ParseResult<List<Payload>> decode(
      byte[] buf, int start, int end, int firstType, boolean padded) {
    List<Payload> payloads = new ArrayList<>();
    int next = firstType;
    int pos = start;
    while (next != 0) {
      PayloadType type = new PayloadType(next);
      if (type.equals(PayloadType.PROPOSAL) || type.equals(PayloadType.TRANSFORM)) {
        return ParseResult.fail(
            ParseError.Kind.INVALID_PAYLOAD_TYPE, pos, type + " payload outside an SA payload");
      }
      if (end - pos < Payload.HEADER_LENGTH) {
        return ParseResult.fail(
            ParseError.Kind.TRUNCATED,
            pos,
            "payload " + type + " header needs 4 bytes, " + (end - pos) + " left");
      }
      next = Wire.u8(buf, pos);
      int length = Wire.u16(buf, pos + 2);
      if (length < Payload.HEADER_LENGTH || length > end - pos) {
        return ParseResult.fail(
            ParseError.Kind.BAD_PAYLOAD_LENGTH,
            pos + 2,
            "payload " + type + " length " + length + " with " + (end - pos) + " bytes left");
      }
      ParseResult<? extends Payload> body =
          decodeBody(type, buf, pos + Payload.HEADER_LENGTH, length - Payload.HEADER_LENGTH);
      if (body instanceof ParseResult.Err<? extends Payload> e) {
        return e.cast();
      }
      payloads.add(body.orElseThrow());
      pos += length;
    }
    if (pos != end && !padded) {
      return ParseResult.fail(
          ParseError.Kind.TRAILING_DATA, pos, (end - pos) + " bytes after the last payload");
    }
    return ParseResult.ok(payloads);
  }

  private static ParseResult<? extends Payload> decodeBody(
      PayloadType type, byte[] buf, int offset, int length) {
    return switch (type.value()) {
      case 1 -> SaPayload.decode(buf, offset, length);
      case 4 -> KePayload.decode(buf, offset, length);
      case 5 -> IdPayload.decode(buf, offset, length);
      case 6 -> CertPayload.decode(buf, offset, length);
      case 7 -> CertReqPayload.decode(buf, offset, length);
      case 8 -> HashPayload.decode(buf, offset, length);
      case 9 -> SigPayload.decode(buf, offset, length);
      case 10 -> NoncePayload.decode(buf, offset, length);
      case 11 -> NotifyPayload.decode(buf, offset, length);
      case 12 -> DeletePayload.decode(buf, offset, length);
      case 13 -> VendorIdPayload.decode(buf, offset, length);
      case 20 -> NatDPayload.decode(buf, offset, length);
      case 21 -> NatOaPayload.decode(buf, offset, length);
      default -> UnknownPayload.decode(type, buf, offset, length);
    };
  }

  /** Encoded length of the chain, generic headers included. */
  static int encodedLength(List<Payload> payloads) {
    int n = 0;
    for (Payload p : payloads) {
      n += Payload.HEADER_LENGTH + p.bodyLength();
    }
    return n;
  }

  /** Type of the first payload, NONE if the chain is empty. */
  static PayloadType firstType(List<Payload> payloads) {
    return payloads.isEmpty() ? PayloadType.NONE : payloads.get(0).type();
  }

  /** Writes the chain; the last payload's Next Payload is NONE. */
  static void encode(List<Payload> payloads, ByteBuffer out) {
    for (int i = 0; i < payloads.size(); i++) {
      Payload p = payloads.get(i);
      PayloadType next = i + 1 < payloads.size() ? payloads.get(i + 1).type() : PayloadType.NONE;
      int length = Payload.HEADER_LENGTH + p.bodyLength();
      if (length > 0xFFFF) {
        throw new IllegalStateException(p.type() + " payload of " + length + " bytes");
      }
      Wire.putU8(out, next.value());
      Wire.putU8(out, 0);
      Wire.putU16(out, length);
      int before = out.position();
      p.encodeBody(out);
      if (out.position() - before != length - Payload.HEADER_LENGTH) {
        throw new IllegalStateException(p.type() + " wrote a body of unexpected length");
      }
    }
  }
}
