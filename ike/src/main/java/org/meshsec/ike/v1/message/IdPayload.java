package org.meshsec.ike.v1.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Identification payload, ID, in its IPsec DOI form (RFC 2408 section 3.8, RFC 2407 section 4.6.2):
 * the phase 1 identities IDii/IDir and the Quick Mode client identities IDci/IDcr (RFC 2409 section
 * 5.5), which carry the traffic selectors.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !        Payload Length         !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !   ID Type     !  Protocol ID  !             Port              !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                     Identification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode (INVALID-ID-INFORMATION otherwise): the address types have their exact
 * length (IPv4 4, IPv4 subnet and range 8, IPv6 16, IPv6 subnet and range 32); FQDN and USER_FQDN
 * are non-empty ASCII without control characters (RFC 2407 section 4.6.2.1: "no terminators");
 * DER_ASN1_DN is one DER SEQUENCE covering the data exactly; other types any. Protocol 0 and port 0
 * mean "any" (RFC 2407 section 4.6.2); in phase 1 they are 0 or UDP/500 (section 4.6.2).
 *
 * <p>The body ({@link #encodeBody()}) is IDii_b / IDir_b of RFC 2409 section 5.
 *
 * @param idType the ID type
 * @param protocol the IP protocol (0 for any)
 * @param port the port (0 for any)
 * @param data the Identification Data
 */
public record IdPayload(IdType idType, int protocol, int port, Bytes data) implements Payload {
  public IdPayload {
    Objects.requireNonNull(idType, "idType");
    Objects.requireNonNull(data, "data");
    Wire.requireRange("protocol", protocol, 0, 255);
    Wire.requireRange("port", port, 0, 0xFFFF);
    byte[] raw = data.toByteArray();
    String problem = dataProblem(idType, raw, 0, raw.length);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** An ID_IPV4_ADDR or ID_IPV6_ADDR identity with protocol and port "any". */
  public static IdPayload address(InetAddress address) {
    byte[] raw = address.getAddress();
    return new IdPayload(
        raw.length == 4 ? IdType.IPV4_ADDR : IdType.IPV6_ADDR, 0, 0, Bytes.of(raw));
  }

  /** An ID_IPV4_ADDR_SUBNET or ID_IPV6_ADDR_SUBNET: address and prefix length, as a mask. */
  public static IdPayload subnet(InetAddress network, int prefix, int protocol, int port) {
    byte[] addr = network.getAddress();
    Wire.requireRange("prefix", prefix, 0, addr.length * 8);
    byte[] mask = new byte[addr.length];
    for (int i = 0; i < prefix; i++) {
      mask[i / 8] |= (byte) (0x80 >>> (i % 8));
    }
    IdType type = addr.length == 4 ? IdType.IPV4_ADDR_SUBNET : IdType.IPV6_ADDR_SUBNET;
    return new IdPayload(type, protocol, port, Bytes.of(concat(addr, mask)));
  }

  /** An ID_IPV4_ADDR_RANGE or ID_IPV6_ADDR_RANGE from {@code first} to {@code last}. */
  public static IdPayload range(InetAddress first, InetAddress last, int protocol, int port) {
    byte[] a = first.getAddress();
    byte[] b = last.getAddress();
    if (a.length != b.length) {
      throw new IllegalArgumentException("range ends of different families");
    }
    IdType type = a.length == 4 ? IdType.IPV4_ADDR_RANGE : IdType.IPV6_ADDR_RANGE;
    return new IdPayload(type, protocol, port, Bytes.of(concat(a, b)));
  }

  /** An ID_FQDN identity. */
  public static IdPayload fqdn(String fqdn) {
    return new IdPayload(IdType.FQDN, 0, 0, Bytes.of(fqdn.getBytes(StandardCharsets.US_ASCII)));
  }

  /** An ID_USER_FQDN identity (user@domain). */
  public static IdPayload userFqdn(String address) {
    return new IdPayload(
        IdType.USER_FQDN, 0, 0, Bytes.of(address.getBytes(StandardCharsets.US_ASCII)));
  }

  /** An ID_DER_ASN1_DN identity from the DER encoding of a distinguished name. */
  public static IdPayload derDn(byte[] der) {
    return new IdPayload(IdType.DER_ASN1_DN, 0, 0, Bytes.of(der));
  }

  /** The same identity with a protocol and port (RFC 2407 section 4.6.2). */
  public IdPayload withProtocolPort(int protocol, int port) {
    return new IdPayload(idType, protocol, port, data);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * The (first) address of an address, subnet or range identity.
   *
   * @throws IllegalStateException for the other types
   */
  public InetAddress address() {
    int n = idType.fixedLength();
    if (n < 0) {
      throw new IllegalStateException(idType + " has no address");
    }
    return toAddress(data.slice(0, n == 8 ? 4 : n == 32 ? 16 : n).toByteArray());
  }

  /**
   * The second address of a subnet (the mask) or range (the last address).
   *
   * @throws IllegalStateException for the other types
   */
  public InetAddress secondAddress() {
    int n = idType.fixedLength();
    if (n != 8 && n != 32) {
      throw new IllegalStateException(idType + " has no second address");
    }
    return toAddress(data.slice(n / 2, n).toByteArray());
  }

  private static InetAddress toAddress(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("validated address of " + raw.length + " bytes", e);
    }
  }

  /** The FQDN or USER_FQDN as text (ASCII, validated). */
  public String text() {
    return new String(data.toByteArray(), StandardCharsets.US_ASCII);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<IdPayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return ParseResult.fail(
          ParseError.Kind.TRUNCATED, offset, "ID payload body of " + length + " bytes");
    }
    IdType type = new IdType(Wire.u8(buf, offset));
    String problem = dataProblem(type, buf, offset + 4, length - 4);
    if (problem != null) {
      return ParseResult.invalid(NotifyType.INVALID_ID_INFORMATION, offset + 4, problem);
    }
    return ParseResult.ok(
        new IdPayload(
            type,
            Wire.u8(buf, offset + 1),
            Wire.u16(buf, offset + 2),
            Bytes.copyOf(buf, offset + 4, length - 4)));
  }

  static String dataProblem(IdType type, byte[] b, int off, int len) {
    int fixed = type.fixedLength();
    if (fixed >= 0) {
      return len == fixed ? null : type + " of " + len + " bytes, expected " + fixed;
    }
    if (type.equals(IdType.FQDN) || type.equals(IdType.USER_FQDN)) {
      if (len == 0) {
        return "empty " + type;
      }
      for (int i = off; i < off + len; i++) {
        if (b[i] < 0x21 || b[i] > 0x7E) {
          return type + " with a control, space or non-ASCII byte";
        }
      }
      return null;
    }
    if (type.equals(IdType.DER_ASN1_DN)) {
      return derSequenceProblem(b, off, len);
    }
    return null;
  }

  /** Whether {@code [off, off + len)} is exactly one DER SEQUENCE (tag and length only). */
  private static String derSequenceProblem(byte[] b, int off, int len) {
    if (len < 2 || (b[off] & 0xFF) != 0x30) {
      return "DER_ASN1_DN is not a SEQUENCE";
    }
    int first = b[off + 1] & 0xFF;
    long content;
    int header;
    if (first < 0x80) {
      content = first;
      header = 2;
    } else {
      int n = first & 0x7F;
      if (n == 0 || n > 3 || len < 2 + n) {
        return "DER_ASN1_DN with a bad length encoding";
      }
      content = 0;
      for (int i = 0; i < n; i++) {
        content = (content << 8) | (b[off + 2 + i] & 0xFF);
      }
      header = 2 + n;
    }
    return header + content == len ? null : "DER_ASN1_DN length does not cover the data";
  }

  @Override
  public PayloadType type() {
    return PayloadType.ID;
  }

  @Override
  public int bodyLength() {
    return 4 + data.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, idType.value());
    Wire.putU8(out, protocol);
    Wire.putU16(out, port);
    data.writeTo(out);
  }

  @Override
  public String toString() {
    String shown;
    if (idType.fixedLength() == 4 || idType.fixedLength() == 16) {
      shown = address().getHostAddress();
    } else if (idType.fixedLength() > 0) {
      shown = address().getHostAddress() + "/" + secondAddress().getHostAddress();
    } else if (idType.equals(IdType.FQDN) || idType.equals(IdType.USER_FQDN)) {
      shown = text();
    } else {
      shown = data.length() + " bytes";
    }
    return "ID[" + idType + " " + shown + " proto " + protocol + " port " + port + "]";
  }
}
