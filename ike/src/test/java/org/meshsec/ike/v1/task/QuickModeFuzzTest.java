package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.v1.crypto.V1KeyDerivation;
import org.meshsec.ike.v1.message.HashPayload;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.message.Payload;

/**
 * Mutated Quick Mode messages fed to both sides: plaintext payloads mutated and re-encrypted (for
 * the responder with HASH(1) recomputed, so that the SA, ID and KE checks behind the HASH are
 * reached), and raw ciphertext flips. Every outcome is a Reply, Done or typed Failed, never an
 * exception. Seeded, and bounded by a number of iterations rather than by time, so that a loaded
 * machine runs the same inputs, only slower.
 */
class QuickModeFuzzTest {
  private static final int ITERATIONS = 400;

  private static QuickModeConfig ci() {
    return V1Peers.qm(
        List.of(EspSuite.AES128_GCM16, EspSuite.parse("aes256-sha256")),
        DhGroup.ECP_256,
        "10.0.0.0/16",
        "10.1.0.0/16",
        3600,
        1000);
  }

  private static QuickModeConfig cr() {
    return V1Peers.qm(
        List.of(EspSuite.AES128_GCM16), DhGroup.ECP_256, "10.1.0.0/24", "10.0.0.0/8", 600, 0);
  }

  private static byte[] mutate(byte[] plain, Random random) {
    byte[] b = plain.clone();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      int at = IsakmpHeader.LENGTH + random.nextInt(b.length - IsakmpHeader.LENGTH);
      b[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (b[at] ^ 1);
    }
    return b;
  }

  /** Re-encodes a mutated plaintext with a valid HASH(1) and encrypts it for the responder. */
  private static byte[] resealed(Phase1State initiator, IsakmpMessage m, boolean fixHash) {
    List<Payload> payloads = new ArrayList<>(m.payloads());
    if (fixHash && !payloads.isEmpty() && payloads.get(0) instanceof HashPayload) {
      byte[] h =
          V1KeyDerivation.quickModeHash1(
              initiator.keys().prf(),
              initiator.keys().skeyidA(),
              m.header().messageId(),
              m.encodePayloadsAfter(0));
      payloads.set(0, new HashPayload(Bytes.of(h)));
    }
    IsakmpMessage fixed = new IsakmpMessage(m.header(), payloads);
    return fixed.encrypt(initiator.cipher(), initiator.ivs().iv(m.header().messageId())).encode();
  }

  @Test
  void mutatedMessagesGiveTypedOutcomes() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(21);
    Random random = new Random(0x51);
    int iterations = 0;
    while (iterations < ITERATIONS) {
      String input = "";
      try {
        MemoryIpsec ipsecI = new MemoryIpsec(0x0100_0000);
        MemoryIpsec ipsecR = new MemoryIpsec(0x0200_0000);
        QuickModeExchange i =
            QuickModeExchange.initiator(p1[0], ci(), ipsecI, V1Peers.I, V1Peers.R);
        QuickModeExchange r =
            QuickModeExchange.responder(p1[1], cr(), ipsecR, V1Peers.R, V1Peers.I);
        byte[] q1 = i.start();
        long mid = i.task().messageId();
        // The plaintext of (1) as the initiator built it: decrypt with the IV it used.
        IsakmpMessage plain = Phase2Messages.open(copyFor(p1[1], mid), q1).message();
        int mode = iterations % 3;
        if (mode == 0 || mode == 1) {
          byte[] mutated = mutate(plain.encode(), random);
          input = Bytes.of(mutated).toHex();
          ParseResult<IsakmpMessage> d = IsakmpMessage.decode(mutated);
          if (d instanceof ParseResult.Ok<IsakmpMessage> ok) {
            r.receive(resealed(p1[0], ok.value(), mode == 0));
          }
        } else {
          byte[] flipped = q1.clone();
          flipped[IsakmpHeader.LENGTH + random.nextInt(q1.length - IsakmpHeader.LENGTH)] ^=
              (byte) (1 + random.nextInt(255));
          input = Bytes.of(flipped).toHex();
          r.receive(flipped);
          // and the initiator fed a mutated (2)
          QuickModeExchange r2 =
              QuickModeExchange.responder(p1[1], cr(), ipsecR, V1Peers.R, V1Peers.I);
          if (r2.receive(q1) instanceof MainModeExchange.Outcome.Reply reply) {
            byte[] q2 = reply.datagram().clone();
            q2[IsakmpHeader.LENGTH + random.nextInt(q2.length - IsakmpHeader.LENGTH)] ^= 1;
            input = Bytes.of(q2).toHex();
            i.receive(q2);
          }
        }
        i.task().abort();
        if (r.task() != null) {
          r.task().abort();
        }
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("iteration " + iterations + " input " + input, e);
      }
      iterations++;
    }
    assertEquals(ITERATIONS, iterations);
  }

  /** The responder's view of exchange {@code mid} before any message: a fresh IV for it. */
  private static Phase1State copyFor(Phase1State sa, long mid) {
    sa.ivs().forget(mid);
    return sa;
  }
}
