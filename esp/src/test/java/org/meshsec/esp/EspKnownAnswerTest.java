package org.meshsec.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.esp.Hex.bytes;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.esp.PublishedVectors.CbcEspCase;
import org.meshsec.esp.PublishedVectors.GcmEspCase;
import org.meshsec.esp.crypto.CryptoEngines;

/**
 * Whole-packet known-answer tests: {@link EspContext#seal} must reproduce published ESP packets
 * byte for byte, and {@link EspContext#open} must recover the payload, on both engines and every
 * buffer shape. The IV source is injected with the vector's IV, and the sequence counter starts
 * just below the vector's sequence number.
 *
 * <p><b>RFC 3602 cases 5-8</b> are ESP packets without integrity (encryption-only ESP, which
 * meshsec refuses to configure: RFC 4303 section 3.2 and {@link EspSuite#problem}). They are
 * checked as the prefix of an AES-CBC + HMAC-SHA-256-128 packet: encrypt-then-MAC leaves SPI,
 * sequence, IV and ciphertext exactly as RFC 3602 prints them, and only appends the ICV. The test
 * then checks the appended ICV independently, with {@code javax.crypto.Mac} over the RFC's packet
 * bytes (the integrity key is not from the RFC, which has none), and opens the packet again. The
 * CBC cipher alone is checked against cases 1-8 in {@code PrimitiveKnownAnswerTest}.
 */
class EspKnownAnswerTest {

  static final int NH_IPV4 = 4;

  static Stream<Arguments> enginesAndBuffers() {
    return Stream.of(CryptoEngines.jca(), CryptoEngines.bouncyCastle())
        .flatMap(e -> Stream.of(Bufs.values()).map(b -> Arguments.of(e, b)));
  }

