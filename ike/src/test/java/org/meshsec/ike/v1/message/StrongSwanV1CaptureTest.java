package org.meshsec.ike.v1.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.V1Captures;

/**
 * Codec tests on IKEv1 messages strongSwan 5.9 sent (see /captures/strongswan-ikev1/README.md):
 * decode and check fields, re-encode and compare bytes, and change one byte at a named offset for
 * the typed error. The encrypted messages are opened in {@code v1.crypto.StrongSwanV1KeysTest}.
 */
class StrongSwanV1CaptureTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 3706 section 4: the DPD vendor ID (major 1, minor 0). */
  private static final Bytes DPD_VID = Bytes.fromHex("afcad71368a1f1c96b8696fc77570100");

  /** RFC 3947 section 3.1: MD5("RFC 3947"). */
  private static final Bytes NAT_T_VID = Bytes.fromHex("4a131c81070358455c5728f20e95452f");

  private static Datagram decode(byte[] raw) {
    ParseResult<Datagram> r = Datagram.decode(raw);
    assertInstanceOf(ParseResult.Ok.class, r, () -> "decode failed: " + r);
    return r.orElseThrow();
  }

  private static ParseError error(byte[] raw) {
    ParseResult<Datagram> r = Datagram.decode(raw);
    return assertInstanceOf(ParseResult.Err.class, r, () -> "decoded: " + r).error();
  }

  @Test
  void everyRecordedMessageDecodesAndReencodesByteForByte() {
    for (String suite : List.of(V1Captures.MAIN, V1Captures.AGGRESSIVE)) {
      List<String> files = V1Captures.files(suite);
      for (int i = 0; i < files.size(); i++) {
        byte[] raw = V1Captures.message(suite, files.get(i));
        Datagram d = decode(raw);
        byte[] again = d instanceof IsakmpMessage m ? m.encode() : ((EncryptedMessage) d).encode();
        assertArrayEquals(raw, again, suite + " " + files.get(i));
        assertEquals(1, d.header().majorVersion());
        assertEquals(0, d.header().minorVersion());
      }
    }
  }

  @Test
  void mainModeFirstMessage() {
    IsakmpMessage m = (IsakmpMessage) decode(V1Captures.message(V1Captures.MAIN, "01_id_prot_i2r"));
    IsakmpHeader h = m.header();
    assertEquals(0x2147b5d2235f00d5L, h.initiatorCookie());
    assertEquals(0, h.responderCookie());
    assertEquals(ExchangeType.IDENTITY_PROTECTION, h.exchangeType());
    assertEquals(0, h.messageId());
    assertEquals(false, h.encrypted());
    assertEquals(180, h.length());
    assertEquals("ID_PROT 0 [ SA V V V V V ]", m.toString());

    SaPayload sa = m.first(SaPayload.class).orElseThrow();
    assertEquals(SaPayload.DOI_IPSEC, sa.doi());
    assertEquals(SaPayload.SIT_IDENTITY_ONLY, sa.situation());
    SaPayload.Proposal p = sa.proposals().get(0);
    assertEquals(1, p.number());
    assertEquals(ProtocolId.ISAKMP, p.protocolId());
    assertEquals(Bytes.EMPTY, p.spi());
    SaPayload.Transform t = p.transforms().get(0);
    assertEquals(SaPayload.KEY_IKE, t.transformId());
    assertEquals(7, t.attributes().size());
    assertEquals(true, t.attributes().stream().allMatch(DataAttribute::basic));
    assertEquals(
        Phase1Attribute.Encryption.AES_CBC,
        new Phase1Attribute.Encryption((int) value(t, Phase1Attribute.ENCRYPTION_ALGORITHM)));
    assertEquals(128, value(t, Phase1Attribute.KEY_LENGTH));
    assertEquals(
        Phase1Attribute.Hash.SHA2_256,
        new Phase1Attribute.Hash((int) value(t, Phase1Attribute.HASH_ALGORITHM)));
    assertEquals(14, value(t, Phase1Attribute.GROUP_DESCRIPTION));
    assertEquals(
        Phase1Attribute.AuthMethod.PRE_SHARED_KEY,
        new Phase1Attribute.AuthMethod((int) value(t, Phase1Attribute.AUTHENTICATION_METHOD)));
    assertEquals(Phase1Attribute.LifeType.SECONDS.value(), value(t, Phase1Attribute.LIFE_TYPE));

    List<Bytes> vids =
        m.all(VendorIdPayload.class).stream().map(VendorIdPayload::vendorId).toList();
    assertEquals(5, vids.size());
    assertEquals(true, vids.contains(DPD_VID), "DPD vendor ID (RFC 3706)");
    assertEquals(true, vids.contains(NAT_T_VID), "RFC 3947 vendor ID");
  }

  private static long value(SaPayload.Transform t, Phase1Attribute a) {
    return a.find(t.attributes()).orElseThrow().longValue();
  }

  /** RFC 3947 section 3.2: NAT-D = HASH(CKY-I | CKY-R | IP | Port), destination first. */
  @Test
  void mainModeKeyExchangeMessageAndNatDiscovery() throws Exception {
    IsakmpMessage m = (IsakmpMessage) decode(V1Captures.message(V1Captures.MAIN, "03_id_prot_i2r"));
    assertEquals("ID_PROT 0 [ KE No NAT-D NAT-D ]", m.toString());
    assertEquals(256, m.first(KePayload.class).orElseThrow().keyExchangeData().length());
    assertEquals(32, m.first(NoncePayload.class).orElseThrow().nonceData().length());
    List<NatDPayload> natd = m.all(NatDPayload.class);
    assertEquals(2, natd.size());
    byte[] chunk =
        Bytes.concat(
            Bytes.bigEndian64(m.header().initiatorCookie()),
            Bytes.bigEndian64(m.header().responderCookie()),
            HEX.parseHex("c0000202"),
            HEX.parseHex("01f4"));
    byte[] expected = MessageDigest.getInstance("SHA-256").digest(chunk);
    assertArrayEquals(expected, natd.get(0).hash().toByteArray(), "192.0.2.2:500");
    // The second (source) hash is deliberately wrong: kernel-libipsec makes charon fake a NAT.
  }

  @Test
  void aggressiveModeMessagesCarryTheIdentities() {
    IsakmpMessage m1 =
        (IsakmpMessage) decode(V1Captures.message(V1Captures.AGGRESSIVE, "01_aggressive_i2r"));
    assertEquals("AGGRESSIVE 0 [ SA KE No ID V V V V V ]", m1.toString());
    IdPayload id = m1.first(IdPayload.class).orElseThrow();
    assertEquals(IdType.FQDN, id.idType());
    assertEquals("initiator.v1.example", id.text());
    IsakmpMessage m2 =
        (IsakmpMessage) decode(V1Captures.message(V1Captures.AGGRESSIVE, "02_aggressive_r2i"));
    assertEquals("AGGRESSIVE 0 [ SA KE No ID V V V V NAT-D NAT-D HASH ]", m2.toString());
    assertEquals(32, m2.first(HashPayload.class).orElseThrow().hashData().length());
    EncryptedMessage m3 =
        (EncryptedMessage) decode(V1Captures.message(V1Captures.AGGRESSIVE, "03_aggressive_i2r"));
    assertEquals(true, m3.header().encrypted());
    assertEquals(PayloadType.HASH, m3.header().nextPayload());
    assertEquals(112, m3.ciphertext().length());
    assertEquals(0, m3.ciphertext().length() % 16);
  }

  private static byte[] mainFirst() {
    return V1Captures.message(V1Captures.MAIN, "01_id_prot_i2r");
  }

  private static byte[] set(byte[] raw, int offset, int value) {
    byte[] b = raw.clone();
    b[offset] = (byte) value;
    return b;
  }

  private static void expect(
      byte[] raw, ParseError.Kind kind, int offset, Optional<NotifyType> notify) {
    ParseError e = error(raw);
    assertEquals(kind, e.kind(), e::toString);
    assertEquals(offset, e.offset(), e::toString);
    assertEquals(notify, e.reply(), e::toString);
  }

  // Offsets into 01_id_prot_i2r: header 0..27, SA generic header 28..31, DOI 32..35, situation
  // 36..39, proposal header 40..43, Proposal # 44, Protocol-Id 45, SPI Size 46, # Transforms 47,
  // transform header 48..51, Transform # 52, Transform-Id 53, attributes from 56.
  private static final int SA_LENGTH = 30;
  private static final int DOI = 32;
  private static final int SITUATION = 36;
  private static final int PROPOSAL_NEXT = 40;
  private static final int SPI_SIZE = 46;
  private static final int TRANSFORM_COUNT = 47;
  private static final int TRANSFORM_NEXT = 48;

  @Test
  void oneByteChangesGiveTypedErrors() {
    byte[] raw = mainFirst();
    expect(
        set(raw, IsakmpHeader.OFFSET_VERSION, 0x20),
        ParseError.Kind.INVALID_MAJOR_VERSION,
        IsakmpHeader.OFFSET_VERSION,
        Optional.of(NotifyType.INVALID_MAJOR_VERSION));
    expect(
        set(raw, IsakmpHeader.OFFSET_VERSION, 0x11),
        ParseError.Kind.INVALID_MINOR_VERSION,
        IsakmpHeader.OFFSET_VERSION,
        Optional.of(NotifyType.INVALID_MINOR_VERSION));
    expect(
        set(raw, IsakmpHeader.OFFSET_FLAGS, 0x10),
        ParseError.Kind.INVALID_FLAGS,
        IsakmpHeader.OFFSET_FLAGS,
        Optional.of(NotifyType.INVALID_FLAGS));
    expect(
        set(raw, IsakmpHeader.OFFSET_LENGTH + 3, raw[IsakmpHeader.OFFSET_LENGTH + 3] + 1),
        ParseError.Kind.BAD_MESSAGE_LENGTH,
        IsakmpHeader.OFFSET_LENGTH,
        Optional.of(NotifyType.UNEQUAL_PAYLOAD_LENGTHS));
    expect(
        set(raw, IsakmpHeader.OFFSET_NEXT_PAYLOAD, 2),
        ParseError.Kind.INVALID_PAYLOAD_TYPE,
        IsakmpHeader.LENGTH,
        Optional.of(NotifyType.INVALID_PAYLOAD_TYPE));
    expect(
        set(raw, SA_LENGTH, 0x7F),
        ParseError.Kind.BAD_PAYLOAD_LENGTH,
        SA_LENGTH,
        Optional.of(NotifyType.PAYLOAD_MALFORMED));
    expect(
        set(raw, DOI + 3, 2),
        ParseError.Kind.INVALID_PAYLOAD,
        DOI,
        Optional.of(NotifyType.DOI_NOT_SUPPORTED));
    expect(
        set(raw, SITUATION + 3, 2),
        ParseError.Kind.INVALID_PAYLOAD,
        SITUATION,
        Optional.of(NotifyType.SITUATION_NOT_SUPPORTED));
    expect(
        set(raw, PROPOSAL_NEXT, 2),
        ParseError.Kind.TRUNCATED,
        PROPOSAL_NEXT + raw[PROPOSAL_NEXT + 3],
        Optional.of(NotifyType.PAYLOAD_MALFORMED));
    expect(
        set(raw, SPI_SIZE, 3),
        ParseError.Kind.INVALID_PAYLOAD,
        SPI_SIZE,
        Optional.of(NotifyType.BAD_PROPOSAL_SYNTAX));
    expect(
        set(raw, TRANSFORM_COUNT, 2),
        ParseError.Kind.INVALID_PAYLOAD,
        TRANSFORM_COUNT,
        Optional.of(NotifyType.BAD_PROPOSAL_SYNTAX));
    expect(
        set(raw, TRANSFORM_NEXT, 1),
        ParseError.Kind.INVALID_PAYLOAD,
        TRANSFORM_NEXT + 8 + 7 * 4,
        Optional.of(NotifyType.BAD_PROPOSAL_SYNTAX));
    expect(
        java.util.Arrays.copyOf(raw, 20),
        ParseError.Kind.TRUNCATED,
        0,
        Optional.of(NotifyType.PAYLOAD_MALFORMED));
  }

  @Test
  void encryptedMessagesAreNotPlaintext() {
    byte[] raw = V1Captures.message(V1Captures.MAIN, "05_id_prot_i2r");
    ParseError e = assertInstanceOf(ParseResult.Err.class, IsakmpMessage.decode(raw)).error();
    assertEquals(ParseError.Kind.ENCRYPTION_MISMATCH, e.kind());
    assertEquals(Optional.empty(), e.reply());
    // Cut one byte of ciphertext (and fix the Length): not whole blocks, dropped on decryption.
    byte[] cut = java.util.Arrays.copyOf(raw, raw.length - 1);
    cut[IsakmpHeader.OFFSET_LENGTH + 3] = (byte) cut.length;
    cut[IsakmpHeader.OFFSET_LENGTH + 2] = (byte) (cut.length >>> 8);
    EncryptedMessage m = (EncryptedMessage) decode(cut);
    ParseError d =
        assertInstanceOf(
                ParseResult.Err.class, m.decrypt(CbcCipher.aes(new byte[16]), new byte[16]))
            .error();
    assertEquals(ParseError.Kind.BAD_CIPHERTEXT_LENGTH, d.kind());
    assertEquals(Optional.empty(), d.reply());
  }
}
