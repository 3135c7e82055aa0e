package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;

/**
 * Fuzzing of the IKEv2 decoders (RFC 7296 section 3): every datagram decodes to {@link
 * DecodeResult.Ok} or {@link DecodeResult.Err}, with and without the SA's cipher, and whatever
 * decodes re-encodes to bytes that decode to the same message and passes through {@link
 * ExchangeRules} without throwing. Seeds are strongSwan's recorded IKE_SA_INIT and IKE_AUTH and
 * generated messages with every payload type, plain and encrypted; encrypted seeds are sealed with
 * {@link TransparentSkCipher} as well as AES-GCM, so mutations of the "ciphertext" reach the
 * payload chain inside SK. Half of the inputs get their header Length repaired so the mutation is
 * not caught by the first length check. The second property is the round trip for generated
 * messages.
 */
@AddLifecycleHook(FuzzBudget.class)
class IkeMessageFuzzTest {
  private static final SkCipher CLEAR = new TransparentSkCipher();
  private static final SkCipher GCM = new AesGcmSkCipher(SkCipherTest.GCM128_KEY_SALT);

  static List<byte[]> seeds() {
    RandomPayloads r = new RandomPayloads(0x7296);
    List<byte[]> corpus = new ArrayList<>();
    corpus.add(CapturedMessages.ikeSaInit());
    corpus.add(CapturedMessages.ikeAuth());
    for (int i = 0; i < 12; i++) {
      corpus.add(new Message(r.header(ExchangeType.IKE_SA_INIT), r.anyList(6)).encode());
      Message sk = Message.of(r.header(ExchangeType.IKE_AUTH), new SkPayload(r.anyList(6)));
      corpus.add(sk.encode(i % 2 == 0 ? CLEAR : GCM));
    }
    return corpus;
  }

  /** Sets the header Length to the datagram's length (when there is a header). */
  static byte[] repairLength(byte[] b) {
    if (b.length >= IkeHeader.LENGTH) {
      b = b.clone();
      ByteBuffer.wrap(b).putInt(IkeHeader.OFFSET_LENGTH, b.length);
    }
    return b;
  }

  @Provide
  Arbitrary<Mutations.Input> datagrams() {
    return Mutations.of(seeds(), 4, IkeMessageFuzzTest::repairLength);
  }

  @Property(tries = 3000, seed = "7296")
  void anyDatagramDecodesToATypedResult(@ForAll("datagrams") Mutations.Input in) {
    byte[] b = in.bytes();
    DecodeResult<Message> plain = Message.decode(b);
    if (plain instanceof DecodeResult.Ok<Message> ok) {
      Message m = ok.value();
      assertEquals(m, Message.decode(m.encode()).orElseThrow(), "re-encode");
      ExchangeRules.validate(m);
      m.toString();
    }
    DecodeResult<Message> opened = Message.decode(b, CLEAR);
    if (opened instanceof DecodeResult.Ok<Message> ok) {
      Message m = ok.value();
      if (m.encryptedPayload().isPresent()) {
        assertSameMessage(m, Message.decode(m.encode(CLEAR), CLEAR).orElseThrow());
      }
      ExchangeRules.validate(m);
      m.allPayloads();
    }
    Message.decode(b, GCM);
    Statistics.label("plain").collect(outcome(plain));
    Statistics.label("opened").collect(outcome(opened));
  }

  /** Same header (Next Payload and Length aside: the encoder computes them) and payloads. */
  static void assertSameMessage(Message expected, Message actual) {
    assertEquals(
        expected.header().withWireFields(PayloadType.NONE, 0),
        actual.header().withWireFields(PayloadType.NONE, 0),
        "header");
    assertEquals(expected.payloads(), actual.payloads(), "payloads");
  }

  static String outcome(DecodeResult<?> r) {
    return r instanceof DecodeResult.Err<?> e ? e.error().kind().name() : "OK";
  }

  /**
   * decode(encode(m)) == m for generated messages, plain and sealed (RFC 7296 sections 3.2-3.16).
   */
  @Property(tries = 400, seed = "3")
  void generatedMessagesRoundTrip(@ForAll long seed) {
    RandomPayloads r = new RandomPayloads(seed);
    Message plain = new Message(r.header(ExchangeType.IKE_SA_INIT), r.anyList(8));
    assertSameMessage(plain, Message.decode(plain.encode()).orElseThrow());
    Message sealed =
        new Message(
            r.header(ExchangeType.CREATE_CHILD_SA),
            List.of(r.vendorId(), new SkPayload(r.anyList(8))));
    SkCipher cipher = seed % 2 == 0 ? CLEAR : GCM;
    assertSameMessage(sealed, Message.decode(sealed.encode(cipher), cipher).orElseThrow());
  }

  @Provide
  Arbitrary<Long> anySeed() {
    return Arbitraries.longs();
  }
}
