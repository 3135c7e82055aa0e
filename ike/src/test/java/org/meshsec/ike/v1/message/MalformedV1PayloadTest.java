package org.meshsec.ike.v1.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.message.Bytes;

/**
 * Each payload's decode-time validation, on hand-built bodies: the error kind, the offset of the
 * offending field and the notification RFC 2408 section 5 names for it.
 */
class MalformedV1PayloadTest {
  /** Offset of the first payload body in {@link #message}. */
  private static final int BODY = IsakmpHeader.LENGTH + Payload.HEADER_LENGTH;

  /** A message whose only payload is of {@code type} with {@code bodyHex}. */
  static byte[] message(int type, String bodyHex) {
    byte[] body = HexFormat.of().parseHex(bodyHex);
    int length = BODY + body.length;
    ByteBuffer out = ByteBuffer.allocate(length);
    IsakmpHeader.of(1, 2, ExchangeType.INFORMATIONAL, 3)
        .withWireFields(new PayloadType(type), false, length)
        .encode(out);
    out.put((byte) 0).put((byte) 0).putShort((short) (4 + body.length)).put(body);
    return out.array();
  }

  private static void expect(byte[] raw, ParseError.Kind kind, int offset, NotifyType notify) {
    ParseResult<Datagram> r = Datagram.decode(raw);
    ParseError e = assertInstanceOf(ParseResult.Err.class, r, () -> "decoded: " + r).error();
    assertEquals(kind, e.kind(), e::toString);
    assertEquals(offset, e.offset(), e::toString);
    assertEquals(Optional.ofNullable(notify), e.reply(), e::toString);
  }

