package org.meshsec.ike.v1.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.V1Captures;

/**
 * Seeded mutation fuzzing of the IKEv1 decoder: flip, set, insert and delete bytes of valid
 * messages (the strongSwan recordings and synthetic ones with every payload, plain and encrypted),
 * with and without repairing the header Length so that mutations reach the payload chain, for
 * 100,000 iterations or 3 seconds, whichever comes first. Nothing may throw; whatever decodes must
 * re-encode to bytes that decode to the same message; encrypted bodies are decrypted with the key
 * they were sealed with, so mutated plaintext reaches the chain decoder; decoded messages also go
 * through {@link ExchangeRules}.
 */
class V1DecodeFuzzTest {
  private static final int ITERATIONS = 100_000;
  private static final long BUDGET_NANOS = 3_000_000_000L;

  @Test
  void mutatedMessagesNeverThrow() {
    Random random = new Random(0x15A4A9);
    CbcCipher aes = CbcCipher.aes(new byte[16]);
    byte[] iv = new byte[16];
    List<byte[]> corpus = new ArrayList<>();
    corpus.addAll(V1Captures.messages(V1Captures.MAIN));
    corpus.addAll(V1Captures.messages(V1Captures.AGGRESSIVE));
    List<Payload> samples = V1Samples.all();
    for (int i = 0; i < 30; i++) {
      List<Payload> pick = new ArrayList<>();
      int n = 1 + random.nextInt(5);
      for (int k = 0; k < n; k++) {
        pick.add(samples.get(random.nextInt(samples.size())));
      }
      IsakmpMessage m =
          new IsakmpMessage(
              V1Samples.header(ExchangeType.QUICK_MODE, random.nextInt() & 0xFFFF_FFFFL), pick);
      corpus.add(m.encode());
      corpus.add(m.encrypt(aes, iv).encode());
    }

    long start = System.nanoTime();
    int iterations = 0;
    int decoded = 0;
    int opened = 0;
    while (iterations < ITERATIONS && System.nanoTime() - start < BUDGET_NANOS) {
      byte[] mutated = mutate(corpus.get(random.nextInt(corpus.size())), random);
      if (random.nextBoolean() && mutated.length >= IsakmpHeader.LENGTH) {
        ByteBuffer.wrap(mutated).putInt(IsakmpHeader.OFFSET_LENGTH, mutated.length);
      }
      try {
        ParseResult<Datagram> r = Datagram.decode(mutated);
        if (r instanceof ParseResult.Ok<Datagram> ok) {
          decoded++;
          if (ok.value() instanceof IsakmpMessage m) {
            assertEquals(m.payloads(), IsakmpMessage.decode(m.encode()).orElseThrow().payloads());
            ExchangeRules.check(m, 1 + iterations % 6);
          } else if (ok.value() instanceof EncryptedMessage e) {
            ParseResult<IsakmpMessage> plain = e.decrypt(aes, iv);
            if (plain instanceof ParseResult.Ok<IsakmpMessage> p) {
              opened++;
              IsakmpMessage m = p.value();
              assertEquals(
                  m.payloads(), m.encrypt(aes, iv).decrypt(aes, iv).orElseThrow().payloads());
            }
          }
        }
        IsakmpMessage.decode(mutated);
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError(
            "iteration " + iterations + " input " + Bytes.of(mutated).toHex(), e);
      }
      iterations++;
    }
    assertTrue(iterations > 1000, "only " + iterations + " iterations");
    assertTrue(decoded > iterations / 20, "only " + decoded + " of " + iterations + " decoded");
    assertTrue(opened > 0, "no mutated ciphertext decrypted to a valid chain");
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed;
    int rounds = 1 + random.nextInt(4);
    for (int r = 0; r < rounds; r++) {
      int op = random.nextInt(5);
      if (b.length == 0) {
        op = 2;
      }
      switch (op) {
        case 0 -> {
          b = b.clone();
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        case 1 -> {
          b = b.clone();
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        case 2 -> {
          int at = random.nextInt(b.length + 1);
          int n = 1 + random.nextInt(8);
          byte[] c = new byte[b.length + n];
          System.arraycopy(b, 0, c, 0, at);
          for (int i = 0; i < n; i++) {
            c[at + i] = (byte) random.nextInt(256);
          }
          System.arraycopy(b, at, c, at + n, b.length - at);
          b = c;
        }
        case 3 -> {
          int at = random.nextInt(b.length);
          int n = Math.min(b.length - at, 1 + random.nextInt(8));
          byte[] c = new byte[b.length - n];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + n, c, at, b.length - at - n);
          b = c;
        }
        default -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
      }
    }
    return b;
  }
}
