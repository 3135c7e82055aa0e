package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Authentication payload, AUTH (RFC 7296 section 3.8).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Auth Method   |                RESERVED                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Authentication Data                      ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * For {@link AuthMethod#DIGITAL_SIGNATURE} (RFC 7427 section 3) the data is a one-octet length L, L
 * octets of ASN.1 AlgorithmIdentifier, then the signature; decode checks that L &gt; 0 and that a
 * non-empty signature follows. For every method the data is non-empty.
 */
public record AuthPayload(AuthMethod method, Bytes data) implements Payload {
  public AuthPayload {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(data, "data");
    Wire.requireRange("auth data length", data.length(), 1, MAX_BODY_LENGTH - 4);
    String problem = dataProblem(method, data.toByteArray(), 0, data.length());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A DIGITAL_SIGNATURE (RFC 7427) payload from its AlgorithmIdentifier and signature. */
  public static AuthPayload digitalSignature(Bytes algorithmIdentifier, Bytes signature) {
    Wire.requireRange("AlgorithmIdentifier length", algorithmIdentifier.length(), 1, 255);
    byte[] d = new byte[1 + algorithmIdentifier.length() + signature.length()];
    d[0] = (byte) algorithmIdentifier.length();
    algorithmIdentifier.copyTo(d, 1);
    signature.copyTo(d, 1 + algorithmIdentifier.length());
    return new AuthPayload(AuthMethod.DIGITAL_SIGNATURE, Bytes.wrap(d));
  }

  @Override
  public PayloadType type() {
    return PayloadType.AUTH;
  }

  /** The DER AlgorithmIdentifier of a DIGITAL_SIGNATURE payload. */
  public Bytes signatureAlgorithmIdentifier() {
    requireDigitalSignature();
    return data.slice(1, 1 + data.getUnsigned(0));
  }

  /** The signature value of a DIGITAL_SIGNATURE payload. */
  public Bytes signatureValue() {
    requireDigitalSignature();
    return data.slice(1 + data.getUnsigned(0), data.length());
  }

  private void requireDigitalSignature() {
    if (!method.equals(AuthMethod.DIGITAL_SIGNATURE)) {
      throw new IllegalStateException(method + " is not DIGITAL_SIGNATURE");
    }
  }

  private static String dataProblem(AuthMethod method, byte[] buf, int offset, int length) {
    if (length == 0) {
      return "AUTH without authentication data";
    }
    if (method.equals(AuthMethod.DIGITAL_SIGNATURE)) {
      int algLength = buf[offset] & 0xFF;
      if (algLength == 0 || 1 + algLength >= length) {
        return "DIGITAL_SIGNATURE AlgorithmIdentifier length "
            + algLength
            + " leaves no signature in "
            + length
            + " bytes";
      }
    }
    return null;
  }

  public static DecodeResult<AuthPayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "AUTH body needs 4 bytes");
    }
    AuthMethod method = new AuthMethod(Wire.u8(buf, offset));
    String problem = dataProblem(method, buf, offset + 4, length - 4);
    if (problem != null) {
      return DecodeResult.fail(IkeParseError.Kind.INVALID_PAYLOAD, offset + 4, problem);
    }
    return DecodeResult.ok(new AuthPayload(method, Bytes.copyOf(buf, offset + 4, length - 4)));
  }

  @Override
  public int bodyLength() {
    return 4 + data.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, method.value());
    Wire.putU8(out, 0);
    Wire.putU16(out, 0);
    data.writeTo(out);
  }
}