  @Test
  void nonceOutsideEightTo256Bytes() {
    expect(
        message(10, "01020304050607"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY,
        NotifyType.PAYLOAD_MALFORMED);
    expect(
        message(10, "00".repeat(257)),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY,
        NotifyType.PAYLOAD_MALFORMED);
  }

  @Test
  void emptyKeyExchangeHashAndSignature() {
    expect(
        message(4, ""), ParseError.Kind.INVALID_PAYLOAD, BODY, NotifyType.INVALID_KEY_INFORMATION);
    expect(
        message(8, ""), ParseError.Kind.INVALID_PAYLOAD, BODY, NotifyType.INVALID_HASH_INFORMATION);
    expect(message(9, ""), ParseError.Kind.INVALID_PAYLOAD, BODY, NotifyType.INVALID_SIGNATURE);
    expect(message(20, ""), ParseError.Kind.INVALID_PAYLOAD, BODY, NotifyType.PAYLOAD_MALFORMED);
  }

  @Test
  void identificationData() {
    // ID_IPV4_ADDR of 5 bytes
    expect(
        message(5, "010000000a00000101"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 4,
        NotifyType.INVALID_ID_INFORMATION);
    // ID_IPV6_ADDR_SUBNET of 16 bytes
    expect(
        message(5, "06000000" + "20010db8000000000000000000000000"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 4,
        NotifyType.INVALID_ID_INFORMATION);
    // ID_FQDN with a space, empty ID_USER_FQDN, DER_ASN1_DN that is not one SEQUENCE
    expect(
        message(5, "02000000" + "612062"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 4,
        NotifyType.INVALID_ID_INFORMATION);
    expect(
        message(5, "03000000"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 4,
        NotifyType.INVALID_ID_INFORMATION);
    expect(
        message(5, "09000000" + "3003020101ff"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 4,
        NotifyType.INVALID_ID_INFORMATION);
    expect(message(5, "010000"), ParseError.Kind.TRUNCATED, BODY, NotifyType.PAYLOAD_MALFORMED);
  }

  @Test
  void notifyAndDeleteCounts() {
    // Notify: SPI Size 16 with 4 bytes left
    expect(
        message(11, "00000001" + "01" + "10" + "5ff8" + "00000000"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 5,
        NotifyType.PAYLOAD_MALFORMED);
    expect(
        message(11, "000000010110"), ParseError.Kind.TRUNCATED, BODY, NotifyType.PAYLOAD_MALFORMED);
    // Delete: 2 SPIs of 4 bytes in 4 bytes; SPI Size 0 with SPIs
    expect(
        message(12, "00000001" + "03" + "04" + "0002" + "0000bbbb"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 5,
        NotifyType.PAYLOAD_MALFORMED);
    expect(
        message(12, "00000001" + "03" + "00" + "0001"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 5,
        NotifyType.PAYLOAD_MALFORMED);
  }

  @Test
  void certificatesAndNatOa() {
    expect(
        message(6, "04"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 1,
        NotifyType.INVALID_CERTIFICATE);
    expect(message(6, ""), ParseError.Kind.TRUNCATED, BODY, NotifyType.PAYLOAD_MALFORMED);
    expect(message(7, ""), ParseError.Kind.TRUNCATED, BODY, NotifyType.PAYLOAD_MALFORMED);
    // NAT-OA: ID_FQDN is not allowed; ID_IPV4_ADDR of 16 bytes
    expect(
        message(21, "02000000" + "c0a8010a"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY,
        NotifyType.PAYLOAD_MALFORMED);
    expect(
        message(21, "01000000" + "00".repeat(16)),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY,
        NotifyType.PAYLOAD_MALFORMED);
  }

  /** SA: DOI, situation, proposal, transform, attribute lengths (offsets from {@link #BODY}). */
  @Test
  void securityAssociation() {
    String doiSit = "00000001" + "00000001";
    String transform = "0000000c" + "0101" + "0000" + "80010007";
    String proposal = "00000014" + "01" + "01" + "00" + "01" + transform;
    expect(
        message(
            1, doiSit + proposal.replace("00000014010100010000000c", "00000014010100010000000d")),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 8 + 8 + 2,
        NotifyType.BAD_PROPOSAL_SYNTAX);
    // TLV attribute running past the transform
    String tlv = "0000000c" + "0101" + "0000" + "000c0008";
    expect(
        message(1, doiSit + "00000014" + "01010001" + tlv),
        ParseError.Kind.BAD_PAYLOAD_LENGTH,
        BODY + 8 + 8 + 8 + 2,
        NotifyType.PAYLOAD_MALFORMED);
    // Attribute fragment of 2 bytes
    String frag = "0000000a" + "0101" + "0000" + "8001";
    expect(
        message(1, doiSit + "00000012" + "01010001" + frag),
        ParseError.Kind.TRUNCATED,
        BODY + 8 + 8 + 8,
        NotifyType.PAYLOAD_MALFORMED);
    // Proposal without transforms
    expect(
        message(1, doiSit + "00000008" + "01010000"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 8 + 7,
        NotifyType.BAD_PROPOSAL_SYNTAX);
    // ESP SPI of 2 bytes
    expect(
        message(1, doiSit + "00000016" + "01030201" + "abcd" + transform),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 8 + 6,
        NotifyType.BAD_PROPOSAL_SYNTAX);
    // Decreasing proposal numbers
    String p2 = "02000014" + "02010001" + transform;
    String p1 = "00000014" + "01010001" + transform;
    expect(
        message(1, doiSit + p2 + p1),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 8 + 20 + 4,
        NotifyType.BAD_PROPOSAL_SYNTAX);
    // Bytes after the last proposal
    expect(
        message(1, doiSit + proposal + "00"),
        ParseError.Kind.INVALID_PAYLOAD,
        BODY + 8 + 20,
        NotifyType.BAD_PROPOSAL_SYNTAX);
    expect(message(1, "0000000100"), ParseError.Kind.TRUNCATED, BODY, NotifyType.PAYLOAD_MALFORMED);
  }

  @Test
  void chainStructure() {
    byte[] ok = message(13, "00");
    // Bytes after the last payload of a plaintext message
    byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
    trailing[IsakmpHeader.OFFSET_LENGTH + 3] = (byte) trailing.length;
    expect(trailing, ParseError.Kind.TRAILING_DATA, ok.length, NotifyType.UNEQUAL_PAYLOAD_LENGTHS);
    // Payload length below 4
    byte[] small = ok.clone();
    small[IsakmpHeader.LENGTH + 3] = 3;
    expect(
        small,
        ParseError.Kind.BAD_PAYLOAD_LENGTH,
        IsakmpHeader.LENGTH + 2,
        NotifyType.PAYLOAD_MALFORMED);
    // Next Payload names a payload that is not there
    byte[] missing = ok.clone();
    missing[IsakmpHeader.LENGTH] = 13;
    expect(missing, ParseError.Kind.TRUNCATED, ok.length, NotifyType.PAYLOAD_MALFORMED);
    // A Transform at the top level
    byte[] transform = ok.clone();
    transform[IsakmpHeader.LENGTH] = 3;
    expect(
        transform,
        ParseError.Kind.INVALID_PAYLOAD_TYPE,
        ok.length,
        NotifyType.INVALID_PAYLOAD_TYPE);
    // Too large: dropped without a notification
    expect(new byte[Datagram.MAX_MESSAGE_LENGTH + 1], ParseError.Kind.MESSAGE_TOO_LARGE, 0, null);
  }

  /** An unknown payload type is kept, not refused (RFC 2408 has no critical bit). */
  @Test
  void unknownPayloadsAreKept() {
    IsakmpMessage m = IsakmpMessage.decode(message(77, "cafe")).orElseThrow();
    assertEquals(
        java.util.List.of(new UnknownPayload(new PayloadType(77), Bytes.fromHex("cafe"))),
        m.payloads());
  }
}
