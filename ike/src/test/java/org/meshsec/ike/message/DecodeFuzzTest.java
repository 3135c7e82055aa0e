package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the decoders: flip, set, insert and delete bytes of valid messages
 * (with and without repairing the header Length, so mutations reach the payload chain) for 100,000
 * iterations or 3 seconds, whichever comes first. Decoding must never throw, and whatever decodes
 * must re-encode to bytes that decode to the same message.
 */
class DecodeFuzzTest {
  private static final int ITERATIONS = 100_000;
  private static final long BUDGET_NANOS = 3_000_000_000L;

  @Test
  void mutatedMessagesNeverThrow() {
    Random random = new Random(0x1CE2);
    RandomPayloads payloads = new RandomPayloads(0x5EED);
    SkCipher gcm = new AesGcmSkCipher(SkCipherTest.GCM128_KEY_SALT);
    SkCipher cbc = CapturedMessages.ikeAuthCipher();
    List<byte[]> corpus = new ArrayList<>();
    corpus.add(CapturedMessages.ikeSaInit());
    corpus.add(CapturedMessages.ikeAuth());
    for (int i = 0; i < 20; i++) {
      Message m = new Message(payloads.header(ExchangeType.IKE_SA_INIT), payloads.anyList(5));
      corpus.add(m.encode());
      Message sk =
          Message.of(payloads.header(ExchangeType.IKE_AUTH), new SkPayload(payloads.anyList(5)));
      corpus.add(sk.encode(gcm));
    }
    corpus.addAll(IkeFragmenter.fragment(FragmentationTest.bigAuth(1), gcm, 400).subList(0, 3));

    FragmentReassembler reassembler = new FragmentReassembler(16, 8192);
    long start = System.nanoTime();
    int iterations = 0;
    int decoded = 0;
    while (iterations < ITERATIONS && System.nanoTime() - start < BUDGET_NANOS) {
      byte[] seed = corpus.get(random.nextInt(corpus.size()));
      byte[] mutated = mutate(seed, random);
      if (random.nextBoolean() && mutated.length >= IkeHeader.LENGTH) {
        ByteBuffer.wrap(mutated).putInt(IkeHeader.OFFSET_LENGTH, mutated.length);
      }
      try {
        DecodeResult<Message> plain = Message.decode(mutated);
        if (plain instanceof DecodeResult.Ok<Message> ok) {
          decoded++;
          Message m = ok.value();
          assertEquals(m, Message.decode(m.encode()).orElseThrow(), "re-encode");
          ExchangeRules.validate(m);
        }
        Message.decode(mutated, iterations % 2 == 0 ? gcm : cbc);
        if (iterations % 8 == 0) {
          reassembler.offer(mutated, gcm);
        }
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError(
            "iteration " + iterations + " input " + Bytes.of(mutated).toHex(), e);
      }
      iterations++;
    }
    assertTrue(iterations > 1000, "only " + iterations + " iterations");
    assertTrue(decoded > iterations / 20, "only " + decoded + " of " + iterations + " decoded");
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
          int i = random.nextInt(b.length);
          b[i] ^= (byte) (1 << random.nextInt(8));
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
