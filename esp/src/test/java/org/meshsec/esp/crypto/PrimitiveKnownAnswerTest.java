package org.meshsec.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.esp.Hex.bytes;
import static org.meshsec.esp.Hex.repeat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.IntegAlgorithm;
import org.meshsec.esp.PublishedVectors;
import org.meshsec.esp.PublishedVectors.CbcEspCase;
import org.meshsec.esp.PublishedVectors.GcmEspCase;

/**
 * Known-answer tests of the engine primitives, run on both engines and on heap and direct buffers
 * (the two code paths each engine has). Every expected value is a published vector; the source is
 * named next to it.
 */
class PrimitiveKnownAnswerTest {

  static Stream<Arguments> engines() {
    return Stream.of(
        Arguments.of(CryptoEngines.jca(), false),
        Arguments.of(CryptoEngines.jca(), true),
        Arguments.of(CryptoEngines.bouncyCastle(), false),
        Arguments.of(CryptoEngines.bouncyCastle(), true));
  }

  /** Puts {@code data} at offset 5 of a buffer with room around it, heap or direct. */
  static ByteBuffer place(byte[] data, int extra, boolean direct) {
    ByteBuffer b =
        direct
            ? ByteBuffer.allocateDirect(data.length + extra + 10)
            : ByteBuffer.allocate(data.length + extra + 10);
    b.put(5, data);
    return b;
  }

  static byte[] read(ByteBuffer b, int off, int len) {
    byte[] out = new byte[len];
    b.get(off, out);
    return out;
  }

  // ---- RFC 3602 section 4: AES-CBC --------------------------------------------------------

  record CbcCase(String name, byte[] key, byte[] iv, byte[] plain, byte[] cipher) {}

