package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every payload type with seeded random contents: encode, decode, compare, in a message too. */
class PayloadRoundTripTest {
  private static final int ROUNDS = 300;

  static Stream<Arguments> generators() {
    return Stream.of(
        Arguments.of("SA", (Function<RandomPayloads, Payload>) RandomPayloads::sa),
        Arguments.of("KE", (Function<RandomPayloads, Payload>) RandomPayloads::ke),
        Arguments.of("ID", (Function<RandomPayloads, Payload>) RandomPayloads::id),
        Arguments.of("CERT", (Function<RandomPayloads, Payload>) RandomPayloads::cert),
        Arguments.of("CERTREQ", (Function<RandomPayloads, Payload>) RandomPayloads::certReq),
        Arguments.of("AUTH", (Function<RandomPayloads, Payload>) RandomPayloads::auth),
        Arguments.of("Nonce", (Function<RandomPayloads, Payload>) RandomPayloads::nonce),
        Arguments.of("N", (Function<RandomPayloads, Payload>) RandomPayloads::notifyPayload),
        Arguments.of("D", (Function<RandomPayloads, Payload>) RandomPayloads::delete),
        Arguments.of("V", (Function<RandomPayloads, Payload>) RandomPayloads::vendorId),
        Arguments.of("TS", (Function<RandomPayloads, Payload>) RandomPayloads::ts),
        Arguments.of("CP", (Function<RandomPayloads, Payload>) RandomPayloads::cp),
        Arguments.of("EAP", (Function<RandomPayloads, Payload>) RandomPayloads::eap),
        Arguments.of("unknown", (Function<RandomPayloads, Payload>) RandomPayloads::unknown));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generators")
  void roundTrips(String name, Function<RandomPayloads, Payload> generator) {
    RandomPayloads random = new RandomPayloads(name.hashCode());
    for (int i = 0; i < ROUNDS; i++) {
      Payload p = generator.apply(random);
      byte[] body = p.encodeBody();
      assertEquals(p.bodyLength(), body.length);

      // Alone in a message, followed by a second payload so the chain is exercised.
      Payload follower = random.vendorId();
      Message m = Message.of(random.header(ExchangeType.IKE_SA_INIT), p, follower);
      byte[] encoded = m.encode();
      Message decoded = Message.decode(encoded).orElseThrow();
      assertEquals(List.of(p, follower), decoded.payloads(), name + " round " + i);
      assertArrayEquals(encoded, decoded.encode());
      assertEquals(m.header().withWireFields(p.type(), encoded.length), decoded.header());

      // The body with the generic header in front, at a non-zero offset in a larger buffer.
      ByteBuffer framed = ByteBuffer.allocate(7 + 4 + body.length);
      framed.position(7);
      framed.put((byte) 0).put((byte) 0).putShort((short) (4 + body.length)).put(body);
      DecodeResult<List<Payload>> chain =
          PayloadChain.decode(framed.array(), 7, framed.capacity(), p.type().value(), true);
      assertEquals(List.of(p), chain.orElseThrow());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ciphers")
  void skRoundTripsWithRandomContents(String name, Function<Long, SkCipher> cipherFactory) {
    RandomPayloads random = new RandomPayloads(name.hashCode());
    SkCipher sender = cipherFactory.apply(1L);
    SkCipher receiver = cipherFactory.apply(2L);
    for (int i = 0; i < 100; i++) {
      List<Payload> inner = random.anyList(6);
      Message m =
          new Message(random.header(ExchangeType.INFORMATIONAL), List.of(new SkPayload(inner)));
      byte[] wire = m.encode(sender);
      Message opened = Message.decode(wire, receiver).orElseThrow();
      assertEquals(inner, opened.encryptedPayload().orElseThrow().payloads());
      assertEquals(m.header().withWireFields(PayloadType.SK, wire.length), opened.header());
      assertEquals(inner, opened.allPayloads());
    }
  }

  static Stream<Arguments> ciphers() {
    return SkCipherTest.ciphers();
  }
}
