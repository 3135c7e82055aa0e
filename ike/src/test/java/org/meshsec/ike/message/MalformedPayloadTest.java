package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.meshsec.ike.message.CapturedMessages.hex;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Payload bodies that break their section's rules, each wrapped in a one-payload IKE_SA_INIT
 * message: the decoder must answer with the named kind at the named offset.
 */
class MalformedPayloadTest {
  /** Offset of the payload body in the wrapping message. */
  private static final int BODY = IkeHeader.LENGTH + 4;

  static byte[] wrap(PayloadType type, String bodyHex) {
    return wrap(type.value(), 0, hex(bodyHex));
  }

  static byte[] wrap(int type, int flags, byte[] body) {
    int length = BODY + body.length;
    ByteBuffer out = ByteBuffer.allocate(length);
    IkeHeader.of(1, 0, ExchangeType.IKE_SA_INIT, true, false, 0)
        .withWireFields(new PayloadType(type), length)
        .encode(out);
    out.put((byte) 0).put((byte) flags).putShort((short) (4 + body.length)).put(body);
    return out.array();
  }

  static void assertError(byte[] datagram, IkeParseError.Kind kind, int offset) {
    DecodeResult<Message> r = Message.decode(datagram);
    assertFalse(r.isOk(), () -> "expected " + kind + ", decoded " + r);
    IkeParseError e = ((DecodeResult.Err<Message>) r).error();
    assertEquals(kind, e.kind(), e::toString);
    assertEquals(offset, e.offset(), e::toString);
  }

  static Payload decodeOne(byte[] datagram) {
    return Message.decode(datagram).orElseThrow().payloads().get(0);
  }

  // One proposal (IKE, no SPI) with one transform ENCR AES-CBC key length 128.
  private static final String TRANSFORM = "0000000c0100000c800e0080";
  private static final String PROPOSAL = "00000014" + "01010001" + TRANSFORM;

  @Test
  void saValid() {
    SaPayload sa = (SaPayload) decodeOne(wrap(PayloadType.SA, PROPOSAL));
    assertEquals(128, sa.proposals().get(0).transforms().get(0).keyLength().getAsInt());
  }

