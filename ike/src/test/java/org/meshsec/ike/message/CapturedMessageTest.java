package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.ike.message.CapturedMessages.hex;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EncrAlgorithm;

/** Decodes captured messages, asserts their fields, re-encodes them byte for byte. */
class CapturedMessageTest {

  // Offsets into the captured IKE_SA_INIT request.
  private static final int SA_OFFSET = 28; // SA generic header
  private static final int KE_OFFSET = SA_OFFSET + 48;
  private static final int NONCE_OFFSET = KE_OFFSET + 136;
  private static final int NAT_SRC_OFFSET = NONCE_OFFSET + 36;
  private static final int NAT_DST_OFFSET = NAT_SRC_OFFSET + 28;
  private static final int VENDOR_OFFSET = NAT_DST_OFFSET + 28;

  static IkeParseError decodeError(byte[] datagram) {
    DecodeResult<Message> r = Message.decode(datagram);
    return assertInstanceOf(DecodeResult.Err.class, r, () -> "expected an error, got " + r).error();
  }

  @Test
  void ikeSaInitFields() {
    byte[] datagram = CapturedMessages.ikeSaInit();
    Message m = Message.decode(datagram).orElseThrow();

    IkeHeader h = m.header();
    assertEquals(0x8f54bf6d8b48e6e1L, h.initiatorSpi());
    assertEquals(0L, h.responderSpi());
    assertEquals(PayloadType.SA, h.nextPayload());
    assertEquals(2, h.majorVersion());
    assertEquals(0, h.minorVersion());
    assertEquals(ExchangeType.IKE_SA_INIT, h.exchangeType());
    assertTrue(h.initiatorFlag());
    assertFalse(h.responseFlag());
    assertFalse(h.versionFlag());
    assertEquals(0, h.messageId());
    assertEquals(336, h.length());
    assertEquals(datagram.length, h.length());

    assertEquals(
        List.of(
            PayloadType.SA,
            PayloadType.KE,
            PayloadType.NONCE,
            PayloadType.NOTIFY,
            PayloadType.NOTIFY,
            PayloadType.VENDOR_ID),
        m.payloads().stream().map(Payload::type).toList());

    SaPayload sa = (SaPayload) m.payloads().get(0);
    assertEquals(1, sa.proposals().size());
    SaPayload.Proposal p = sa.proposals().get(0);
    assertEquals(1, p.number());
    assertEquals(ProtocolId.IKE, p.protocolId());
    assertTrue(p.spi().isEmpty());
    assertEquals(4, p.transforms().size());
    SaPayload.Transform encr = p.first(TransformType.ENCR).orElseThrow();
    assertEquals(EncrAlgorithm.AES_CBC, encr.encrAlgorithm());
    assertEquals(128, encr.keyLength().getAsInt());
    assertEquals(2, p.first(TransformType.INTEG).orElseThrow().id()); // AUTH_HMAC_SHA1_96
    assertEquals(2, p.first(TransformType.DH).orElseThrow().id()); // MODP 1024
    assertEquals(2, p.first(TransformType.PRF).orElseThrow().id()); // PRF_HMAC_SHA1
    assertEquals(TransformType.PRF, p.transforms().get(3).type()); // wire order kept

    KePayload ke = (KePayload) m.payloads().get(1);
    assertEquals(2, ke.dhGroup());
    assertEquals(128, ke.keyExchangeData().length());
    assertEquals("b4a2faf4", ke.keyExchangeData().slice(0, 4).toHex());

    NoncePayload nonce = (NoncePayload) m.payloads().get(2);
    assertEquals(32, nonce.nonce().length());
    assertEquals("c39b7f368f4681b8", nonce.nonce().slice(0, 8).toHex());

    NotifyPayload natSrc = m.notify(NotifyType.NAT_DETECTION_SOURCE_IP).orElseThrow();
    assertEquals(ProtocolId.NONE, natSrc.protocolId());
    assertTrue(natSrc.spi().isEmpty());
    assertEquals("e54f73b7d83f6beb881eab2051d8663f421d10b0", natSrc.data().toHex());
    NotifyPayload natDst = m.notify(NotifyType.NAT_DETECTION_DESTINATION_IP).orElseThrow();
    assertEquals("d915368ca036004cb578ae3e3fb268509aeab190", natDst.data().toHex());

    VendorIdPayload v = (VendorIdPayload) m.payloads().get(5);
    assertEquals("69936922", v.vendorId().slice(0, 4).toHex());
    assertEquals(28, v.vendorId().length());

    assertEquals(Optional.empty(), ExchangeRules.validate(m));
  }

  @Test
  void ikeSaInitReencodesByteForByte() {
    byte[] datagram = CapturedMessages.ikeSaInit();
    Message m = Message.decode(datagram).orElseThrow();
    assertArrayEquals(datagram, m.encode());
    // Built from scratch (Next Payload and Length computed) it is the same message.
    Message rebuilt =
        new Message(
            IkeHeader.of(0x8f54bf6d8b48e6e1L, 0, ExchangeType.IKE_SA_INIT, true, false, 0),
            m.payloads());
    assertArrayEquals(datagram, rebuilt.encode());
  }

