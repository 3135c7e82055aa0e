package org.meshsec.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** prf and prf+ (RFC 7296 section 2.13) with HMAC-SHA2 known answers from RFC 4231. */
class PrfTest {

  private static final HexFormat HEX = HexFormat.of();

  private static byte[] rep(int b, int n) {
    byte[] a = new byte[n];
    Arrays.fill(a, (byte) b);
    return a;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** RFC 4231 section 4: test cases 1, 3, 4, 6 and 7 (case 5 is truncated output). */
  static Stream<Arguments> rfc4231() {
    byte[] k1 = rep(0x0b, 20);
    byte[] d1 = ascii("Hi There");
    byte[] k3 = rep(0xaa, 20);
    byte[] d3 = rep(0xdd, 50);
    byte[] k4 = HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819");
    byte[] d4 = rep(0xcd, 50);
    byte[] k6 = rep(0xaa, 131);
    byte[] d6 = ascii("Test Using Larger Than Block-Size Key - Hash Key First");
    byte[] d7 =
        ascii(
            "This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm.");
    PrfAlgorithm s256 = PrfAlgorithm.HMAC_SHA2_256;
    PrfAlgorithm s384 = PrfAlgorithm.HMAC_SHA2_384;
    PrfAlgorithm s512 = PrfAlgorithm.HMAC_SHA2_512;
    return Stream.of(
        Arguments.of(
            "1", s256, k1, d1, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Arguments.of(
            "1",
            s384,
            k1,
            d1,
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                + "faea9ea9076ede7f4af152e8b2fa9cb6"),
        Arguments.of(
            "1",
            s512,
            k1,
            d1,
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        Arguments.of(
            "3", s256, k3, d3, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Arguments.of(
            "3",
            s384,
            k3,
            d3,
            "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
                + "2a5ab39dc13814b94e3ab6e101a34f27"),
        Arguments.of(
            "3",
            s512,
            k3,
            d3,
            "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
                + "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"),
        Arguments.of(
            "4", s256, k4, d4, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Arguments.of(
            "4",
            s384,
            k4,
            d4,
            "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
                + "6801dd23c4a7d679ccf8a386c674cffb"),
        Arguments.of(
            "4",
            s512,
            k4,
            d4,
            "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
                + "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"),
        Arguments.of(
            "6", s256, k6, d6, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Arguments.of(
            "6",
            s384,
            k6,
            d6,
            "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
                + "0c2ef6ab4030fe8296248df163f44952"),
        Arguments.of(
            "6",
            s512,
            k6,
            d6,
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
        Arguments.of(
            "7", s256, k6, d7, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        Arguments.of(
            "7",
            s384,
            k6,
            d7,
            "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
                + "a678cc31e799176d3860e6110c46523e"),
        Arguments.of(
            "7",
            s512,
            k6,
            d7,
            "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                + "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"));
  }

  @ParameterizedTest(name = "RFC 4231 case {0} {1}")
  @MethodSource("rfc4231")
  void rfc4231OnJcaAndBouncyCastle(
      String testCase, PrfAlgorithm alg, byte[] key, byte[] data, String expected) {
    for (Provider p : new Provider[] {null, new BouncyCastleProvider()}) {
      Prf prf = Prf.of(alg, p);
      assertArrayEquals(HEX.parseHex(expected), prf.compute(key, data), prf.toString());
      // The same data split into several parts gives the same output.
      byte[] a = Arrays.copyOfRange(data, 0, data.length / 2);
      byte[] b = Arrays.copyOfRange(data, data.length / 2, data.length);
      assertArrayEquals(HEX.parseHex(expected), prf.compute(key, a, b));
    }
  }

  @Test
  void prfPlusMatchesTheSpelledOutDefinition() {
    byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    byte[] seed = ascii("seed for prf+");
    for (PrfAlgorithm alg :
        new PrfAlgorithm[] {
          PrfAlgorithm.HMAC_SHA1,
          PrfAlgorithm.HMAC_SHA2_256,
          PrfAlgorithm.HMAC_SHA2_384,
          PrfAlgorithm.HMAC_SHA2_512
        }) {
      Prf prf = Prf.of(alg);
      for (int len : new int[] {0, 1, prf.outputLength(), prf.outputLength() + 1, 200, 1000}) {
        assertArrayEquals(
            KeyDerivationTest.naivePrfPlus(alg.jcaName(), key, seed, len),
            prf.expand(key, seed, len).copy(),
            alg + " len " + len);
      }
      // T1 = prf(K, S | 0x01): the first block is one plain prf call.
      assertArrayEquals(
          prf.compute(key, seed, new byte[] {1}), prf.expand(key, seed, prf.outputLength()).copy());
    }
  }

  @Test
  void prfPlusStopsAt255Blocks() {
    Prf prf = Prf.of(PrfAlgorithm.HMAC_SHA2_256);
    byte[] key = {1};
    assertEquals(255 * 32, prf.expand(key, new byte[0], 255 * 32).length());
    assertThrows(IllegalArgumentException.class, () -> prf.expand(key, new byte[0], 255 * 32 + 1));
  }

  @Test
  void unknownAndUnsupportedPrfs() {
    PrfAlgorithm xcbc = new PrfAlgorithm(4);
    assertEquals("PRF_AES128_XCBC", xcbc.name());
    assertEquals("PRF_999", new PrfAlgorithm(999).toString());
    assertTrue(!xcbc.isSupported() && xcbc.outputLength() == 0);
    assertThrows(IllegalArgumentException.class, () -> Prf.of(xcbc));
    assertThrows(IllegalArgumentException.class, () -> new PrfAlgorithm(70000));
    assertEquals(new PrfAlgorithm(5), PrfAlgorithm.HMAC_SHA2_256);
    assertEquals(48, PrfAlgorithm.HMAC_SHA2_384.keyLength());
  }
}
