package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.ike.v1.task.V1Peers.reply;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.v1.V1Captures;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.EncryptedMessage;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.SaPayload;

/** Two Aggressive Mode PSK peers in one process (RFC 2409 section 5.4), then a Quick Mode. */
class AggressiveModeTest {
  private static Phase1Config config(String id, String psk, boolean respond) {
    return new Phase1Config(
        List.of(V1Peers.AES128_SHA256_MODP2048),
        SecretBytes.copyOf(psk.getBytes(StandardCharsets.US_ASCII)),
        IdPayload.fqdn(id),
        Optional.empty(),
        respond);
  }

  @Test
  void handshakeThenQuickMode() throws Exception {
    MainModeExchange i =
        MainModeExchange.aggressiveInitiator(
            config("initiator.v1.example", "k", false), new DeterministicRandom(1));
    MainModeExchange r =
        MainModeExchange.aggressiveResponder(
            config("responder.v1.example", "k", true), new DeterministicRandom(2));
    // AGGRESSIVE HDR, SA, KE, Ni, IDii -->
    byte[] m1 = i.start();
    assertEquals("AGGRESSIVE 0 [ SA KE No ID ]", IsakmpMessage.decode(m1).orElseThrow().toString());
    // <-- AGGRESSIVE HDR, SA, KE, Nr, IDir, HASH_R
    byte[] m2 = reply(r.receive(m1));
    assertEquals(
        "AGGRESSIVE 0 [ SA KE No ID HASH ]", IsakmpMessage.decode(m2).orElseThrow().toString());
    assertFalse(r.sa().established());
    // AGGRESSIVE HDR*, HASH_I -->
    MainModeExchange.Outcome o3 = i.receive(m2);
    byte[] m3 = reply(o3);
    assertTrue(((MainModeExchange.Outcome.Reply) o3).done());
    assertTrue(i.sa().established());
    assertInstanceOf(EncryptedMessage.class, Datagram.decode(m3).orElseThrow());
    assertInstanceOf(MainModeExchange.Outcome.Done.class, r.receive(m3));
    assertTrue(r.sa().established());
    assertEquals(IdPayload.fqdn("initiator.v1.example"), r.sa().remoteId());
    assertEquals(IdPayload.fqdn("responder.v1.example"), i.sa().remoteId());
    assertArrayEquals(i.sa().keys().skeyidA().copy(), r.sa().keys().skeyidA().copy());

    // QUICK_MODE HDR*, HASH(1), SA, Ni, IDci, IDcr --> ... on the Aggressive Mode SA
    MemoryIpsec ipsecI = new MemoryIpsec(0x0100_0000);
    MemoryIpsec ipsecR = new MemoryIpsec(0x0200_0000);
    QuickModeExchange qi =
        QuickModeExchange.initiator(
            i.sa(),
            V1Peers.qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.0.1", "10.0.1.1", 0, 0),
            ipsecI,
            V1Peers.I,
            V1Peers.R);
    QuickModeExchange qr =
        QuickModeExchange.responder(
            r.sa(),
            V1Peers.qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.1.1", "10.0.0.1", 0, 0),
            ipsecR,
            V1Peers.R,
            V1Peers.I);
    byte[] q3 = reply(qi.receive(reply(qr.receive(qi.start()))));
    assertInstanceOf(MainModeExchange.Outcome.Done.class, qr.receive(q3));
    assertArrayEquals(
        ipsecI.installed().get(0).outboundKeys(), ipsecR.installed().get(0).inboundKeys());
  }

  @Test
  void responderIsOffByDefault() throws Exception {
    MainModeExchange i =
        MainModeExchange.aggressiveInitiator(
            config("initiator.v1.example", "k", false), new DeterministicRandom(3));
    MainModeExchange r =
        MainModeExchange.aggressiveResponder(
            new Phase1Config(
                List.of(V1Peers.AES128_SHA256_MODP2048),
                SecretBytes.copyOf(new byte[] {1}),
                IdPayload.fqdn("responder.v1.example"),
                Optional.empty()),
            new DeterministicRandom(4));
    MainModeExchange.Outcome.Failed f =
        assertInstanceOf(MainModeExchange.Outcome.Failed.class, r.receive(i.start()));
    assertEquals(Optional.empty(), f.reply(), "no answer, so no HASH_R to guess from");
  }

  /**
   * A wrong PSK makes HASH_R fail; the initiator cannot tell that from a forged (2) (anyone who saw
   * (1) can send one), so it drops the message and does not complete.
   */
  @Test
  void wrongPskFailsHashR() throws Exception {
    MainModeExchange i =
        MainModeExchange.aggressiveInitiator(
            config("initiator.v1.example", "right", false), new DeterministicRandom(5));
    MainModeExchange r =
        MainModeExchange.aggressiveResponder(
            config("responder.v1.example", "wrong", true), new DeterministicRandom(6));
    MainModeExchange.Outcome.Dropped d =
        assertInstanceOf(
            MainModeExchange.Outcome.Dropped.class, i.receive(reply(r.receive(i.start()))));
    assertEquals("HASH_R does not verify", d.reason());
    assertEquals(false, i.finished());
    assertEquals(false, i.sa().established());
  }

  /** Our responder against charon's recorded Aggressive Mode (1): it answers with the offer. */
  @Test
  void responderAcceptsStrongSwanOffer() throws Exception {
    MainModeExchange r =
        MainModeExchange.aggressiveResponder(
            config("responder.v1.example", "k", true), new DeterministicRandom(7));
    byte[] m1 = V1Captures.message(V1Captures.AGGRESSIVE, "01_aggressive_i2r");
    IsakmpMessage offer = IsakmpMessage.decode(m1).orElseThrow();
    IsakmpMessage answer = IsakmpMessage.decode(reply(r.receive(m1))).orElseThrow();
    assertEquals("AGGRESSIVE 0 [ SA KE No ID HASH ]", answer.toString());
    assertEquals(
        offer.first(SaPayload.class).orElseThrow(), answer.first(SaPayload.class).orElseThrow());
    assertEquals(IdPayload.fqdn("initiator.v1.example"), r.sa().remoteId());
  }

  /** Mutated (1) (charon's) and (3) (ours): typed outcomes only, never an exception. Seeded. */
  @Test
  void mutatedMessagesGiveTypedOutcomes() throws Exception {
    java.util.Random random = new java.util.Random(0xA66);
    byte[] m1 = V1Captures.message(V1Captures.AGGRESSIVE, "01_aggressive_i2r");
    long start = System.nanoTime();
    int n = 0;
    while (System.nanoTime() - start < 2_000_000_000L && n < 2_000) {
      byte[] input = null;
      try {
        MainModeExchange r =
            MainModeExchange.aggressiveResponder(
                config("responder.v1.example", "k", true), new DeterministicRandom(n));
        if (n % 8 != 0) {
          input = m1.clone();
          int at = 28 + random.nextInt(input.length - 28);
          input[at] = (byte) random.nextInt(256);
          r.receive(input);
        } else {
          MainModeExchange i =
              MainModeExchange.aggressiveInitiator(
                  config("initiator.v1.example", "k", false), new DeterministicRandom(n + 1));
          input = reply(i.receive(reply(r.receive(i.start())))).clone();
          input[28 + random.nextInt(input.length - 28)] ^= (byte) (1 + random.nextInt(255));
          r.receive(input);
        }
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError(
            "iteration " + n + " input " + org.meshsec.ike.message.Bytes.of(input).toHex(), e);
      }
      n++;
    }
    assertTrue(n > 20, "only " + n + " iterations");
  }
}
