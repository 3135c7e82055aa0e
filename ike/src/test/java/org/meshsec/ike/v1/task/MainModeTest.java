package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.v1.V1Captures;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.EncryptedMessage;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.Phase1Attribute;
import org.meshsec.ike.v1.message.SaPayload;

/** Two Main Mode PSK peers in one process, each message labelled with its RFC 2409 5.4 step. */
class MainModeTest {
  private static final Phase1Proposal AES128_SHA256_MODP2048 =
      new Phase1Proposal(
          Phase1Attribute.Encryption.AES_CBC,
          128,
          Phase1Attribute.Hash.SHA2_256,
          DhGroup.MODP_2048,
          28800);
  private static final Phase1Proposal AES256_SHA384_ECP256 =
      new Phase1Proposal(
          Phase1Attribute.Encryption.AES_CBC,
          256,
          Phase1Attribute.Hash.SHA2_384,
          DhGroup.ECP_256,
          3600);

  private static SecretBytes psk(String s) {
    return SecretBytes.copyOf(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static IdPayload ip(String a) throws Exception {
    return IdPayload.address(InetAddress.getByName(a));
  }

  private static Phase1Config config(
      List<Phase1Proposal> proposals, String psk, IdPayload local, IdPayload remote) {
    return new Phase1Config(proposals, psk(psk), local, Optional.ofNullable(remote));
  }

  private static byte[] reply(MainModeExchange.Outcome o) {
    return assertInstanceOf(MainModeExchange.Outcome.Reply.class, o, o::toString).datagram();
  }

  @Test
  void pskHandshakeEstablishesBothSides() throws Exception {
    MainModeExchange i =
        MainModeExchange.initiator(
            config(
                List.of(AES256_SHA384_ECP256, AES128_SHA256_MODP2048),
                "shared secret",
                ip("192.0.2.1"),
                ip("192.0.2.2")),
            new DeterministicRandom(1));
    MainModeExchange r =
        MainModeExchange.responder(
            config(List.of(AES128_SHA256_MODP2048), "shared secret", ip("192.0.2.2"), null),
            new DeterministicRandom(2));

    // (1) HDR, SA -->
    byte[] m1 = i.start();
    assertEquals("ID_PROT 0 [ SA ]", IsakmpMessage.decode(m1).orElseThrow().toString());
    // <-- (2) HDR, SA: the responder picks the only suite it has, the initiator's second
    byte[] m2 = reply(r.receive(m1));
    assertEquals(AES128_SHA256_MODP2048, r.sa().chosen().withLifetime(28800));
    // (3) HDR, KE, Ni -->
    byte[] m3 = reply(i.receive(m2));
    assertEquals(AES128_SHA256_MODP2048, i.sa().chosen());
    assertEquals("ID_PROT 0 [ KE No ]", IsakmpMessage.decode(m3).orElseThrow().toString());
    // <-- (4) HDR, KE, Nr
    byte[] m4 = reply(r.receive(m3));
    assertEquals(false, IsakmpMessage.decode(m4).orElseThrow().header().encrypted());
    // (5) HDR*, IDii, HASH_I -->
    byte[] m5 = reply(i.receive(m4));
    assertInstanceOf(EncryptedMessage.class, Datagram.decode(m5).orElseThrow());
    // <-- (6) HDR*, IDir, HASH_R
    MainModeExchange.Outcome o6 = r.receive(m5);
    byte[] m6 = reply(o6);
    assertTrue(((MainModeExchange.Outcome.Reply) o6).done());
    assertTrue(r.sa().established());
    assertInstanceOf(EncryptedMessage.class, Datagram.decode(m6).orElseThrow());
    assertInstanceOf(MainModeExchange.Outcome.Done.class, i.receive(m6));
    assertTrue(i.sa().established());

    assertEquals(i.sa().initiatorCookie(), r.sa().initiatorCookie());
    assertEquals(i.sa().responderCookie(), r.sa().responderCookie());
    assertArrayEquals(i.sa().keys().skeyidD().copy(), r.sa().keys().skeyidD().copy());
    assertArrayEquals(i.sa().keys().skeyidA().copy(), r.sa().keys().skeyidA().copy());
    assertArrayEquals(i.sa().ivs().iv(0), r.sa().ivs().iv(0), "both ends of the IV chain agree");
    assertArrayEquals(
        i.sa().ivs().iv(0x12345678L), r.sa().ivs().iv(0x12345678L), "Quick Mode IVs agree");
    assertEquals(ip("192.0.2.2"), i.sa().remoteId());
    assertEquals(ip("192.0.2.1"), r.sa().remoteId());
    i.sa().wipe();
    r.sa().wipe();
    assertTrue(i.sa().keys().skeyid().isWiped());
  }

  private static MainModeExchange.Outcome.Failed failed(MainModeExchange.Outcome o) {
    return assertInstanceOf(MainModeExchange.Outcome.Failed.class, o, o::toString);
  }

  @Test
  void noCommonProposal() throws Exception {
    MainModeExchange i =
        MainModeExchange.initiator(
            config(List.of(AES256_SHA384_ECP256), "k", ip("192.0.2.1"), null),
            new DeterministicRandom(3));
    MainModeExchange r =
        MainModeExchange.responder(
            config(List.of(AES128_SHA256_MODP2048), "k", ip("192.0.2.2"), null),
            new DeterministicRandom(4));
    assertEquals(Optional.of(NotifyType.NO_PROPOSAL_CHOSEN), failed(r.receive(i.start())).reply());
  }

  private static MainModeExchange.Outcome.Dropped dropped(MainModeExchange.Outcome o) {
    return assertInstanceOf(MainModeExchange.Outcome.Dropped.class, o, o::toString);
  }

  /**
   * A different PSK gives a different SKEYID_e: message (5) does not even decrypt. The responder
   * cannot tell it from a forgery, so it drops it and the exchange times out; it never completes.
   */
  @Test
  void wrongPskNeverCompletesAtMessageFive() throws Exception {
    MainModeExchange i =
        MainModeExchange.initiator(
            config(List.of(AES128_SHA256_MODP2048), "right", ip("192.0.2.1"), null),
            new DeterministicRandom(5));
    MainModeExchange r =
        MainModeExchange.responder(
            config(List.of(AES128_SHA256_MODP2048), "wrong", ip("192.0.2.2"), null),
            new DeterministicRandom(6));
    byte[] m4 = reply(r.receive(reply(i.receive(reply(r.receive(i.start()))))));
    dropped(r.receive(reply(i.receive(m4))));
    assertEquals(false, r.sa().established());
    assertEquals(false, r.finished(), "still waiting for a message (5) that decrypts");
  }

  @Test
  void unexpectedPeerIdentityIsRefused() throws Exception {
    MainModeExchange i =
        MainModeExchange.initiator(
            config(List.of(AES128_SHA256_MODP2048), "k", ip("192.0.2.1"), ip("192.0.2.99")),
            new DeterministicRandom(7));
    MainModeExchange r =
        MainModeExchange.responder(
            config(List.of(AES128_SHA256_MODP2048), "k", ip("192.0.2.2"), null),
            new DeterministicRandom(8));
    byte[] m4 = reply(r.receive(reply(i.receive(reply(r.receive(i.start()))))));
    byte[] m6 = reply(r.receive(reply(i.receive(m4))));
    assertEquals(Optional.of(NotifyType.INVALID_ID_INFORMATION), failed(i.receive(m6)).reply());
  }

  /**
   * Our responder against the strongSwan 5.9 initiator's recorded messages (1) and (3): it picks
   * the offered transform, answers with it byte for byte, and accepts the KE and nonce. (Beyond (4)
   * the recording cannot go on: its keys follow from charon's DH value, not ours.)
   */
  @Test
  void responderAcceptsStrongSwanOffer() throws Exception {
    MainModeExchange r =
        MainModeExchange.responder(
            config(List.of(AES128_SHA256_MODP2048), "k", ip("192.0.2.2"), null),
            new DeterministicRandom(11));
    byte[] m1 = V1Captures.message(V1Captures.MAIN, "01_id_prot_i2r");
    IsakmpMessage offer = IsakmpMessage.decode(m1).orElseThrow();
    IsakmpMessage answer = IsakmpMessage.decode(reply(r.receive(m1))).orElseThrow();
    assertEquals("ID_PROT 0 [ SA ]", answer.toString());
    assertEquals(offer.header().initiatorCookie(), answer.header().initiatorCookie());
    assertEquals(
        offer.first(SaPayload.class).orElseThrow(), answer.first(SaPayload.class).orElseThrow());
    assertEquals(AES128_SHA256_MODP2048.withLifetime(0), r.sa().chosen());
    // charon's message (3) carries the responder cookie charon's peer chose; put ours in.
    byte[] m3 = V1Captures.message(V1Captures.MAIN, "03_id_prot_i2r");
    System.arraycopy(
        org.meshsec.ike.message.Bytes.bigEndian64(r.sa().responderCookie()), 0, m3, 8, 8);
    IsakmpMessage m4 = IsakmpMessage.decode(reply(r.receive(m3))).orElseThrow();
    assertEquals("ID_PROT 0 [ KE No ]", m4.toString());
    assertEquals(true, r.sa().keys() != null);
  }

  /**
   * A forged datagram with the right cookies (a wrong cookie, a corrupted body, a plaintext (5)) is
   * dropped and the exchange goes on: the genuine messages still complete it.
   */
  @Test
  void forgedMessagesAreDroppedAndTheExchangeGoesOn() throws Exception {
    MainModeExchange i =
        MainModeExchange.initiator(
            config(List.of(AES128_SHA256_MODP2048), "k", ip("192.0.2.1"), null),
            new DeterministicRandom(9));
    MainModeExchange r =
        MainModeExchange.responder(
            config(List.of(AES128_SHA256_MODP2048), "k", ip("192.0.2.2"), null),
            new DeterministicRandom(10));
    byte[] m1 = i.start();
    byte[] m2 = reply(r.receive(m1));
    byte[] m3 = reply(i.receive(m2));
    // Message (3) with the responder cookie changed belongs to another SA.
    byte[] other = m3.clone();
    other[15] ^= 1;
    dropped(r.receive(other));
    // Message (3) cut short does not decode.
    dropped(r.receive(java.util.Arrays.copyOf(m3, m3.length - 7)));
    byte[] m4 = reply(r.receive(m3));
    byte[] m5 = reply(i.receive(m4));
    // Message (5) with a flipped ciphertext bit does not decrypt to a valid message.
    byte[] bad5 = m5.clone();
    bad5[bad5.length - 20] ^= 0x40;
    dropped(r.receive(bad5));
    // Message (5) in the clear with the right cookies: must be encrypted.
    byte[] clear5 = m1.clone();
    System.arraycopy(m5, 0, clear5, 0, 16);
    dropped(r.receive(clear5));
    assertEquals(false, r.finished());
    byte[] m6 = reply(r.receive(m5));
    assertInstanceOf(MainModeExchange.Outcome.Done.class, i.receive(m6));
    assertTrue(i.sa().established() && r.sa().established());
  }
}