  static List<CbcCase> rfc3602() {
    List<CbcCase> cases = new ArrayList<>();
    // RFC 3602 section 4, Case #1: Encrypting 16 bytes (1 block) using AES-CBC with 128-bit key
    cases.add(
        new CbcCase(
            "case 1",
            bytes("06a9214036b8a15b512e03d534120006"),
            bytes("3dafba429d9eb430b422da802c9fac41"),
            "Single block msg".getBytes(StandardCharsets.US_ASCII),
            bytes("e353779c1079aeb82708942dbe77181a")));
    // RFC 3602 section 4, Case #2: Encrypting 32 bytes (2 blocks) using AES-CBC with 128-bit key
    cases.add(
        new CbcCase(
            "case 2",
            bytes("c286696d887c9aa0611bbb3e2025a45a"),
            bytes("562e17996d093d28ddb3ba695a2e6f58"),
            bytes("000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f"),
            bytes("d296cd94c2cccf8a3a863028b5e1dc0a 7586602d253cfff91b8266bea6d61ab1")));
    // RFC 3602 section 4, Case #3: Encrypting 48 bytes (3 blocks) using AES-CBC with 128-bit key
    cases.add(
        new CbcCase(
            "case 3",
            bytes("6c3ea0477630ce21a2ce334aa746c2cd"),
            bytes("c782dc4c098c66cbd9cd27d825682c81"),
            "This is a 48-byte message (exactly 3 AES blocks)".getBytes(StandardCharsets.US_ASCII),
            bytes(
                "d0a02b3836451753d493665d33f0e886 2dea54cdb293abc7506939276772f8d5"
                    + "021c19216bad525c8579695d83ba2684")));
    // RFC 3602 section 4, Case #4: Encrypting 64 bytes (4 blocks) using AES-CBC with 128-bit key
    cases.add(
        new CbcCase(
            "case 4",
            bytes("56e47a38c5598974bc46903dba290349"),
            bytes("8ce82eefbea0da3c44699ed7db51b7d9"),
            bytes(
                "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                    + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"),
            bytes(
                "c30e32ffedc0774e6aff6af0869f71aa 0f3af07a9a31a9c684db207eb0ef8e4e"
                    + "35907aa632c3ffdf868bb7b29d3d46ad 83ce9f9a102ee99d49a53e87f4c3da55")));
    // RFC 3602 section 4, Cases #5-#8: the CBC part of the sample ESP packets. The plaintext is
    // the payload with the ESP trailer the RFC lists (padding 1, 2, ..., pad length, next header);
    // the ciphertext is the packet after SPI, sequence number and IV.
    for (CbcEspCase c : PublishedVectors.RFC3602_ESP) {
      byte[] payload = bytes(c.payload());
      int padLen = (16 - (payload.length + 2) % 16) % 16;
      byte[] plain = Arrays.copyOf(payload, payload.length + padLen + 2);
      for (int i = 0; i < padLen; i++) {
        plain[payload.length + i] = (byte) (i + 1);
      }
      plain[plain.length - 2] = (byte) padLen;
      plain[plain.length - 1] = (byte) c.nextHeader();
      byte[] packet = bytes(c.packet());
      cases.add(
          new CbcCase(
              c.name(),
              bytes(c.key()),
              bytes(c.iv()),
              plain,
              Arrays.copyOfRange(packet, 24, packet.length)));
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} direct={1}")
  @MethodSource("engines")
  void aesCbcRfc3602(CryptoEngine engine, boolean direct) {
    for (CbcCase c : rfc3602()) {
      try (CbcCipher cbc = engine.newAesCbc(c.key())) {
        // Twice with one cipher object: the per-packet IV must not leak into the next packet.
        for (int round = 0; round < 2; round++) {
          ByteBuffer b = place(c.plain(), 0, direct);
          cbc.encrypt(c.iv(), 0, b, 5, c.plain().length);
          assertArrayEquals(c.cipher(), read(b, 5, c.plain().length), c.name() + " encrypt");
          cbc.decrypt(c.iv(), 0, b, 5, c.plain().length);
          assertArrayEquals(c.plain(), read(b, 5, c.plain().length), c.name() + " decrypt");
        }
      }
    }
  }

  // ---- RFC 4231 section 4: HMAC-SHA-256/384/512 -----------------------------------------

  record MacCase(
      String name, byte[] key, byte[] data, String sha256, String sha384, String sha512) {}

  static final byte[] AA131 = repeat(0xaa, 131);

  static List<MacCase> rfc4231() {
    return List.of(
        // RFC 4231 section 4.2, Test Case 1
        new MacCase(
            "RFC 4231 4.2 case 1",
            repeat(0x0b, 20),
            bytes("4869205468657265"),
            "b0344c61d8db38535ca8afceaf0bf12b 881dc200c9833da726e9376c2e32cff7",
            "afd03944d84895626b0825f4ab46907f 15f9dadbe4101ec682aa034c7cebc59c"
                + "faea9ea9076ede7f4af152e8b2fa9cb6",
            "87aa7cdea5ef619d4ff0b4241a1d6cb0 2379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4 be9d914eeb61f1702e696c203a126854"),
        // RFC 4231 section 4.3, Test Case 2: key shorter than the output
        new MacCase(
            "RFC 4231 4.3 case 2",
            bytes("4a656665"),
            bytes("7768617420646f2079612077616e7420 666f72206e6f7468696e673f"),
            "5bdcc146bf60754e6a042426089575c7 5a003f089d2739839dec58b964ec3843",
            "af45d2e376484031617f78d2b58a6b1b 9c7ef464f5a01b47e42ec3736322445e"
                + "8e2240ca5e69e2c78b3239ecfab21649",
            "164b7a7bfcf819e2e395fbe73b56e0a3 87bd64222e831fd610270cd7ea250554"
                + "9758bf75c05a994a6d034f65f8f0e6fd caeab1a34d4a6b4b636e070a38bce737"),
        // RFC 4231 section 4.4, Test Case 3
        new MacCase(
            "RFC 4231 4.4 case 3",
            repeat(0xaa, 20),
            repeat(0xdd, 50),
            "773ea91e36800e46854db8ebd09181a7 2959098b3ef8c122d9635514ced565fe",
            "88062608d3e6ad8a0aa2ace014c8a86f 0aa635d947ac9febe83ef4e55966144b"
                + "2a5ab39dc13814b94e3ab6e101a34f27",
            "fa73b0089d56a284efb0f0756c890be9 b1b5dbdd8ee81a3655f83e33b2279d39"
                + "bf3e848279a722c806b485a47e67c807 b946a337bee8942674278859e13292fb"),
        // RFC 4231 section 4.5, Test Case 4
        new MacCase(
            "RFC 4231 4.5 case 4",
            bytes("0102030405060708090a0b0c0d0e0f10 111213141516171819"),
            repeat(0xcd, 50),
            "82558a389a443c0ea4cc819899f2083a 85f0faa3e578f8077a2e3ff46729665b",
            "3e8a69b7783c25851933ab6290af6ca7 7a9981480850009cc5577c6e1f573b4e"
                + "6801dd23c4a7d679ccf8a386c674cffb",
            "b0ba465637458c6990e5a8c5f61d4af7 e576d97ff94b872de76f8050361ee3db"
                + "a91ca5c11aa25eb4d679275cc5788063 a5f19741120c4f2de2adebeb10a298dd"),
        // RFC 4231 section 4.6, Test Case 5: truncation to 128 bits (only the first 16 bytes
        // are published; the test compares those)
        new MacCase(
            "RFC 4231 4.6 case 5",
            repeat(0x0c, 20),
            bytes("546573742057697468205472756e6361 74696f6e"),
            "a3b6167473100ee06e0c796c2955552b",
            "3abf34c3503b2a23a46efc619baef897",
            "415fad6271580a531d4179bc891d87a6"),
        // RFC 4231 section 4.7, Test Case 6: key larger than the block size
        new MacCase(
            "RFC 4231 4.7 case 6",
            AA131,
            bytes(
                "54657374205573696e67204c61726765 72205468616e20426c6f636b2d53697a"
                    + "65204b6579202d2048617368204b6579 204669727374"),
            "60e431591ee0b67f0d8a26aacbf5b77f 8e0bc6213728c5140546040f0ee37f54",
            "4ece084485813e9088d2c63a041bc5b4 4f9ef1012a2b588f3cd11f05033ac4c6"
                + "0c2ef6ab4030fe8296248df163f44952",
            "80b24263c7c1a3ebb71493c1dd7be8b4 9b46d1f41b4aeec1121b013783f8f352"
                + "6b56d037e05f2598bd0fd2215d6a1e52 95e64f73f63f0aec8b915a985d786598"),
        // RFC 4231 section 4.8, Test Case 7: key and data larger than the block size
        new MacCase(
            "RFC 4231 4.8 case 7",
            AA131,
            bytes(
                "54686973206973206120746573742075 73696e672061206c6172676572207468"
                    + "616e20626c6f636b2d73697a65206b65 7920616e642061206c61726765722074"
                    + "68616e20626c6f636b2d73697a652064 6174612e20546865206b6579206e6565"
                    + "647320746f2062652068617368656420 6265666f7265206265696e6720757365"
                    + "642062792074686520484d414320616c 676f726974686d2e"),
            "9b09ffa71b942fcb27635fbcd5b0e944 bfdc63644f0713938a7f51535c3a35e2",
            "6617178e941f020d351e2f254e8fd32c 602420feb0b8fb9adccebb82461e99c5"
                + "a678cc31e799176d3860e6110c46523e",
            "e37b6a775dc87dbaa4dfa9f96e5e3ffd debd71f8867289865df5a32d20cdc944"
                + "b6022cac3c4982b10d5eeb55c3e4de15 134676fb6de0446065c97440fa8c6a58"));
  }

  static void assertMac(IcvMac mac, byte[] data, String expectedHex, String what, boolean direct) {
    byte[] expected = bytes(expectedHex);
    // Feed in two pieces, one through the ByteBuffer path, to exercise update() composition.
    int half = data.length / 2;
    mac.update(data, 0, half);
    ByteBuffer b = place(Arrays.copyOfRange(data, half, data.length), 0, direct);
    mac.update(b, 5, data.length - half);
    byte[] out = new byte[mac.macLength()];
    mac.doFinal(out, 0);
    assertArrayEquals(expected, Arrays.copyOf(out, expected.length), what);
  }

  @ParameterizedTest(name = "{0} direct={1}")
  @MethodSource("engines")
  void hmacRfc4231(CryptoEngine engine, boolean direct) {
    for (MacCase c : rfc4231()) {
      try (IcvMac m256 = engine.newHmac(IntegAlgorithm.HMAC_SHA2_256_128, c.key());
          IcvMac m384 = engine.newHmac(IntegAlgorithm.HMAC_SHA2_384_192, c.key());
          IcvMac m512 = engine.newHmac(IntegAlgorithm.HMAC_SHA2_512_256, c.key())) {
        assertEquals(32, m256.macLength());
        assertEquals(48, m384.macLength());
        assertEquals(64, m512.macLength());
        // Twice per object: doFinal must reset for the next packet.
        for (int round = 0; round < 2; round++) {
          assertMac(m256, c.data(), c.sha256(), c.name() + " SHA-256", direct);
          assertMac(m384, c.data(), c.sha384(), c.name() + " SHA-384", direct);
          assertMac(m512, c.data(), c.sha512(), c.name() + " SHA-512", direct);
        }
      }
    }
  }

  // ---- RFC 4868 section 2.7.2: truncated HMAC-SHA-256-128 / 384-192 / 512-256 -------------

  record IcvCase(String name, IntegAlgorithm alg, byte[] key, byte[] data, String icv) {}

  static final byte[] HI_THERE = bytes("4869205468657265");
  static final byte[] WHAT_DO_YA =
      "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);

  static List<IcvCase> rfc4868() {
    byte[] jefe = "Jefe".getBytes(StandardCharsets.US_ASCII);
    return List.of(
        // RFC 4868 section 2.7.2.1, Test Case AUTH256-1 .. AUTH256-4
        new IcvCase(
            "AUTH256-1",
            IntegAlgorithm.HMAC_SHA2_256_128,
            repeat(0x0b, 32),
            HI_THERE,
            "198a607eb44bfbc69903a0f1cf2bbdc5"),
        new IcvCase(
            "AUTH256-2",
            IntegAlgorithm.HMAC_SHA2_256_128,
            concatRepeat(jefe, 8),
            WHAT_DO_YA,
            "167f928588c5cc2eef8e3093caa0e87c"),
        new IcvCase(
            "AUTH256-3",
            IntegAlgorithm.HMAC_SHA2_256_128,
            repeat(0xaa, 32),
            repeat(0xdd, 50),
            "cdcb1220d1ecccea91e53aba3092f962"),
        new IcvCase(
            "AUTH256-4",
            IntegAlgorithm.HMAC_SHA2_256_128,
            bytes("0102030405060708090a0b0c0d0e0f10 1112131415161718191a1b1c1d1e1f20"),
            repeat(0xcd, 50),
            "372efcf9b40b35c2115b1346903d2ef4"),
        // RFC 4868 section 2.7.2.2, Test Case AUTH384-1 .. AUTH384-3
        new IcvCase(
            "AUTH384-1",
            IntegAlgorithm.HMAC_SHA2_384_192,
            repeat(0x0b, 48),
            HI_THERE,
            "b6a8d5636f5c6a7224f9977dcf7ee6c7 fb6d0c48cbdee973"),
        new IcvCase(
            "AUTH384-2",
            IntegAlgorithm.HMAC_SHA2_384_192,
            concatRepeat(jefe, 12),
            WHAT_DO_YA,
            "2c7353974f1842fd66d53c452ca42122 b28c0b594cfb184d"),
        new IcvCase(
            "AUTH384-3",
            IntegAlgorithm.HMAC_SHA2_384_192,
            repeat(0xaa, 48),
            repeat(0xdd, 50),
            "809f439be00274321d4a538652164b53 554a508184a0c316"),
        // RFC 4868 section 2.7.2.3, Test Case AUTH512-1 .. AUTH512-3
        new IcvCase(
            "AUTH512-1",
            IntegAlgorithm.HMAC_SHA2_512_256,
            repeat(0x0b, 64),
            HI_THERE,
            "637edc6e01dce7e6742a99451aae82df 23da3e92439e590e43e761b33e910fb8"),
        new IcvCase(
            "AUTH512-2",
            IntegAlgorithm.HMAC_SHA2_512_256,
            concatRepeat(jefe, 16),
            WHAT_DO_YA,
            "cb370917ae8a7ce28cfd1d8f4705d614 1c173b2a9362c15df235dfb251b15454"),
        new IcvCase(
            "AUTH512-3",
            IntegAlgorithm.HMAC_SHA2_512_256,
            repeat(0xaa, 64),
            repeat(0xdd, 50),
            "2ee7acd783624ca9398710f3ee05ae41 b9f9b0510c87e49e586cc9bf961733d8"));
  }

  static byte[] concatRepeat(byte[] unit, int times) {
    byte[] out = new byte[unit.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(unit, 0, out, i * unit.length, unit.length);
    }
    return out;
  }

  @ParameterizedTest(name = "{0} direct={1}")
  @MethodSource("engines")
  void truncatedIcvRfc4868(CryptoEngine engine, boolean direct) {
    for (IcvCase c : rfc4868()) {
      assertEquals(c.alg().keyLength(), c.key().length, c.name() + " uses the ESP key length");
      try (IcvMac mac = engine.newHmac(c.alg(), c.key())) {
        byte[] expected = bytes(c.icv());
        assertEquals(c.alg().icvLength(), expected.length, c.name());
        assertMac(mac, c.data(), c.icv(), c.name(), direct);
      }
    }
  }

  // ---- AEAD: GCM cases of draft-mcgrew-gcm-test-01 and RFC 7634 Appendix A ----------------

  /**
   * AES_GCM_12 (used by IKE's SK payload, RFC 5282): the same McGrew cases with the tag truncated
   * to its 12 leftmost bytes (NIST SP 800-38D section 5.2.1.2).
   */
  @ParameterizedTest(name = "{0} direct={1}")
  @MethodSource("engines")
  void aesGcm12McGrew(CryptoEngine engine, boolean direct) {
    for (GcmEspCase c : PublishedVectors.MCGREW_GCM) {
      byte[] packet = bytes(c.packet());
      byte[] nonce = bytes(c.nonce());
      ByteBuffer aadBuf = ByteBuffer.allocate(12).putInt(c.spi());
      if (c.esn()) {
        aadBuf.putLong(c.seq());
      } else {
        aadBuf.putInt((int) c.seq());
      }
      byte[] aad = Arrays.copyOf(aadBuf.array(), aadBuf.position());
      byte[] plain = bytes(c.plaintext());
      byte[] ctextTag12 = Arrays.copyOfRange(packet, 16, packet.length - 4);
      try (AeadCipher seal = engine.newAead(EncrAlgorithm.AES_GCM_12, bytes(c.key()));
          AeadCipher open = engine.newAead(EncrAlgorithm.AES_GCM_12, bytes(c.key()))) {
        assertEquals(12, seal.tagLength());
        ByteBuffer b = place(plain, 12, direct);
        seal.seal(nonce, aad, aad.length, b, 5, plain.length);
        assertArrayEquals(ctextTag12, read(b, 5, plain.length + 12), c.name());
        assertTrue(open.open(nonce, aad, aad.length, b, 5, plain.length), c.name());
        assertArrayEquals(plain, read(b, 5, plain.length), c.name());

        ByteBuffer t = place(ctextTag12, 0, direct);
        t.put(5 + plain.length + 11, (byte) (t.get(5 + plain.length + 11) ^ 1));
        assertFalse(open.open(nonce, aad, aad.length, t, 5, plain.length), c.name() + " forged");
      }
    }
  }

  /** HMAC-SHA-1 (AUTH_HMAC_SHA1_96 of IKE peers): RFC 2202 section 3, test cases 1 to 3. */
  @ParameterizedTest(name = "{0} direct={1}")
  @MethodSource("engines")
  void hmacSha1Rfc2202(CryptoEngine engine, boolean direct) {
    byte[] dd = new byte[50];
    Arrays.fill(dd, (byte) 0xdd);
    byte[] aa = new byte[20];
    Arrays.fill(aa, (byte) 0xaa);
    byte[] ob = new byte[20];
    Arrays.fill(ob, (byte) 0x0b);
    Object[][] cases = {
      {
        ob,
        "Hi There".getBytes(StandardCharsets.US_ASCII),
        "b617318655057264e28bc0b6fb378c8ef146be00"
      },
      {
        "Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII),
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
      },
      {aa, dd, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
    };
    for (Object[] c : cases) {
      try (IcvMac mac = engine.newHmac(IntegAlgorithm.HMAC_SHA1_96, (byte[]) c[0])) {
        assertEquals(20, mac.macLength());
        for (int round = 0; round < 2; round++) {
          assertMac(mac, (byte[]) c[1], (String) c[2], "RFC 2202 " + c[2], direct);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} direct={1}")
  @MethodSource("engines")
  void aesGcmMcGrew(CryptoEngine engine, boolean direct) {
    for (GcmEspCase c : PublishedVectors.MCGREW_GCM) {
      byte[] packet = bytes(c.packet());
      byte[] nonce = bytes(c.nonce());
      // aad = SPI || [seq high] || seq low, exactly as the draft prints it per case.
      ByteBuffer aadBuf = ByteBuffer.allocate(12).putInt(c.spi());
      if (c.esn()) {
        aadBuf.putLong(c.seq());
      } else {
        aadBuf.putInt((int) c.seq());
      }
      byte[] aad = Arrays.copyOf(aadBuf.array(), aadBuf.position());
      byte[] plain = bytes(c.plaintext());
      byte[] ctextTag = Arrays.copyOfRange(packet, 16, packet.length);
      try (AeadCipher seal = engine.newAead(EncrAlgorithm.AES_GCM_16, bytes(c.key()));
          AeadCipher open = engine.newAead(EncrAlgorithm.AES_GCM_16, bytes(c.key()))) {
        ByteBuffer b = place(plain, 16, direct);
        seal.seal(nonce, aad, aad.length, b, 5, plain.length);
        assertArrayEquals(ctextTag, read(b, 5, plain.length + 16), c.name());
        assertTrue(open.open(nonce, aad, aad.length, b, 5, plain.length), c.name());
        assertArrayEquals(plain, read(b, 5, plain.length), c.name());

        ByteBuffer t = place(ctextTag, 0, direct);
        t.put(5 + plain.length, (byte) (t.get(5 + plain.length) ^ 1)); // flip a tag bit
        assertFalse(open.open(nonce, aad, aad.length, t, 5, plain.length), c.name() + " forged");
      }
    }
  }

  @ParameterizedTest(name = "{0} direct={1}")
  @MethodSource("engines")
  void chacha20Poly1305Rfc7634(CryptoEngine engine, boolean direct) {
    // RFC 7634 Appendix A: nonce = salt a0a1a2a3 || IV 1011121314151617, AAD = SPI || seq.
    byte[] keymat = bytes(PublishedVectors.RFC7634_KEYMAT);
    byte[] key = Arrays.copyOf(keymat, 32);
    byte[] nonce = bytes("a0 a1 a2 a3 10 11 12 13 14 15 16 17");
    byte[] aad = bytes("01 02 03 04 00 00 00 05");
    byte[] payload = bytes(PublishedVectors.RFC7634_PAYLOAD);
    byte[] plain = Arrays.copyOf(payload, payload.length + 4);
    System.arraycopy(bytes("01 02 02 04"), 0, plain, payload.length, 4);
    byte[] packet = bytes(PublishedVectors.RFC7634_PACKET);
    byte[] ctextTag = Arrays.copyOfRange(packet, 16, packet.length);
    try (AeadCipher seal = engine.newAead(EncrAlgorithm.CHACHA20_POLY1305, key);
        AeadCipher open = engine.newAead(EncrAlgorithm.CHACHA20_POLY1305, key)) {
      ByteBuffer b = place(plain, 16, direct);
      seal.seal(nonce, aad, aad.length, b, 5, plain.length);
      assertArrayEquals(ctextTag, read(b, 5, plain.length + 16));
      assertTrue(open.open(nonce, aad, aad.length, b, 5, plain.length));
      assertArrayEquals(plain, read(b, 5, plain.length));
      aad[7] ^= 1;
      ByteBuffer t = place(ctextTag, 0, direct);
      assertFalse(open.open(nonce, aad, aad.length, t, 5, plain.length), "AAD covers the seq");
    }
  }
}