  static IvSource fixedIv(byte[] iv) {
    return (seq, dst, off, len) -> {
      assertEquals(iv.length, len);
      System.arraycopy(iv, 0, dst, off, len);
    };
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * draft-mcgrew-gcm-test-01 section 4 (see {@link PublishedVectors#MCGREW_GCM}): seal reproduces
   * each packet; open recovers the payload where the replay window can represent the sequence
   * number.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("enginesAndBuffers")
  void aesGcmMcGrewPackets(CryptoEngine engine, Bufs shape) {
    for (GcmEspCase c : PublishedVectors.MCGREW_GCM) {
      byte[] key = bytes(c.key());
      byte[] nonce = bytes(c.nonce());
      EspSuite suite = key.length == 16 ? EspSuite.AES128_GCM16 : EspSuite.AES256_GCM16;
      EspSaParams params =
          new EspSaParams(
              c.spi(),
              suite,
              concat(key, Arrays.copyOf(nonce, 4)),
              c.esn(),
              EspSaParams.DEFAULT_REPLAY_WINDOW);
      byte[] plain = bytes(c.plaintext());
      int padLen = plain[plain.length - 2] & 0xFF;
      int nextHeader = plain[plain.length - 1] & 0xFF;
      byte[] payload = Arrays.copyOf(plain, plain.length - 2 - padLen);
      byte[] packet = bytes(c.packet());

      try (EspContext out =
          EspContext.outboundStartingAfter(
              params, engine, fixedIv(Arrays.copyOfRange(nonce, 4, 12)), c.seq() - 1)) {
        ByteBuf buf = shape.with(payload, out.headroom(), out.tailroom());
        try {
          assertEquals(EspStatus.OK, out.seal(buf, nextHeader), c.name());
          assertArrayEquals(packet, Bufs.readable(buf), c.name());
          assertEquals(c.seq(), out.sequence(), c.name());
        } finally {
          buf.release();
        }
      }

      try (EspContext in = EspContext.inbound(params, engine)) {
        boolean representable = c.seq() > 0; // as a signed long: below 2^63
        if (c.esn() && representable && c.seq() > 1) {
          in.commitForTest(c.seq() - 1); // put the window in the vector's ESN epoch
        }
        ByteBuf buf = shape.with(packet, 0, 0);
        try {
          OpenResult r = new OpenResult();
          EspStatus st = in.open(buf, r);
          if (!representable) {
            // ReplayWindow.check returns a signed long with REJECT = -1, so it never infers an
            // ESN sequence number at or above 2^63 (see its Javadoc), and the window cannot be
            // primed there either. The draft's cases with high half 0x87654321 or 0xffffffff are
            // therefore either rejected by the window or placed in a lower epoch, where their
            // tag does not verify. Documented limit; seal above still reproduces them.
            assertTrue(st == EspStatus.REPLAY || st == EspStatus.ICV_MISMATCH, c.name() + " " + st);
            continue;
          }
          assertEquals(EspStatus.OK, st, c.name());
          assertArrayEquals(payload, Bufs.readable(buf), c.name());
          assertEquals(nextHeader, r.nextHeader, c.name());
          assertEquals(c.seq(), r.sequence, c.name());
        } finally {
          buf.release();
        }
      }
    }
  }

  /** RFC 7634 Appendix A: the ChaCha20-Poly1305 ESP example, sealed and opened. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("enginesAndBuffers")
  void chacha20Poly1305Rfc7634AppendixA(CryptoEngine engine, Bufs shape) {
    EspSaParams params =
        new EspSaParams(
            0x01020304,
            EspSuite.CHACHA20_POLY1305,
            bytes(PublishedVectors.RFC7634_KEYMAT),
            false,
            EspSaParams.DEFAULT_REPLAY_WINDOW);
    byte[] payload = bytes(PublishedVectors.RFC7634_PAYLOAD);
    byte[] packet = bytes(PublishedVectors.RFC7634_PACKET);
    try (EspContext out =
            EspContext.outboundStartingAfter(
                params, engine, fixedIv(bytes("10 11 12 13 14 15 16 17")), 4);
        EspContext in = EspContext.inbound(params, engine)) {
      ByteBuf buf = shape.with(payload, out.headroom(), out.tailroom());
      try {
        assertEquals(EspStatus.OK, out.seal(buf, NH_IPV4));
        assertArrayEquals(packet, Bufs.readable(buf));
        OpenResult r = new OpenResult();
        assertEquals(EspStatus.OK, in.open(buf, r));
        assertArrayEquals(payload, Bufs.readable(buf));
        assertEquals(NH_IPV4, r.nextHeader);
        assertEquals(5, r.sequence);
      } finally {
        buf.release();
      }
    }
  }

  /** RFC 3602 section 4 cases 5-8 as the prefix of CBC + HMAC packets (see the class comment). */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("enginesAndBuffers")
  void aesCbcRfc3602Packets(CryptoEngine engine, Bufs shape) throws Exception {
    byte[] integKey = Hex.repeat(0x5a, 32); // not from the RFC: its packets carry no ICV
    for (CbcEspCase c : PublishedVectors.RFC3602_ESP) {
      EspSaParams params =
          new EspSaParams(
              c.spi(),
              EspSuite.AES128_CBC_SHA256,
              concat(bytes(c.key()), integKey),
              false,
              EspSaParams.DEFAULT_REPLAY_WINDOW);
      byte[] payload = bytes(c.payload());
      byte[] rfcPacket = bytes(c.packet());
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(integKey, "HmacSHA256"));
      byte[] icv = Arrays.copyOf(hmac.doFinal(rfcPacket), 16);

      try (EspContext out =
              EspContext.outboundStartingAfter(
                  params, engine, fixedIv(bytes(c.iv())), c.seq() - 1);
          EspContext in = EspContext.inbound(params, engine)) {
        ByteBuf buf = shape.with(payload, out.headroom(), out.tailroom());
        try {
          assertEquals(EspStatus.OK, out.seal(buf, c.nextHeader()), c.name());
          assertArrayEquals(concat(rfcPacket, icv), Bufs.readable(buf), c.name());
          OpenResult r = new OpenResult();
          assertEquals(EspStatus.OK, in.open(buf, r), c.name());
          assertArrayEquals(payload, Bufs.readable(buf), c.name());
          assertEquals(c.nextHeader(), r.nextHeader, c.name());
          assertEquals(c.seq(), r.sequence, c.name());
        } finally {
          buf.release();
        }
      }
    }
  }
}
