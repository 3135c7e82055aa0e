package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.ike.message.CapturedMessages.hex;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.esp.IntegAlgorithm;

/** SK framing with both cipher implementations: round trips, tampering, padding, layout. */
class SkCipherTest {
  static final byte[] GCM128_KEY_SALT = hex("000102030405060708090a0b0c0d0e0f" + "a0a1a2a3");
  static final byte[] GCM256_KEY_SALT =
      hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" + "b0b1b2b3");
  static final byte[] AES128 = hex("2b7e151628aed2a6abf7158809cf4f3c");
  static final byte[] AES256 =
      hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  static final byte[] HMAC256_KEY = hex("0b".repeat(32));
  static final byte[] HMAC512_KEY = hex("0c".repeat(64));

  /** Cipher factories by name; the argument seeds the IV (counter or random). */
  static Stream<Arguments> ciphers() {
    return Stream.of(
        Arguments.of(
            "AES-128-GCM-16",
            (Function<Long, SkCipher>) seed -> new AesGcmSkCipher(GCM128_KEY_SALT, 16, seed)),
        Arguments.of(
            "AES-256-GCM-12",
            (Function<Long, SkCipher>) seed -> new AesGcmSkCipher(GCM256_KEY_SALT, 12, seed)),
        Arguments.of(
            "AES-128-CBC-HMAC-SHA2-256-128",
            (Function<Long, SkCipher>)
                seed ->
                    AesCbcHmacSkCipher.of(
                        AES128, IntegAlgorithm.HMAC_SHA2_256_128, HMAC256_KEY, new SecureRandom())),
        Arguments.of(
            "AES-256-CBC-HMAC-SHA2-512-256",
            (Function<Long, SkCipher>)
                seed ->
                    AesCbcHmacSkCipher.of(
                        AES256,
                        IntegAlgorithm.HMAC_SHA2_512_256,
                        HMAC512_KEY,
                        new SecureRandom())));
  }

  private static Message sample() {
    return Message.of(
        IkeHeader.of(
            0x1122334455667788L, 0x99aabbccddeeff00L, ExchangeType.INFORMATIONAL, true, false, 7),
        new SkPayload(
            List.of(
                DeletePayload.childSas(ProtocolId.ESP, 0xc0ffee01, 0xc0ffee02),
                NotifyPayload.of(NotifyType.INITIAL_CONTACT))));
  }

