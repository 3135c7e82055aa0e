package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Certificate payload, CERT (RFC 7296 section 3.6).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * ~                       Certificate Data                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation: the data is not empty; Hash and URL encodings carry a 20-byte SHA-1 hash and a
 * non-empty URL. The certificate itself is parsed by the authentication code.
 */
public record CertPayload(CertEncoding encoding, Bytes data) implements Payload {
  public CertPayload {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(data, "data");
    Wire.requireRange("certificate data length", data.length(), 1, MAX_BODY_LENGTH - 1);
    if (encoding.isHashAndUrl() && data.length() <= 20) {
      throw new IllegalArgumentException("Hash and URL needs a 20-byte hash and a URL");
    }
  }

  @Override
  public PayloadType type() {
    return PayloadType.CERT;
  }

  public static DecodeResult<CertPayload> decode(byte[] buf, int offset, int length) {
    if (length < 2) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD, offset, "CERT without certificate data");
    }
    CertEncoding encoding = new CertEncoding(Wire.u8(buf, offset));
    if (encoding.isHashAndUrl() && length - 1 <= 20) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD, offset + 1, "Hash and URL shorter than hash + URL");
    }
    return DecodeResult.ok(new CertPayload(encoding, Bytes.copyOf(buf, offset + 1, length - 1)));
  }

  @Override
  public int bodyLength() {
    return 1 + data.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, encoding.value());
    data.writeTo(out);
  }
}