  @Test
  void saStructure() {
    assertError(wrap(PayloadType.SA, ""), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
    // Last Substruc 1 on the proposal.
    assertError(
        wrap(PayloadType.SA, "01" + PROPOSAL.substring(2)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY);
    // Last proposal marked "more" (2).
    assertError(
        wrap(PayloadType.SA, "02" + PROPOSAL.substring(2)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 20);
    // Proposal length 0x15 overruns the SA payload.
    assertError(
        wrap(PayloadType.SA, "00000015" + PROPOSAL.substring(8)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 2);
    // Num Transforms 2 with one transform present.
    assertError(
        wrap(PayloadType.SA, "00000014" + "01010002" + TRANSFORM),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 7);
    // Transform Last Substruc 3 on the only transform.
    assertError(
        wrap(PayloadType.SA, "00000014" + "01010001" + "0300000c0100000c800e0080"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 20);
    // Transform length 7.
    assertError(
        wrap(PayloadType.SA, "00000014" + "01010001" + "000000070100000c800e0080"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 8 + 2);
  }

  @Test
  void saProposalNumbering() {
    String second = "00000014" + "02010001" + TRANSFORM;
    String first = "02000014" + "01010001" + TRANSFORM;
    assertEquals(
        2, ((SaPayload) decodeOne(wrap(PayloadType.SA, first + second))).proposals().size());
    // 1 then 3.
    assertError(
        wrap(PayloadType.SA, first + "00000014" + "03010001" + TRANSFORM),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 20 + 4);
    // Several proposals starting at 2.
    assertError(
        wrap(
            PayloadType.SA,
            "02000014" + "02010001" + TRANSFORM + "00000014" + "03010001" + TRANSFORM),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4);
    // A single accepted proposal keeps its number.
    assertEquals(
        7,
        ((SaPayload) decodeOne(wrap(PayloadType.SA, "00000014" + "07010001" + TRANSFORM)))
            .proposals()
            .get(0)
            .number());
    assertError(
        wrap(PayloadType.SA, "00000014" + "00010001" + TRANSFORM),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4);
  }

  @Test
  void saSpiSizes() {
    // ESP with SPI size 8.
    assertError(
        wrap(PayloadType.SA, "0000001c" + "01030801" + "0102030405060708" + TRANSFORM),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 6);
    // IKE with SPI size 4.
    assertError(
        wrap(PayloadType.SA, "00000018" + "01010401" + "01020304" + TRANSFORM),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 6);
    // IKE with SPI size 8 (rekeying the IKE SA) and ESP with 4 are fine.
    decodeOne(wrap(PayloadType.SA, "0000001c" + "01010801" + "0102030405060708" + TRANSFORM));
    decodeOne(wrap(PayloadType.SA, "00000018" + "01030401" + "01020304" + TRANSFORM));
  }

  @Test
  void saKeyLengthAttribute() {
    // Key Length in TLV form.
    assertError(
        wrap(PayloadType.SA, "00000016" + "01010001" + "0000000e0100000c000e00020080"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 16);
    // Twice.
    assertError(
        wrap(PayloadType.SA, "00000018" + "01010001" + "000000100100000c800e0080800e0100"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 20);
    // A TLV attribute whose length overruns the transform.
    assertError(
        wrap(PayloadType.SA, "00000014" + "01010001" + "0000000c0100000c00010009"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 16 + 2);
  }

  @Test
  void keLengths() {
    assertEquals(
        19, ((KePayload) decodeOne(wrap(PayloadType.KE, "00130000" + "ab".repeat(64)))).dhGroup());
    assertError(
        wrap(PayloadType.KE, "00130000" + "ab".repeat(63)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4);
    assertError(wrap(PayloadType.KE, "000e0000"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 4);
    assertError(wrap(PayloadType.KE, "000e00"), IkeParseError.Kind.TRUNCATED, BODY);
    // Unknown group: any non-empty length.
    decodeOne(wrap(PayloadType.KE, "04000000" + "ab".repeat(5)));
  }

  @Test
  void idPerTypeLengths() {
    assertEquals(
        "10.0.0.1",
        ((IdPayload) decodeOne(wrap(PayloadType.IDI, "010000000a000001")))
            .inetAddress()
            .getHostAddress());
    assertError(
        wrap(PayloadType.IDI, "010000000a0000"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 4);
    assertError(
        wrap(PayloadType.IDR, "05000000" + "00".repeat(15)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4);
    assertError(wrap(PayloadType.IDI, "02000000"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 4);
    assertError(
        wrap(PayloadType.IDI, "0200000061620063"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4); // NUL terminator inside an FQDN
    assertError(
        wrap(PayloadType.IDI, "03000000610d"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 4);
    assertError(wrap(PayloadType.IDI, "0b000000"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 4);
    assertEquals(
        "vpn.example",
        ((IdPayload) decodeOne(wrap(PayloadType.IDI, "02000000" + "76706e2e6578616d706c65")))
            .text());
    // DER DN: SEQUENCE of 3 bytes content.
    decodeOne(wrap(PayloadType.IDI, "09000000" + "3003020101"));
    assertError(
        wrap(PayloadType.IDI, "09000000" + "3004020101"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4);
    assertError(
        wrap(PayloadType.IDI, "09000000" + "3103020101"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4);
    assertError(wrap(PayloadType.IDI, "010000"), IkeParseError.Kind.TRUNCATED, BODY);
  }

  @Test
  void nonceBounds() {
    decodeOne(wrap(PayloadType.NONCE, "00".repeat(16)));
    decodeOne(wrap(PayloadType.NONCE, "00".repeat(256)));
    assertError(wrap(PayloadType.NONCE, "00".repeat(15)), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
    assertError(
        wrap(PayloadType.NONCE, "00".repeat(257)), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
  }

  @Test
  void notifyRules() {
    NotifyPayload n =
        (NotifyPayload) decodeOne(wrap(PayloadType.NOTIFY, "0304" + "4009" + "cafebabe"));
    assertEquals(NotifyType.REKEY_SA, n.notifyType());
    assertEquals(ProtocolId.ESP, n.protocolId());
    assertEquals(0xcafebabeL, n.spi().toLong());
    // SPI size beyond the body.
    assertError(
        wrap(PayloadType.NOTIFY, "0308" + "4009" + "cafebabe"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 1);
    // REKEY_SA without SPI.
    assertError(
        wrap(PayloadType.NOTIFY, "0000" + "4009"), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
    // NAT_DETECTION_SOURCE_IP with 19 bytes.
    assertError(
        wrap(PayloadType.NOTIFY, "0000" + "4004" + "00".repeat(19)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY);
    // COOKIE of 65 bytes, and empty.
    assertError(
        wrap(PayloadType.NOTIFY, "0000" + "4006" + "00".repeat(65)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY);
    assertError(
        wrap(PayloadType.NOTIFY, "0000" + "4006"), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
    // INVALID_KE_PAYLOAD carries the 2-byte group.
    assertEquals(
        "000e",
        ((NotifyPayload) decodeOne(wrap(PayloadType.NOTIFY, "0000" + "0011" + "000e")))
            .data()
            .toHex());
    assertError(
        wrap(PayloadType.NOTIFY, "0000" + "0011" + "0e"), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
    // SIGNATURE_HASH_ALGORITHMS of odd length.
    assertError(
        wrap(PayloadType.NOTIFY, "0000" + "402f" + "000200"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY);
    // ESP SPI of 8 bytes.
    assertError(
        wrap(PayloadType.NOTIFY, "0308" + "4000" + "0102030405060708"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY);
    // Unknown notify types are kept.
    assertEquals(
        40000,
        ((NotifyPayload) decodeOne(wrap(PayloadType.NOTIFY, "0000" + "9c40")))
            .notifyType()
            .value());
    assertEquals("NOTIFY_40000", new NotifyType(40000).toString());
  }

  @Test
  void deleteRules() {
    // Android IkeDeletePayloadTest bodies: IKE delete and one ESP SPI.
    assertEquals(DeletePayload.ikeSa(), decodeOne(wrap(PayloadType.DELETE, "01000000")));
    assertEquals(
        DeletePayload.childSas(ProtocolId.ESP, 0x2ad4c0a2),
        decodeOne(wrap(PayloadType.DELETE, "030400012ad4c0a2")));
    assertError(
        wrap(PayloadType.DELETE, "01040001" + "2ad4c0a2"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 1);
    assertError(
        wrap(PayloadType.DELETE, "03080001" + "2ad4c0a22ad4c0a2"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 1);
    assertError(
        wrap(PayloadType.DELETE, "03040002" + "2ad4c0a2"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 2);
    assertError(wrap(PayloadType.DELETE, "07000000"), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
  }

  @Test
  void trafficSelectors() {
    // Android IkeTsPayloadTest body: two IPv4 selectors.
    TsPayload ts =
        (TsPayload)
            decodeOne(
                wrap(
                    PayloadType.TSI,
                    "02000000070000100000ffff00000000ffffffff070000100000ffff00000001fffffffe"));
    assertEquals(2, ts.selectors().size());
    assertError(
        wrap(PayloadType.TSI, "01000000070000110000ffff00000000ffffffff00"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4 + 2); // IPv4 selector of 17 bytes
    assertError(
        wrap(PayloadType.TSI, "02000000070000100000ffff00000000ffffffff"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY); // count 2, one present
    assertError(
        wrap(PayloadType.TSR, "01000000080000100000ffff00000000ffffffff"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4 + 2); // IPv6 selector of 16 bytes
    TsPayload opaque = (TsPayload) decodeOne(wrap(PayloadType.TSR, "010000000a000006abcd"));
    assertEquals(
        new TrafficSelector.Opaque(new TsType(10), 0, Bytes.fromHex("abcd")),
        opaque.selectors().get(0));
  }

  @Test
  void configurationAttributes() {
    CpPayload cp =
        (CpPayload) decodeOne(wrap(PayloadType.CP, "01000000" + "00010000" + "00030000"));
    assertEquals(CfgType.REQUEST, cp.cfgType());
    assertEquals(
        List.of(
            CpPayload.Attribute.request(CfgAttributeType.INTERNAL_IP4_ADDRESS),
            CpPayload.Attribute.request(CfgAttributeType.INTERNAL_IP4_DNS)),
        cp.attributes());
    assertError(
        wrap(PayloadType.CP, "02000000" + "00010003" + "0a0000"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 6);
    assertError(
        wrap(PayloadType.CP, "02000000" + "00010008" + "0a000001"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 6);
    // The reserved R bit is ignored.
    assertEquals(
        CfgAttributeType.INTERNAL_IP4_ADDRESS,
        ((CpPayload) decodeOne(wrap(PayloadType.CP, "02000000" + "80010004" + "0a000001")))
            .attributes()
            .get(0)
            .type());
  }

  @Test
  void authDigitalSignature() {
    // Android IkeAuthDigitalSignPayloadTest body prefix: sha256WithRSAEncryption, then signature.
    AuthPayload auth =
        (AuthPayload)
            decodeOne(wrap(PayloadType.AUTH, "0e0000000f300d06092a864886f70d01010b05007b2f4456"));
    assertEquals(AuthMethod.DIGITAL_SIGNATURE, auth.method());
    assertEquals("300d06092a864886f70d01010b0500", auth.signatureAlgorithmIdentifier().toHex());
    assertEquals("7b2f4456", auth.signatureValue().toHex());
    assertError(
        wrap(PayloadType.AUTH, "0e0000000f300d06092a864886f70d01010b0500"),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 4); // no signature left
    assertError(
        wrap(PayloadType.AUTH, "0e00000000aa"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 4);
    assertError(wrap(PayloadType.AUTH, "02000000"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 4);
  }

  @Test
  void certificates() {
    decodeOne(wrap(PayloadType.CERT, "04308201"));
    assertError(wrap(PayloadType.CERT, "04"), IkeParseError.Kind.INVALID_PAYLOAD, BODY);
    assertError(
        wrap(PayloadType.CERT, "0c" + "00".repeat(20)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY + 1);
    CertReqPayload req =
        (CertReqPayload) decodeOne(wrap(PayloadType.CERTREQ, "04" + "11".repeat(40)));
    assertEquals(2, req.caKeyHashes().size());
    // A malformed CERTREQ is kept (it is only a hint) but yields no hashes.
    assertEquals(
        List.of(),
        ((CertReqPayload) decodeOne(wrap(PayloadType.CERTREQ, "04" + "11".repeat(21))))
            .caKeyHashes());
  }

  @Test
  void eapLength() {
    decodeOne(wrap(PayloadType.EAP, "0201000501"));
    assertError(wrap(PayloadType.EAP, "0201000601"), IkeParseError.Kind.INVALID_PAYLOAD, BODY + 2);
  }

  @Test
  void encryptedPayloadPlacement() {
    // SKF with fragment 3 of 2.
    assertError(
        wrap(PayloadType.SKF, "00030002" + "00".repeat(20)),
        IkeParseError.Kind.INVALID_PAYLOAD,
        BODY);
    // SK followed by another payload's bytes.
    byte[] sk = wrap(PayloadType.SK.value(), 0, new byte[20]);
    byte[] longer = new byte[sk.length + 4];
    System.arraycopy(sk, 0, longer, 0, sk.length);
    ByteBuffer.wrap(longer).putInt(IkeHeader.OFFSET_LENGTH, longer.length);
    assertError(longer, IkeParseError.Kind.TRAILING_DATA, sk.length);
  }

  @Test
  void constructorsRejectWhatDecodersReject() {
    assertThrows(IllegalArgumentException.class, () -> new NoncePayload(Bytes.of(new byte[15])));
    assertThrows(IllegalArgumentException.class, () -> new KePayload(14, Bytes.of(new byte[10])));
    assertThrows(
        IllegalArgumentException.class,
        () -> NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, Bytes.of(new byte[3])));
    assertThrows(
        IllegalArgumentException.class,
        () -> new IdPayload(true, IdType.IPV4_ADDR, Bytes.of(new byte[5])));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SaPayload.Proposal(1, ProtocolId.ESP, Bytes.EMPTY, List.of()));
    SaPayload.Proposal p2 = new SaPayload.Proposal(2, ProtocolId.IKE, Bytes.EMPTY, List.of());
    assertThrows(IllegalArgumentException.class, () -> SaPayload.of(p2, p2));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UnknownPayload(PayloadType.SA, false, Bytes.EMPTY));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Message.of(
                IkeHeader.of(1, 0, ExchangeType.IKE_AUTH, true, false, 1),
                SkPayload.of(),
                NotifyPayload.of(NotifyType.INITIAL_CONTACT)));
    assertEquals(
        Optional.of(NotifyType.INVALID_SYNTAX),
        IkeParseError.of(IkeParseError.Kind.INVALID_PAYLOAD, 0, "x").notifyType());
  }
}
