package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Certificate Request payload, CR (RFC 2408 section 3.10).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Cert. Type   !                                               !
 * +-+-+-+-+-+-+-+-+                                               !
 * ~                    Certificate Authority                      ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The Certificate Authority is, for X.509, the DER distinguished name of an acceptable CA, or empty
 * for "any" (RFC 2408 section 3.10). Validation at decode: the type octet is present.
 *
 * @param certType the requested Certificate Encoding
 * @param authority the acceptable authority, possibly empty
 */
public record CertReqPayload(CertEncoding certType, Bytes authority) implements Payload {
  public CertReqPayload {
    Objects.requireNonNull(certType, "certType");
    Objects.requireNonNull(authority, "authority");
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<CertReqPayload> decode(byte[] buf, int offset, int length) {
    if (length < 1) {
      return ParseResult.fail(ParseError.Kind.TRUNCATED, offset, "CR payload without type");
    }
    return ParseResult.ok(
        new CertReqPayload(
            new CertEncoding(Wire.u8(buf, offset)), Bytes.copyOf(buf, offset + 1, length - 1)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.CERTREQ;
  }

  @Override
  public int bodyLength() {
    return 1 + authority.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, certType.value());
    authority.writeTo(out);
  }
}
