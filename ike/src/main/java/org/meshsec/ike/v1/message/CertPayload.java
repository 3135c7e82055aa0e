package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Certificate payload, CERT (RFC 2408 section 3.9).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Cert Encoding !                                               !
 * +-+-+-+-+-+-+-+-+                                               !
 * ~                       Certificate Data                        ~
 * !                                                               !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the encoding octet is present (PAYLOAD-MALFORMED) and the data non-empty
 * (INVALID-CERTIFICATE); the certificate itself is parsed by the PKI code.
 *
 * @param encoding the Certificate Encoding
 * @param data the certificate, e.g. DER X.509 for {@link CertEncoding#X509_SIGNATURE}
 */
public record CertPayload(CertEncoding encoding, Bytes data) implements Payload {
  public CertPayload {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(data, "data");
    if (data.isEmpty()) {
      throw new IllegalArgumentException("empty certificate data");
    }
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<CertPayload> decode(byte[] buf, int offset, int length) {
    if (length < 1) {
      return ParseResult.fail(ParseError.Kind.TRUNCATED, offset, "CERT payload without encoding");
    }
    if (length == 1) {
      return ParseResult.invalid(
          NotifyType.INVALID_CERTIFICATE, offset + 1, "CERT payload without certificate data");
    }
    return ParseResult.ok(
        new CertPayload(
            new CertEncoding(Wire.u8(buf, offset)), Bytes.copyOf(buf, offset + 1, length - 1)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.CERT;
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
