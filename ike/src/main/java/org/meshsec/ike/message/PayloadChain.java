package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes and encodes a chain of payloads linked by their Next Payload fields (RFC 7296 section
 * 3.2), dispatching each body to its payload record. Package-private: {@link Message}, {@link
 * SkFraming} and {@link FragmentReassembler} use it.
 */
final class PayloadChain {
  private PayloadChain() {}

  /**
   * Decodes the chain starting with a payload of type {@code firstType} at {@code start}, which
   * must end exactly at {@code end}. Outside an SK payload ({@code insideSk} false) an SK or SKF
   * payload ends the chain and must extend to {@code end}; inside one they are an error.
   */
  static DecodeResult<List<Payload>> decode(
      byte[] buf, int start, int end, int firstType, boolean insideSk) {
    List<Payload> payloads = new ArrayList<>();
    int next = firstType;
    int pos = start;
    while (next != 0) {
      PayloadType type = new PayloadType(next);
      if (end - pos < Payload.HEADER_LENGTH) {
        return DecodeResult.fail(
            IkeParseError.Kind.TRUNCATED,
            pos,
            "payload " + type + " header needs 4 bytes, " + (end - pos) + " left");
      }
      next = Wire.u8(buf, pos);
      boolean critical = (buf[pos + 1] & 0x80) != 0;
      int length = Wire.u16(buf, pos + 2);
      if (length < Payload.HEADER_LENGTH || length > end - pos) {
        return DecodeResult.fail(
            IkeParseError.Kind.BAD_PAYLOAD_LENGTH,
            pos + 2,
            "payload " + type + " length " + length + " with " + (end - pos) + " bytes left");
      }
      int bodyOffset = pos + Payload.HEADER_LENGTH;
      int bodyLength = length - Payload.HEADER_LENGTH;
      if (type.equals(PayloadType.SK) || type.equals(PayloadType.SKF)) {
        if (insideSk) {
          return DecodeResult.fail(
              IkeParseError.Kind.INVALID_PAYLOAD, pos, type + " inside an encrypted payload");
        }
        if (pos + length != end) {
          return DecodeResult.fail(
              IkeParseError.Kind.TRAILING_DATA,
              pos + length,
              (end - pos - length) + " bytes after the " + type + " payload, which must be last");
        }
        PayloadType firstInner = new PayloadType(next);
        DecodeResult<? extends Payload> sealed =
            type.equals(PayloadType.SK)
                ? SealedSkPayload.decode(firstInner, buf, bodyOffset, bodyLength)
                : SkfPayload.decode(firstInner, buf, bodyOffset, bodyLength);
        if (sealed instanceof DecodeResult.Err<? extends Payload> e) {
          return e.cast();
        }
        payloads.add(sealed.orElseThrow());
        return DecodeResult.ok(payloads);
      }
      DecodeResult<? extends Payload> body =
          decodeBody(type, critical, buf, pos, bodyOffset, bodyLength);
      if (body instanceof DecodeResult.Err<? extends Payload> e) {
        return e.cast();
      }
      payloads.add(body.orElseThrow());
      pos += length;
    }
    if (pos != end) {
      return DecodeResult.fail(
          IkeParseError.Kind.TRAILING_DATA, pos, (end - pos) + " bytes after the last payload");
    }
    return DecodeResult.ok(payloads);
  }

  private static DecodeResult<? extends Payload> decodeBody(
      PayloadType type, boolean critical, byte[] buf, int headerOffset, int offset, int length) {
    return switch (type.value()) {
      case 33 -> SaPayload.decode(buf, offset, length);
      case 34 -> KePayload.decode(buf, offset, length);
      case 35 -> IdPayload.decode(true, buf, offset, length);
      case 36 -> IdPayload.decode(false, buf, offset, length);
      case 37 -> CertPayload.decode(buf, offset, length);
      case 38 -> CertReqPayload.decode(buf, offset, length);
      case 39 -> AuthPayload.decode(buf, offset, length);
      case 40 -> NoncePayload.decode(buf, offset, length);
      case 41 -> NotifyPayload.decode(buf, offset, length);
      case 42 -> DeletePayload.decode(buf, offset, length);
      case 43 -> VendorIdPayload.decode(buf, offset, length);
      case 44 -> TsPayload.decode(true, buf, offset, length);
      case 45 -> TsPayload.decode(false, buf, offset, length);
      case 47 -> CpPayload.decode(buf, offset, length);
      case 48 -> EapPayload.decode(buf, offset, length);
      default -> UnknownPayload.decode(type, critical, buf, headerOffset, length);
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

  /** Type of the first payload, or {@code last} if the chain is empty. */
  static PayloadType firstType(List<Payload> payloads, PayloadType last) {
    return payloads.isEmpty() ? last : payloads.get(0).type();
  }

  /**
   * Writes the chain; the last payload's Next Payload is {@code lastNext}. An SK or SKF payload's
   * Next Payload is always its first inner payload type.
   */
  static void encode(List<Payload> payloads, ByteBuffer out, PayloadType lastNext) {
    for (int i = 0; i < payloads.size(); i++) {
      Payload p = payloads.get(i);
      PayloadType next = i + 1 < payloads.size() ? payloads.get(i + 1).type() : lastNext;
      if (p instanceof SealedSkPayload s) {
        next = s.firstPayloadType();
      } else if (p instanceof SkfPayload f) {
        next = f.firstPayloadType();
      }
      int length = Payload.HEADER_LENGTH + p.bodyLength();
      if (length > 0xFFFF) {
        throw new IllegalStateException(p.type() + " payload of " + length + " bytes");
      }
      Wire.putU8(out, next.value());
      Wire.putU8(out, p.critical() ? 0x80 : 0);
      Wire.putU16(out, length);
      int before = out.position();
      p.encodeBody(out);
      if (out.position() - before != length - Payload.HEADER_LENGTH) {
        throw new IllegalStateException(p.type() + " wrote a body of unexpected length");
      }
    }
  }

  /** The chain as a fresh array. */
  static byte[] encode(List<Payload> payloads) {
    ByteBuffer out = ByteBuffer.allocate(encodedLength(payloads));
    encode(payloads, out, PayloadType.NONE);
    return out.array();
  }
}
