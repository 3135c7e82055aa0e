package org.meshsec.ike.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Identification payload, IDi/IDr (RFC 7296 section 3.5).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   ID Type     |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                   Identification Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation per ID type: IPV4_ADDR 4 bytes, IPV6_ADDR 16 bytes; FQDN and RFC822_ADDR non-empty
 * without control characters ("MUST NOT contain any terminators"); DER_ASN1_DN a single DER
 * SEQUENCE whose length covers the data exactly; KEY_ID non-empty; ID_NULL (RFC 7619) any; other
 * types unchecked.
 *
 * <p>The AUTH payload signs this payload's body ({@link #encodeBody()}, RFC 7296 section 2.15),
 * which is re-encoded with the RESERVED bytes as zero; a peer that sent non-zero RESERVED bytes
 * (which RFC 7296 forbids) would fail authentication.
 */
public record IdPayload(boolean initiator, IdType idType, Bytes data) implements Payload {
  public IdPayload {
    Objects.requireNonNull(idType, "idType");
    Objects.requireNonNull(data, "data");
    String problem = dataProblem(idType, data.toByteArray(), 0, data.length());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** An ID_FQDN identity. */
  public static IdPayload fqdn(boolean initiator, String fqdn) {
    return new IdPayload(
        initiator, IdType.FQDN, Bytes.wrap(fqdn.getBytes(StandardCharsets.US_ASCII)));
  }

  /** An ID_RFC822_ADDR identity. */
  public static IdPayload rfc822(boolean initiator, String address) {
    return new IdPayload(
        initiator, IdType.RFC822_ADDR, Bytes.wrap(address.getBytes(StandardCharsets.UTF_8)));
  }

  /** An ID_IPV4_ADDR or ID_IPV6_ADDR identity. */
  public static IdPayload address(boolean initiator, InetAddress address) {
    byte[] raw = address.getAddress();
    return new IdPayload(
        initiator, raw.length == 4 ? IdType.IPV4_ADDR : IdType.IPV6_ADDR, Bytes.wrap(raw));
  }

  /** An ID_KEY_ID identity. */
  public static IdPayload keyId(boolean initiator, Bytes keyId) {
    return new IdPayload(initiator, IdType.KEY_ID, keyId);
  }

  @Override
  public PayloadType type() {
    return initiator ? PayloadType.IDI : PayloadType.IDR;
  }

  /** The data as text, for FQDN and RFC822_ADDR identities. */
  public String text() {
    if (!idType.equals(IdType.FQDN) && !idType.equals(IdType.RFC822_ADDR)) {
      throw new IllegalStateException(idType + " is not a text identity");
    }
    return new String(data.toByteArray(), StandardCharsets.UTF_8);
  }

  /** The data as an address, for IPV4_ADDR and IPV6_ADDR identities. */
  public InetAddress inetAddress() {
    if (!idType.equals(IdType.IPV4_ADDR) && !idType.equals(IdType.IPV6_ADDR)) {
      throw new IllegalStateException(idType + " is not an address identity");
    }
    try {
      return InetAddress.getByAddress(data.toByteArray());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // cannot happen: length checked
    }
  }

  /** Why {@code length} bytes at {@code offset} are not valid data for {@code type}, or null. */
  static String dataProblem(IdType type, byte[] buf, int offset, int length) {
    switch (type.value()) {
      case 1:
        return length == 4 ? null : "ID_IPV4_ADDR of " + length + " bytes";
      case 5:
        return length == 16 ? null : "ID_IPV6_ADDR of " + length + " bytes";
      case 2:
      case 3:
        if (length == 0) {
          return type + " is empty";
        }
        for (int i = offset; i < offset + length; i++) {
          int c = buf[i] & 0xFF;
          if (c < 0x20 || c == 0x7F) {
            return type + " contains control character " + c + " at " + (i - offset);
          }
        }
        return null;
      case 9:
        return derSequenceProblem(buf, offset, length);
      case 11:
        return length == 0 ? "ID_KEY_ID is empty" : null;
      default:
        return null;
    }
  }

  /** Checks that the bytes are exactly one DER SEQUENCE (tag and definite length only). */
  private static String derSequenceProblem(byte[] buf, int offset, int length) {
    if (length < 2 || (buf[offset] & 0xFF) != 0x30) {
      return "ID_DER_ASN1_DN is not a DER SEQUENCE";
    }
    int first = buf[offset + 1] & 0xFF;
    long contentLength;
    int headerLength;
    if (first < 0x80) {
      contentLength = first;
      headerLength = 2;
    } else {
      int n = first & 0x7F;
      if (n == 0 || n > 3 || length < 2 + n) {
        return "ID_DER_ASN1_DN has an invalid length encoding";
      }
      contentLength = 0;
      for (int i = 0; i < n; i++) {
        contentLength = (contentLength << 8) | (buf[offset + 2 + i] & 0xFF);
      }
      headerLength = 2 + n;
    }
    if (headerLength + contentLength != length) {
      return "ID_DER_ASN1_DN length " + contentLength + " does not match " + length + " bytes";
    }
    return null;
  }

  public static DecodeResult<IdPayload> decode(
      boolean initiator, byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "ID body needs 4 bytes");
    }
    IdType type = new IdType(Wire.u8(buf, offset));
    String problem = dataProblem(type, buf, offset + 4, length - 4);
    if (problem != null) {
      return DecodeResult.fail(IkeParseError.Kind.INVALID_PAYLOAD, offset + 4, problem);
    }
    return DecodeResult.ok(
        new IdPayload(initiator, type, Bytes.copyOf(buf, offset + 4, length - 4)));
  }

  @Override
  public int bodyLength() {
    return 4 + data.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, idType.value());
    Wire.putU8(out, 0);
    Wire.putU16(out, 0);
    data.writeTo(out);
  }
}