  private static IkeParseError error(DecodeResult<Message> r) {
    assertFalse(r.isOk(), () -> "expected an error, got " + r);
    return ((DecodeResult.Err<Message>) r).error();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ciphers")
  void roundTripAndLayout(String name, Function<Long, SkCipher> factory) {
    SkCipher cipher = factory.apply(0L);
    Message m = sample();
    byte[] wire = m.encode(cipher);
    int content = PayloadChain.encode(m.encryptedPayload().get().payloads()).length;
    int plaintext = content + SkFraming.padLength(content, cipher.blockSize()) + 1;
    assertEquals(0, plaintext % cipher.blockSize());
    assertEquals(
        IkeHeader.LENGTH + 4 + cipher.ivLength() + plaintext + cipher.icvLength(), wire.length);
    assertEquals(PayloadType.SK.value(), wire[IkeHeader.OFFSET_NEXT_PAYLOAD]);
    assertEquals(PayloadType.DELETE.value(), wire[IkeHeader.LENGTH]); // first inner type

    Message opened = Message.decode(wire, factory.apply(1L)).orElseThrow();
    assertEquals(m.encryptedPayload(), opened.encryptedPayload());
    assertEquals(Optional.empty(), ExchangeRules.validate(opened));

    // Empty SK (a liveness check): HDR, SK {}.
    Message empty = Message.of(m.header(), SkPayload.of());
    byte[] emptyWire = empty.encode(cipher);
    assertEquals(0, emptyWire[IkeHeader.LENGTH]);
    assertEquals(
        List.of(), Message.decode(emptyWire, factory.apply(1L)).orElseThrow().allPayloads());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ciphers")
  void everyTamperedByteIsRejected(String name, Function<Long, SkCipher> factory) {
    byte[] wire = sample().encode(factory.apply(0L));
    SkCipher receiver = factory.apply(1L);
    for (int i = 0; i < wire.length; i++) {
      byte[] t = wire.clone();
      t[i] ^= 0x01;
      IkeParseError e = error(Message.decode(t, receiver));
      boolean structural =
          (i >= IkeHeader.OFFSET_NEXT_PAYLOAD && i < IkeHeader.OFFSET_MESSAGE_ID)
              || (i >= IkeHeader.OFFSET_LENGTH && i < IkeHeader.LENGTH)
              || i == IkeHeader.LENGTH + 2
              || i == IkeHeader.LENGTH + 3;
      if (!structural) { // SPIs, Message ID, SK next/flags, IV, ciphertext, ICV
        assertEquals(IkeParseError.Kind.INTEGRITY_CHECK_FAILED, e.kind(), "byte " + i);
        assertEquals(Optional.empty(), e.reply());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ciphers")
  void wrongKeyIsAnIntegrityFailure(String name, Function<Long, SkCipher> factory) {
    byte[] wire = sample().encode(factory.apply(0L));
    SkCipher other =
        switch (name) {
          case "AES-128-GCM-16" -> new AesGcmSkCipher(new byte[20], 16, 0);
          case "AES-256-GCM-12" -> new AesGcmSkCipher(new byte[36], 12, 0);
          case "AES-128-CBC-HMAC-SHA2-256-128" ->
              AesCbcHmacSkCipher.of(
                  new byte[16], IntegAlgorithm.HMAC_SHA2_256_128, new byte[32], new SecureRandom());
          default ->
              AesCbcHmacSkCipher.of(
                  new byte[32], IntegAlgorithm.HMAC_SHA2_512_256, new byte[64], new SecureRandom());
        };
    assertEquals(
        IkeParseError.Kind.INTEGRITY_CHECK_FAILED, error(Message.decode(wire, other)).kind());
  }

  @Test
  void gcmIvsNeverRepeat() {
    AesGcmSkCipher cipher = new AesGcmSkCipher(GCM128_KEY_SALT, 16, 41);
    Message m = sample();
    byte[] a = m.encode(cipher);
    byte[] b = m.encode(cipher);
    int iv = IkeHeader.LENGTH + 4;
    assertEquals("0000000000000029", Bytes.copyOf(a, iv, 8).toHex());
    assertEquals("000000000000002a", Bytes.copyOf(b, iv, 8).toHex());
    assertNotEquals(Bytes.of(a), Bytes.of(b));

    AesGcmSkCipher last = new AesGcmSkCipher(GCM128_KEY_SALT, 16, -2L);
    m.encode(last);
    try {
      m.encode(last);
      throw new AssertionError("IV space exhaustion not detected");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("rekey"));
    }
  }

  /**
   * Checks the AEAD layout of RFC 5282 against Bouncy Castle's independent GCM: nonce = salt || IV,
   * associated data = IKE header + SK generic header, ciphertext followed by the ICV.
   */
  @Test
  void gcmLayoutMatchesIndependentImplementation() throws Exception {
    AesGcmSkCipher cipher = new AesGcmSkCipher(GCM128_KEY_SALT, 16, 0x0102030405060708L);
    Message m = sample();
    byte[] wire = m.encode(cipher);
    int ivOffset = IkeHeader.LENGTH + 4;
    byte[] content = PayloadChain.encode(m.encryptedPayload().get().payloads());
    byte[] plaintext = Arrays.copyOf(content, content.length + 1); // no padding, Pad Length 0

    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    byte[] nonce = hex("a0a1a2a3" + "0102030405060708");
    gcm.init(
        true,
        new AEADParameters(
            new KeyParameter(Arrays.copyOf(GCM128_KEY_SALT, 16)),
            128,
            nonce,
            Arrays.copyOf(wire, ivOffset)));
    byte[] expected = new byte[gcm.getOutputSize(plaintext.length)];
    int n = gcm.processBytes(plaintext, 0, plaintext.length, expected, 0);
    gcm.doFinal(expected, n);

    assertEquals("0102030405060708", Bytes.copyOf(wire, ivOffset, 8).toHex());
    assertArrayEquals(expected, Arrays.copyOfRange(wire, ivOffset + 8, wire.length));
  }

  /** A message whose decrypted Pad Length is larger than the content. */
  @Test
  void padLengthBeyondContentIsInvalidPadding() {
    AesGcmSkCipher cipher = new AesGcmSkCipher(GCM128_KEY_SALT, 16, 0);
    byte[] wire = handSealed(cipher, new byte[] {0, 0, 9});
    IkeParseError e = error(Message.decode(wire, new AesGcmSkCipher(GCM128_KEY_SALT, 16, 5)));
    assertEquals(IkeParseError.Kind.INVALID_PADDING, e.kind());
    assertEquals(wire.length - 16 - 1, e.offset());
    assertEquals(Optional.of(NotifyType.INVALID_SYNTAX), e.notifyType());

    // Pad Length 2 of 3 bytes: valid, empty content.
    byte[] ok = handSealed(cipher, new byte[] {7, 7, 2});
    assertEquals(
        List.of(),
        Message.decode(ok, new AesGcmSkCipher(GCM128_KEY_SALT, 16, 5)).orElseThrow().allPayloads());
  }

  /** HDR(INFORMATIONAL), SK{} with the given raw plaintext (payloads, padding, Pad Length). */
  private static byte[] handSealed(SkCipher cipher, byte[] plaintext) {
    int ivOffset = IkeHeader.LENGTH + 4;
    int length = ivOffset + cipher.ivLength() + plaintext.length + cipher.icvLength();
    byte[] buf = new byte[length];
    java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(buf);
    sample().header().withWireFields(PayloadType.SK, length).encode(out);
    out.put((byte) 0).put((byte) 0).putShort((short) (length - IkeHeader.LENGTH));
    System.arraycopy(plaintext, 0, buf, ivOffset + cipher.ivLength(), plaintext.length);
    cipher.encrypt(buf, ivOffset, plaintext.length);
    return buf;
  }

  @Test
  void encryptedPayloadTooShortOrMisaligned() {
    SkCipher cbc =
        AesCbcHmacSkCipher.of(
            AES128, IntegAlgorithm.HMAC_SHA2_256_128, HMAC256_KEY, new SecureRandom());
    Message m = sample();
    byte[] wire = m.encode(cbc);

    // Cut the SK body to IV + ICV only: no room for a Pad Length octet.
    int body = cbc.ivLength() + cbc.icvLength();
    byte[] shortWire = Arrays.copyOf(wire, IkeHeader.LENGTH + 4 + body);
    fixLengths(shortWire);
    assertEquals(IkeParseError.Kind.TRUNCATED, error(Message.decode(shortWire, cbc)).kind());

    // Drop one ciphertext byte: not a multiple of the AES block.
    byte[] misaligned = new byte[wire.length - 1];
    System.arraycopy(wire, 0, misaligned, 0, wire.length - cbc.icvLength() - 1);
    System.arraycopy(
        wire,
        wire.length - cbc.icvLength(),
        misaligned,
        misaligned.length - cbc.icvLength(),
        cbc.icvLength());
    fixLengths(misaligned);
    IkeParseError e = error(Message.decode(misaligned, cbc));
    assertEquals(IkeParseError.Kind.INVALID_PAYLOAD, e.kind());
  }

  /** Rewrites the header Length and the SK Payload Length after a test changed the size. */
  static void fixLengths(byte[] wire) {
    java.nio.ByteBuffer.wrap(wire).putInt(IkeHeader.OFFSET_LENGTH, wire.length);
    java.nio.ByteBuffer.wrap(wire)
        .putShort(IkeHeader.LENGTH + 2, (short) (wire.length - IkeHeader.LENGTH));
  }

  @Test
  void encodeWithoutCipherRefusesPlaintextSk() {
    try {
      sample().encode();
      throw new AssertionError("plaintext SK encoded without a cipher");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("SkCipher"));
    }
  }

  @Test
  void toStringDoesNotRevealKeys() {
    SkCipher gcm = new AesGcmSkCipher(GCM128_KEY_SALT);
    SkCipher cbc =
        AesCbcHmacSkCipher.of(
            AES128, IntegAlgorithm.HMAC_SHA2_256_128, HMAC256_KEY, new SecureRandom());
    assertEquals("AesGcmSkCipher[AES-128, ICV 16]", gcm.toString());
    assertEquals("AesCbcHmacSkCipher[AES-128, HmacSHA256, ICV 16]", cbc.toString());
  }
}