  @Test
  void versionByteIsChecked() {
    byte[] d = CapturedMessages.ikeSaInit();
    d[IkeHeader.OFFSET_VERSION] = 0x30;
    IkeParseError e = decodeError(d);
    assertEquals(IkeParseError.Kind.INVALID_MAJOR_VERSION, e.kind());
    assertEquals(IkeHeader.OFFSET_VERSION, e.offset());
    assertEquals(Optional.of(NotifyType.INVALID_MAJOR_VERSION), e.notifyType());

    d[IkeHeader.OFFSET_VERSION] = 0x10; // IKEv1
    assertEquals(IkeParseError.Kind.INVALID_MAJOR_VERSION, decodeError(d).kind());

    d[IkeHeader.OFFSET_VERSION] = 0x2F; // a higher minor version is accepted (section 2.5)
    assertEquals(15, Message.decode(d).orElseThrow().header().minorVersion());
  }

  @Test
  void messageLengthMustMatchDatagram() {
    byte[] d = CapturedMessages.ikeSaInit();
    d[IkeHeader.OFFSET_LENGTH + 3]++;
    IkeParseError e = decodeError(d);
    assertEquals(IkeParseError.Kind.BAD_MESSAGE_LENGTH, e.kind());
    assertEquals(IkeHeader.OFFSET_LENGTH, e.offset());
    assertEquals(Optional.of(NotifyType.INVALID_SYNTAX), e.notifyType());

    d[IkeHeader.OFFSET_LENGTH + 1] = 0x02; // 0x00020151: beyond 64 KiB
    assertEquals(IkeParseError.Kind.MESSAGE_TOO_LARGE, decodeError(d).kind());

    assertEquals(IkeParseError.Kind.TRUNCATED, decodeError(new byte[27]).kind());
    assertEquals(
        IkeParseError.Kind.MESSAGE_TOO_LARGE,
        decodeError(new byte[Message.MAX_MESSAGE_LENGTH + 1]).kind());
  }

  @Test
  void payloadLengthsThatLie() {
    byte[] d = CapturedMessages.ikeSaInit();
    d[SA_OFFSET + 3] = 3; // SA length 3 < 4
    IkeParseError e = decodeError(d);
    assertEquals(IkeParseError.Kind.BAD_PAYLOAD_LENGTH, e.kind());
    assertEquals(SA_OFFSET + 2, e.offset());

    d = CapturedMessages.ikeSaInit();
    d[VENDOR_OFFSET + 3] = 0x21; // one byte past the end
    e = decodeError(d);
    assertEquals(IkeParseError.Kind.BAD_PAYLOAD_LENGTH, e.kind());
    assertEquals(VENDOR_OFFSET + 2, e.offset());

    d = CapturedMessages.ikeSaInit();
    d[VENDOR_OFFSET + 3] = 0x1f; // one byte left over
    e = decodeError(d);
    assertEquals(IkeParseError.Kind.TRAILING_DATA, e.kind());
    assertEquals(d.length - 1, e.offset());

    d = CapturedMessages.ikeSaInit();
    d[NONCE_OFFSET + 3] = 0x22; // nonce length shortened: the chain no longer lines up
    assertFalse(Message.decode(d).isOk());
  }

