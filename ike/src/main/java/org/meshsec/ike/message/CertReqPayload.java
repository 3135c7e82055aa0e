package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Certificate Request payload, CERTREQ (RFC 7296 section 3.7).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * ~                    Certification Authority                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * For X.509 the Certification Authority field is a concatenation of 20-byte SHA-1 hashes of trusted
 * CA public keys. Decoding is deliberately lenient (any length is accepted): a CERTREQ is a hint
 * the receiver may ignore, and a malformed one must not fail IKE_SA_INIT; {@link #caKeyHashes()}
 * returns the hashes only when the field is well-formed.
 */
public record CertReqPayload(CertEncoding encoding, Bytes authorities) implements Payload {
  /** Length of one SHA-1 CA key hash. */
  public static final int HASH_LENGTH = 20;

  public CertReqPayload {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(authorities, "authorities");
    Wire.requireRange("authorities length", authorities.length(), 0, MAX_BODY_LENGTH - 1);
  }

  @Override
  public PayloadType type() {
    return PayloadType.CERTREQ;
  }

  /** The SHA-1 CA key hashes, or an empty list if the field is not a multiple of 20 bytes. */
  public List<Bytes> caKeyHashes() {
    if (authorities.length() % HASH_LENGTH != 0) {
      return List.of();
    }
    List<Bytes> hashes = new ArrayList<>();
    for (int i = 0; i < authorities.length(); i += HASH_LENGTH) {
      hashes.add(authorities.slice(i, i + HASH_LENGTH));
    }
    return hashes;
  }

  public static DecodeResult<CertReqPayload> decode(byte[] buf, int offset, int length) {
    if (length < 1) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "CERTREQ without encoding");
    }
    return DecodeResult.ok(
        new CertReqPayload(
            new CertEncoding(Wire.u8(buf, offset)), Bytes.copyOf(buf, offset + 1, length - 1)));
  }

  @Override
  public int bodyLength() {
    return 1 + authorities.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, encoding.value());
    authorities.writeTo(out);
  }
}
