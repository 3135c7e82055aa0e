package org.meshsec.ike.v1.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * NAT Original Address payload, NAT-OA (RFC 3947 section 5.2): in Quick Mode, the original address
 * of a transport-mode peer behind a NAT, for the checksum fix-up of RFC 3948.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |    RESERVED   |        Payload length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    ID Type    |    RESERVED   |            RESERVED           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           IPv4 (4 octets) or IPv6 address (16 octets)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: ID Type ID_IPV4_ADDR with 4 bytes or ID_IPV6_ADDR with 16, else
 * PAYLOAD-MALFORMED ("The ID type MUST be either ID_IPV4_ADDR or ID_IPV6_ADDR").
 *
 * @param idType {@link IdType#IPV4_ADDR} or {@link IdType#IPV6_ADDR}
 * @param address the address bytes
 */
public record NatOaPayload(IdType idType, Bytes address) implements Payload {
  public NatOaPayload {
    Objects.requireNonNull(idType, "idType");
    Objects.requireNonNull(address, "address");
    String problem = problem(idType.value(), address.length());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The NAT-OA of {@code address}. */
  public static NatOaPayload of(InetAddress address) {
    byte[] raw = address.getAddress();
    return new NatOaPayload(raw.length == 4 ? IdType.IPV4_ADDR : IdType.IPV6_ADDR, Bytes.of(raw));
  }

  private static String problem(int type, int length) {
    if (type == IdType.IPV4_ADDR.value()) {
      return length == 4 ? null : "ID_IPV4_ADDR of " + length + " bytes";
    }
    if (type == IdType.IPV6_ADDR.value()) {
      return length == 16 ? null : "ID_IPV6_ADDR of " + length + " bytes";
    }
    return "NAT-OA ID type " + type;
  }

  /** The original address. */
  public InetAddress inetAddress() {
    try {
      return InetAddress.getByAddress(address.toByteArray());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("validated address", e);
    }
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<NatOaPayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return ParseResult.fail(
          ParseError.Kind.TRUNCATED, offset, "NAT-OA payload body of " + length + " bytes");
    }
    int type = Wire.u8(buf, offset);
    String problem = problem(type, length - 4);
    if (problem != null) {
      return ParseResult.invalid(NotifyType.PAYLOAD_MALFORMED, offset, problem);
    }
    return ParseResult.ok(
        new NatOaPayload(new IdType(type), Bytes.copyOf(buf, offset + 4, length - 4)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.NAT_OA;
  }

  @Override
  public int bodyLength() {
    return 4 + address.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU8(out, idType.value());
    Wire.putU8(out, 0);
    Wire.putU16(out, 0);
    address.writeTo(out);
  }
}