  @Test
  void criticalBitOfUnknownPayload() {
    byte[] d = CapturedMessages.ikeSaInit();
    d[IkeHeader.OFFSET_NEXT_PAYLOAD] = (byte) 0xFF; // SA becomes an unknown payload type 255
    Message m = Message.decode(d).orElseThrow();
    UnknownPayload u = (UnknownPayload) m.payloads().get(0);
    assertEquals(255, u.type().value());
    assertFalse(u.critical());
    assertEquals(44, u.body().length());
    assertArrayEquals(d, m.encode());

    d[SA_OFFSET + 1] = (byte) 0x80; // critical
    IkeParseError e = decodeError(d);
    assertEquals(IkeParseError.Kind.UNSUPPORTED_CRITICAL_PAYLOAD, e.kind());
    assertEquals(SA_OFFSET, e.offset());
    IkeProtocolError reply = e.reply().orElseThrow();
    assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, reply.type());
    assertEquals(Bytes.of((byte) 0xFF), reply.data());
    NotifyPayload n = reply.toNotifyPayload();
    assertEquals(1, n.notifyType().value());
    assertEquals("ff", n.data().toHex());
  }

  @Test
  void criticalBitOfKnownPayloadIsIgnored() {
    byte[] d = CapturedMessages.ikeSaInit();
    d[KE_OFFSET + 1] = (byte) 0x80;
    Message m = Message.decode(d).orElseThrow();
    assertEquals(PayloadType.KE, m.payloads().get(1).type());
    assertEquals(CapturedMessages.IKE_SA_INIT_REQUEST_HEX, Bytes.of(m.encode()).toHex());
  }

  @Test
  void ikeAuthDecryptsWithCapturedKeys() throws Exception {
    byte[] datagram = CapturedMessages.ikeAuth();
    Message sealed = Message.decode(datagram).orElseThrow();
    SealedSkPayload s = (SealedSkPayload) sealed.payloads().get(0);
    assertEquals(PayloadType.IDI, s.firstPayloadType());
    assertEquals(16 + 176 + 12, s.body().length());
    assertArrayEquals(datagram, sealed.encode());

    Message m = Message.decode(datagram, CapturedMessages.ikeAuthCipher()).orElseThrow();
    IkeHeader h = m.header();
    assertEquals(0x5f54bf6d8b48e6e1L, h.initiatorSpi());
    assertEquals(0x909232b3d1edcb5cL, h.responderSpi());
    assertEquals(ExchangeType.IKE_AUTH, h.exchangeType());
    assertEquals(1, h.messageId());
    assertEquals(PayloadType.SK, h.nextPayload());

    List<Payload> inner = m.encryptedPayload().orElseThrow().payloads();
    assertEquals(
        List.of(
            PayloadType.IDI,
            PayloadType.IDR,
            PayloadType.AUTH,
            PayloadType.SA,
            PayloadType.TSI,
            PayloadType.TSR,
            PayloadType.NOTIFY,
            PayloadType.NOTIFY),
        inner.stream().map(Payload::type).toList());

    IdPayload idi = (IdPayload) inner.get(0);
    assertEquals(IdType.IPV4_ADDR, idi.idType());
    assertEquals("10.80.80.13", idi.inetAddress().getHostAddress());
    assertEquals("10.80.80.80", ((IdPayload) inner.get(1)).inetAddress().getHostAddress());

    AuthPayload auth = (AuthPayload) inner.get(2);
    assertEquals(AuthMethod.SHARED_KEY_MIC, auth.method());
    assertEquals("df7c038aefaaa32d3f44b228b52a332744dfb2c1", auth.data().toHex());

    SaPayload.Proposal esp = ((SaPayload) inner.get(3)).proposals().get(0);
    assertEquals(ProtocolId.ESP, esp.protocolId());
    assertEquals(0x2ad4c0a2L, esp.spi().toLong());
    assertEquals(EncrAlgorithm.AES_CBC, esp.first(TransformType.ENCR).get().encrAlgorithm());
    assertEquals(0, esp.first(TransformType.ESN).get().id());

    TsPayload tsi = (TsPayload) inner.get(4);
    assertTrue(tsi.initiator());
    TrafficSelector.AddressRange any = (TrafficSelector.AddressRange) tsi.selectors().get(0);
    assertEquals(TsType.IPV4_ADDR_RANGE, any.tsType());
    assertEquals(0, any.ipProtocol());
    assertEquals(0, any.startPort());
    assertEquals(0xFFFF, any.endPort());
    assertEquals(InetAddress.getByAddress(new byte[4]), any.startInetAddress());
    assertEquals("ffffffff", any.endAddress().toHex());
    assertFalse(((TsPayload) inner.get(5)).initiator());

    assertTrue(m.notify(NotifyType.INITIAL_CONTACT).isPresent());
    assertEquals("00000001", m.notify(NotifyType.SET_WINDOW_SIZE).get().data().toHex());

    assertEquals(Optional.empty(), ExchangeRules.validate(m));
    assertEquals(CapturedMessages.IKE_AUTH_INNER_HEX, Bytes.of(PayloadChain.encode(inner)).toHex());
  }

  @Test
  void ikeAuthReencryptsByteForByte() {
    byte[] datagram = CapturedMessages.ikeAuth();
    Message m = Message.decode(datagram, CapturedMessages.ikeAuthCipher()).orElseThrow();
    byte[] again = m.encode(CapturedMessages.ikeAuthCipher(hex(CapturedMessages.IKE_AUTH_IV_HEX)));
    assertArrayEquals(datagram, again);
  }

  @Test
  void ikeAuthIntegrityFailures() {
    byte[] d = CapturedMessages.ikeAuth();
    d[IkeHeader.LENGTH + 4 + 16 + 5] ^= 1; // one ciphertext bit
    DecodeResult<Message> r = Message.decode(d, CapturedMessages.ikeAuthCipher());
    IkeParseError e = ((DecodeResult.Err<Message>) r).error();
    assertEquals(IkeParseError.Kind.INTEGRITY_CHECK_FAILED, e.kind());
    assertEquals(Optional.empty(), e.reply());

    d = CapturedMessages.ikeAuth();
    d[IkeHeader.OFFSET_MESSAGE_ID + 3] = 2; // the header is authenticated too
    r = Message.decode(d, CapturedMessages.ikeAuthCipher());
    assertEquals(
        IkeParseError.Kind.INTEGRITY_CHECK_FAILED, ((DecodeResult.Err<Message>) r).error().kind());

    d = CapturedMessages.ikeAuth();
    d[d.length - 1] ^= 0x40; // the ICV
    r = Message.decode(d, CapturedMessages.ikeAuthCipher());
    assertEquals(
        IkeParseError.Kind.INTEGRITY_CHECK_FAILED, ((DecodeResult.Err<Message>) r).error().kind());
  }
}
