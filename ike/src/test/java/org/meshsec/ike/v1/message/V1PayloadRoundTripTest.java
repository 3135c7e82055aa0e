package org.meshsec.ike.v1.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.message.Bytes;

/** Every payload record survives encode and decode, alone, all together, and encrypted. */
class V1PayloadRoundTripTest {

  private static IsakmpMessage roundTrip(IsakmpMessage m) {
    byte[] raw = m.encode();
    ParseResult<IsakmpMessage> r = IsakmpMessage.decode(raw);
    assertInstanceOf(ParseResult.Ok.class, r, () -> m + ": " + r);
    IsakmpMessage back = r.orElseThrow();
    assertArrayEquals(raw, back.encode(), m.toString());
    return back;
  }

  @Test
  void eachPayloadAlone() {
    for (Payload p : V1Samples.all()) {
      IsakmpMessage m = IsakmpMessage.of(V1Samples.header(ExchangeType.INFORMATIONAL, 7), p);
      IsakmpMessage back = roundTrip(m);
      assertEquals(List.of(p), back.payloads(), p.toString());
      assertEquals(p.type(), back.header().nextPayload());
    }
  }

  @Test
  void allPayloadsChained() {
    IsakmpMessage m =
        new IsakmpMessage(V1Samples.header(ExchangeType.QUICK_MODE, 0xdeadbeefL), V1Samples.all());
    IsakmpMessage back = roundTrip(m);
    assertEquals(m.payloads(), back.payloads());
    assertEquals(0xdeadbeefL, back.header().messageId());
    assertEquals(V1Samples.CKY_R, back.header().responderCookie());
  }

  @Test
  void emptyMessage() {
    IsakmpMessage m = new IsakmpMessage(V1Samples.header(ExchangeType.INFORMATIONAL, 1), List.of());
    assertEquals(List.of(), roundTrip(m).payloads());
    assertEquals(IsakmpHeader.LENGTH, m.encode().length);
  }

  @Test
  void encryptedWithAesAndLegacy3des() {
    IsakmpMessage m =
        new IsakmpMessage(
            V1Samples.header(ExchangeType.QUICK_MODE, 42), V1Samples.all().subList(0, 12));
    CbcCipher aes = CbcCipher.aes(new byte[32]);
    CbcCipher des = CbcCipher.tripleDes(new byte[24], CbcCipher.Legacy.ALLOW);
    for (CbcCipher c : List.of(aes, des)) {
      byte[] iv = new byte[c.blockSize()];
      iv[0] = 9;
      EncryptedMessage e = m.encrypt(c, iv);
      assertEquals(0, e.ciphertext().length() % c.blockSize());
      int padding = e.ciphertext().length() - m.encodePayloads().length;
      assertTrue(padding >= 1 && padding <= c.blockSize(), "padding " + padding);
      byte[] raw = e.encode();
      EncryptedMessage decoded =
          assertInstanceOf(EncryptedMessage.class, Datagram.decode(raw).orElseThrow());
      assertEquals(true, decoded.header().encrypted());
      assertEquals(m.payloads().get(0).type(), decoded.header().nextPayload());
      IsakmpMessage back = decoded.decrypt(c, iv).orElseThrow();
      assertEquals(m.payloads(), back.payloads());
      assertArrayEquals(
          e.ciphertext()
              .slice(e.ciphertext().length() - c.blockSize(), e.ciphertext().length())
              .toByteArray(),
          decoded.lastBlock(c.blockSize()));
    }
  }

  /** RFC 2409 appendix B pads with zeros; other padding (e.g. a pad length octet) is skipped. */
  @Test
  void anyPaddingIsSkipped() {
    IsakmpMessage m =
        IsakmpMessage.of(
            V1Samples.header(ExchangeType.INFORMATIONAL, 5),
            new HashPayload(Bytes.of(new byte[20])));
    CbcCipher aes = CbcCipher.aes(new byte[16]);
    byte[] iv = new byte[16];
    byte[] chain = m.encodePayloads();
    byte[] padded = new byte[32];
    System.arraycopy(chain, 0, padded, 0, chain.length);
    for (int i = chain.length; i < 32; i++) {
      padded[i] = (byte) 0xA5;
    }
    padded[31] = (byte) (32 - chain.length - 1);
    byte[] ct = aes.encrypt(iv, padded);
    EncryptedMessage e =
        new EncryptedMessage(
            m.header().withWireFields(PayloadType.HASH, true, IsakmpHeader.LENGTH + 32),
            Bytes.of(ct));
    assertEquals(m.payloads(), e.decrypt(aes, iv).orElseThrow().payloads());
  }

  @Test
  void responderLifetimeCarriesAttributes() {
    List<DataAttribute> life =
        List.of(
            DataAttribute.basic(IpsecAttribute.SA_LIFE_TYPE.value(), 1),
            DataAttribute.number(IpsecAttribute.SA_LIFE_DURATION.value(), 3600),
            DataAttribute.basic(IpsecAttribute.SA_LIFE_TYPE.value(), 2),
            DataAttribute.number(IpsecAttribute.SA_LIFE_DURATION.value(), 4_000_000));
    NotifyPayload n =
        NotifyPayload.responderLifetime(ProtocolId.ESP, Bytes.fromHex("0000bbbb"), life);
    IsakmpMessage back =
        roundTrip(IsakmpMessage.of(V1Samples.header(ExchangeType.QUICK_MODE, 1), n));
    NotifyPayload got = back.notify(NotifyType.RESPONDER_LIFETIME).orElseThrow();
    assertEquals(life, got.dataAttributes().orElseThrow());
  }

  @Test
  void accessors() {
    IdPayload subnet = IdPayload.subnet(V1Samples.ip("10.1.0.0"), 16, 0, 0);
    assertEquals("10.1.0.0", subnet.address().getHostAddress());
    assertEquals("255.255.0.0", subnet.secondAddress().getHostAddress());
    assertEquals("ID[ID_IPV4_ADDR_SUBNET 10.1.0.0/255.255.0.0 proto 0 port 0]", subnet.toString());
    assertEquals(0x12345678L, NotifyPayload.dpd(false, 1, 2, 0x12345678L).dpdSequence());
    assertEquals(-1, NotifyPayload.error(NotifyType.PAYLOAD_MALFORMED).dpdSequence());
    assertEquals(86400, DataAttribute.number(12, 86400).longValue());
    assertEquals(false, DataAttribute.number(12, 86400).basic());
    assertEquals(true, DataAttribute.number(12, 600).basic());
    assertEquals(
        "192.168.1.10",
        NatOaPayload.of(V1Samples.ip("192.168.1.10")).inetAddress().getHostAddress());
    assertEquals("R-U-THERE", NotifyType.R_U_THERE.toString());
    assertEquals("NOTIFY_4242", new NotifyType(4242).toString());
    assertEquals("PAYLOAD_77", new PayloadType(77).toString());
    assertEquals("EXCHANGE_99", new ExchangeType(99).toString());
    assertEquals("ENCR_99", new Phase1Attribute.Encryption(99).toString());
    assertEquals("ID_99", new IdType(99).toString());
    assertEquals("CERT_99", new CertEncoding(99).toString());
    assertEquals("MODE_99", new IpsecAttribute.EncapsulationMode(99).toString());
    assertEquals(true, Phase1Attribute.AuthMethod.RSA_SIGNATURES.isSignature());
    assertEquals(false, Phase1Attribute.AuthMethod.PRE_SHARED_KEY.isSignature());
  }
}
