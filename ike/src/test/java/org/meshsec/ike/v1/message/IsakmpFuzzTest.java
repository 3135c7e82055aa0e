package org.meshsec.ike.v1.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;
import org.meshsec.ike.v1.V1Captures;

/**
 * Fuzzing of the ISAKMP/IKEv1 decoders (RFC 2408 section 3, RFC 2409) through their public entry
 * points ({@link Datagram#decode}, {@link IsakmpMessage#decode}, {@link EncryptedMessage#decrypt}):
 * seeds are strongSwan's Main and Aggressive Mode recordings and generated messages with every
 * payload, plain and encrypted with a known key so that mutated ciphertext decrypts to a mutated
 * chain. Nothing may throw; whatever decodes re-encodes to the same payloads and goes through
 * {@link ExchangeRules}; generated messages round-trip.
 */
@AddLifecycleHook(FuzzBudget.class)
class IsakmpFuzzTest {
  private static final CbcCipher AES = CbcCipher.aes(new byte[16]);
  private static final byte[] IV = new byte[16];

  private static IsakmpMessage generated(Random random) {
    List<Payload> samples = V1Samples.all();
    List<Payload> pick = new ArrayList<>();
    int n = 1 + random.nextInt(5);
    for (int k = 0; k < n; k++) {
      pick.add(samples.get(random.nextInt(samples.size())));
    }
    return new IsakmpMessage(
        V1Samples.header(ExchangeType.QUICK_MODE, random.nextInt() & 0xFFFF_FFFFL), pick);
  }

  @Provide
  Arbitrary<Mutations.Input> datagrams() {
    Random random = new Random(2408);
    List<byte[]> corpus = new ArrayList<>();
    corpus.addAll(V1Captures.messages(V1Captures.MAIN));
    corpus.addAll(V1Captures.messages(V1Captures.AGGRESSIVE));
    for (int i = 0; i < 16; i++) {
      IsakmpMessage m = generated(random);
      corpus.add(m.encode());
      corpus.add(m.encrypt(AES, IV).encode());
    }
    return Mutations.of(
        corpus,
        4,
        b -> {
          if (b.length >= IsakmpHeader.LENGTH) {
            b = b.clone();
            ByteBuffer.wrap(b).putInt(IsakmpHeader.OFFSET_LENGTH, b.length);
          }
          return b;
        });
  }

  @Property(tries = 3000, seed = "2409")
  void anyDatagramDecodesToATypedResult(@ForAll("datagrams") Mutations.Input in) {
    byte[] b = in.bytes();
    ParseResult<Datagram> r = Datagram.decode(b);
    String outcome = "error";
    if (r instanceof ParseResult.Ok<Datagram> ok) {
      if (ok.value() instanceof IsakmpMessage m) {
        outcome = "plain";
        assertEquals(m.payloads(), IsakmpMessage.decode(m.encode()).orElseThrow().payloads());
        for (int phase = 1; phase <= 6; phase++) {
          ExchangeRules.check(m, phase);
        }
      } else if (ok.value() instanceof EncryptedMessage e) {
        outcome = "encrypted";
        ParseResult<IsakmpMessage> plain = e.decrypt(AES, IV);
        if (plain instanceof ParseResult.Ok<IsakmpMessage> p) {
          outcome = "decrypted";
          IsakmpMessage m = p.value();
          assertEquals(m.payloads(), m.encrypt(AES, IV).decrypt(AES, IV).orElseThrow().payloads());
        }
      }
    }
    IsakmpMessage.decode(b);
    Statistics.collect(outcome);
  }

  @Property(tries = 500, seed = "2408")
  void generatedMessagesRoundTrip(@ForAll long seed) {
    IsakmpMessage m = generated(new Random(seed));
    assertEquals(m.payloads(), IsakmpMessage.decode(m.encode()).orElseThrow().payloads());
    assertEquals(m.payloads(), m.encrypt(AES, IV).decrypt(AES, IV).orElseThrow().payloads());
  }
}
