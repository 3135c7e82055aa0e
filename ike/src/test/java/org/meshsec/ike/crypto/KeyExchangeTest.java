package org.meshsec.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.DHParameters;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.message.Bytes;

/**
 * Key exchange known answers: RFC 5903 section 8 (ECP groups 19, 20, 21), RFC 7748 section 6.1
 * (X25519), the RFC 3526 primes rebuilt from their published formula, plus the RFC 6989 checks on
 * peer values.
 */
class KeyExchangeTest {

  private static final HexFormat HEX = HexFormat.of();

  private static byte[] h(String s) {
    return HEX.parseHex(s);
  }

  // RFC 5903 section 8.1 (256-bit), 8.2 (384-bit), 8.3 (521-bit): i and r are the private values,
  // gix/giy and grx/gry the public points, girx the x-coordinate of the shared point = g^ir.
  private static final String P256_I =
      "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433";
  private static final String P256_GIX =
      "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180";
  private static final String P256_GIY =
      "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3";
  private static final String P256_R =
      "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53";
  private static final String P256_GRX =
      "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63";
  private static final String P256_GRY =
      "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab";
  private static final String P256_GIRX =
      "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";

  private static final String P384_I =
      "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
          + "e35b538041e649ee3faef896783ab194";
  private static final String P384_GIX =
      "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
          + "de3ac808acb4bdb4c88732aee95f41aa";
  private static final String P384_GIY =
      "9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38e"
          + "eb9fcff3c2c947dae69b4c634573a81c";
  private static final String P384_R =
      "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
          + "e0308312916b8ed2960e4bd55a7448fc";
  private static final String P384_GRX =
      "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"
          + "0d1ac43a0336def96fda41d0774a3571";
  private static final String P384_GRY =
      "dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1ff"
          + "f83fa40142209dff5eaad96db9e6386c";
  private static final String P384_GIRX =
      "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
          + "d603135569b9e9d09cf5d4a270f59746";

  private static final String P521_I =
      "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a0"
          + "95aa85a30fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d"
          + "4a52";
  private static final String P521_GIX =
      "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbe"
          + "e1e3bf42e00b8e380aeae57c2d107564941885942af5a7f4601723c4195d176c"
          + "ed3e";
  private static final String P521_GIY =
      "017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10a"
          + "d8a788015ac405d7799dc75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3926f"
          + "9582";
  private static final String P521_R =
      "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e"
          + "9c677d600b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb15168"
          + "5eb9";
  private static final String P521_GRX =
      "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a21"
          + "9b97c356436adc6e95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9"
          + "460f";
  private static final String P521_GRY =
      "015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87"
          + "220b6536c5c408a1d2aebb8e86d678ae49cb57091f4732296579ab44fcd17f0f"
          + "c56a";
  private static final String P521_GIRX =
      "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04"
          + "d1427e73ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3"
          + "ddea";

  private static byte[] secret(KeyExchange ke, byte[] peer) {
    SharedSecretResult r = ke.computeSharedSecret(peer);
    assertInstanceOf(SharedSecretResult.Agreed.class, r, () -> "rejected: " + r);
    return ((SharedSecretResult.Agreed) r).sharedSecret().copy();
  }

  private static KeyExchangeError error(KeyExchange ke, byte[] peer) {
    SharedSecretResult r = ke.computeSharedSecret(peer);
    assertInstanceOf(SharedSecretResult.Rejected.class, r, () -> "accepted: " + r);
    return ((SharedSecretResult.Rejected) r).error();
  }

  private static void rfc5903(
      DhGroup group,
      String i,
      String gix,
      String giy,
      String r,
      String grx,
      String gry,
      String girx) {
    KeyExchange initiator = KeyExchange.fromPrivateValue(group, h(i));
    KeyExchange responder = KeyExchange.fromPrivateValue(group, h(r));
    // RFC 5903 section 7: KE payload = x | y, no 0x04 prefix.
    assertArrayEquals(h(gix + giy), initiator.publicValue(), "g^i");
    assertArrayEquals(h(grx + gry), responder.publicValue(), "g^r");
    assertEquals(group.keyExchangeLength(), initiator.publicValue().length);
    // Shared secret = x-coordinate only.
    assertArrayEquals(h(girx), secret(initiator, responder.publicValue()), "g^ir (initiator)");
    assertArrayEquals(h(girx), secret(responder, initiator.publicValue()), "g^ir (responder)");
    assertEquals(group.sharedSecretLength(), h(girx).length);
  }

  @Test
  void rfc5903Ecp256() {
    rfc5903(DhGroup.ECP_256, P256_I, P256_GIX, P256_GIY, P256_R, P256_GRX, P256_GRY, P256_GIRX);
  }

  @Test
  void rfc5903Ecp384() {
    rfc5903(DhGroup.ECP_384, P384_I, P384_GIX, P384_GIY, P384_R, P384_GRX, P384_GRY, P384_GIRX);
  }

  @Test
  void rfc5903Ecp521() {
    rfc5903(DhGroup.ECP_521, P521_I, P521_GIX, P521_GIY, P521_R, P521_GRX, P521_GRY, P521_GIRX);
  }

  @Test
  void rfc7748X25519() {
    // RFC 7748 section 6.1.
    byte[] alicePriv = h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] alicePub = h("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    byte[] bobPriv = h("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] bobPub = h("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    byte[] shared = h("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    KeyExchange alice = KeyExchange.fromPrivateValue(DhGroup.CURVE25519, alicePriv);
    KeyExchange bob = KeyExchange.fromPrivateValue(DhGroup.CURVE25519, bobPriv);
    assertArrayEquals(alicePub, alice.publicValue());
    assertArrayEquals(bobPub, bob.publicValue());
    assertArrayEquals(shared, secret(alice, bobPub));
    assertArrayEquals(shared, secret(bob, alicePub));
  }

  @Test
  void x25519RefusesSmallOrderPointsAndWrongLengths() {
    KeyExchange ke = KeyExchange.generate(DhGroup.CURVE25519, new DeterministicRandom(1));
    byte[] zero = new byte[32];
    byte[] one = new byte[32];
    one[0] = 1;
    assertEquals(KeyExchangeError.ZERO_RESULT, error(ke, zero));
    assertEquals(KeyExchangeError.ZERO_RESULT, error(ke, one));
    // p = 2^255 - 19 is 0 after reduction: also a small-order point (RFC 7748 section 5).
    byte[] p = new byte[32];
    Arrays.fill(p, (byte) 0xff);
    p[0] = (byte) 0xed;
    p[31] = 0x7f;
    assertEquals(KeyExchangeError.ZERO_RESULT, error(ke, p));
    assertEquals(KeyExchangeError.WRONG_LENGTH, error(ke, new byte[31]));
    assertEquals(KeyExchangeError.WRONG_LENGTH, error(ke, new byte[33]));
  }

  @Test
  void x25519MasksTheTopBit() {
    // RFC 7748 section 5: the most significant bit of the last byte is ignored.
    KeyExchange a = KeyExchange.generate(DhGroup.CURVE25519, new DeterministicRandom(2));
    KeyExchange b = KeyExchange.generate(DhGroup.CURVE25519, new DeterministicRandom(3));
    byte[] pub = b.publicValue();
    byte[] flipped = pub.clone();
    flipped[31] ^= (byte) 0x80;
    assertArrayEquals(secret(a, pub), secret(a, flipped));
  }

  @Test
  void ecpRefusesBadPoints() {
    for (DhGroup g : new DhGroup[] {DhGroup.ECP_256, DhGroup.ECP_384, DhGroup.ECP_521}) {
      KeyExchange a = KeyExchange.generate(g, new DeterministicRandom(4));
      byte[] good = KeyExchange.generate(g, new DeterministicRandom(5)).publicValue();
      int n = good.length / 2;
      assertEquals(KeyExchangeError.WRONG_LENGTH, error(a, Arrays.copyOf(good, good.length - 1)));
      // With the 0x04 prefix some implementations send: wrong length.
      byte[] prefixed = new byte[good.length + 1];
      prefixed[0] = 4;
      System.arraycopy(good, 0, prefixed, 1, good.length);
      assertEquals(KeyExchangeError.WRONG_LENGTH, error(a, prefixed));
      // y changed: not on the curve.
      byte[] offCurve = good.clone();
      offCurve[good.length - 1] ^= 1;
      assertEquals(KeyExchangeError.NOT_ON_CURVE, error(a, offCurve));
      // The point (0, 0) is not on any of these curves (b != 0).
      assertEquals(KeyExchangeError.NOT_ON_CURVE, error(a, new byte[good.length]));
      // x >= p: out of range.
      byte[] big = good.clone();
      Arrays.fill(big, 0, n, (byte) 0xff);
      assertEquals(KeyExchangeError.OUT_OF_RANGE, error(a, big));
      // And the good one works, in both directions.
      KeyExchange b = KeyExchange.generate(g, new DeterministicRandom(5));
      assertArrayEquals(secret(a, good), secret(b, a.publicValue()));
    }
  }

  @Test
  void modpRoundTripAgainstPlainModPow() {
    for (DhGroup g : new DhGroup[] {DhGroup.MODP_2048, DhGroup.MODP_3072, DhGroup.MODP_4096}) {
      KeyExchange a = KeyExchange.generate(g, new DeterministicRandom(6));
      KeyExchange b = KeyExchange.generate(g, new DeterministicRandom(7));
      assertEquals(g.keyExchangeLength(), a.publicValue().length);
      byte[] ab = secret(a, b.publicValue());
      assertArrayEquals(ab, secret(b, a.publicValue()));
      assertEquals(g.sharedSecretLength(), ab.length);

      // Known private value: g^ir computed by plain BigInteger arithmetic.
      BigInteger p = ModpKeyExchange.parameters(g).getP();
      byte[] x = h("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
      KeyExchange c = KeyExchange.fromPrivateValue(g, x);
      BigInteger y = new BigInteger(1, b.publicValue());
      BigInteger z = y.modPow(new BigInteger(1, x), p);
      assertEquals(z, new BigInteger(1, secret(c, b.publicValue())));
      assertEquals(
          BigInteger.TWO.modPow(new BigInteger(1, x), p), new BigInteger(1, c.publicValue()));
    }
  }

  @Test
  void modpValuesAreLeftPaddedToThePrimeLength() {
    // x = 1: g^x = 2, sent as 255 zero bytes and 0x02; with peer value 2 the secret is 2 too.
    KeyExchange one = KeyExchange.fromPrivateValue(DhGroup.MODP_2048, new byte[] {1});
    byte[] expected = new byte[256];
    expected[255] = 2;
    assertArrayEquals(expected, one.publicValue());
    assertArrayEquals(expected, secret(one, expected));
  }

  @Test
  void modpRefusesValuesOutside2ToPMinus2() {
    DhGroup g = DhGroup.MODP_2048;
    BigInteger p = ModpKeyExchange.parameters(g).getP();
    KeyExchange a = KeyExchange.generate(g, new DeterministicRandom(8));
    for (BigInteger bad :
        new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p}) {
      assertEquals(
          KeyExchangeError.OUT_OF_RANGE, error(a, Bytes.unsignedFixed(bad, 256)), bad.toString(16));
    }
    byte[] ff = new byte[256];
    Arrays.fill(ff, (byte) 0xff);
    assertEquals(KeyExchangeError.OUT_OF_RANGE, error(a, ff));
    assertEquals(KeyExchangeError.WRONG_LENGTH, error(a, new byte[255]));
    assertEquals(KeyExchangeError.WRONG_LENGTH, error(a, new byte[257]));
    // p - 2 is the largest value allowed.
    secret(a, Bytes.unsignedFixed(p.subtract(BigInteger.TWO), 256));
  }

  /**
   * RFC 3526 defines each prime as 2^N - 2^(N-64) - 1 + 2^64 * ( [2^(N-130) pi] + c ). Rebuilding
   * them from pi checks the table meshsec uses digit for digit; the first and last 64 bits are all
   * ones, as the published hex shows.
   */
  @Test
  void rfc3526PrimesMatchTheirDefinition() {
    check(DhGroup.MODP_2048, 2048, 124476);
    check(DhGroup.MODP_3072, 3072, 1690314);
    check(DhGroup.MODP_4096, 4096, 240904);
  }

  private static void check(DhGroup g, int n, long c) {
    BigInteger floor = piTimesPowerOfTwo(n - 130);
    BigInteger p =
        BigInteger.ONE
            .shiftLeft(n)
            .subtract(BigInteger.ONE.shiftLeft(n - 64))
            .subtract(BigInteger.ONE)
            .add(BigInteger.ONE.shiftLeft(64).multiply(floor.add(BigInteger.valueOf(c))));
    DHParameters params = ModpKeyExchange.parameters(g);
    assertEquals(p, params.getP(), g.toString());
    assertEquals(BigInteger.TWO, params.getG());
    assertEquals(n, p.bitLength());
    byte[] bytes = Bytes.unsignedFixed(p, n / 8);
    assertEquals("ffffffffffffffffc90fdaa22168c234", HEX.formatHex(bytes, 0, 16));
    assertEquals("ffffffffffffffff", HEX.formatHex(bytes, bytes.length - 8, bytes.length));
  }

  /**
   * floor(2^bits * pi) by Machin's formula, pi = 16 atan(1/5) - 4 atan(1/239), in fixed point with
   * 64 guard bits (the series' rounding errors stay far below them).
   */
  private static BigInteger piTimesPowerOfTwo(int bits) {
    int scale = bits + 64;
    BigInteger pi =
        arctanInverse(5, scale).shiftLeft(4).subtract(arctanInverse(239, scale).shiftLeft(2));
    return pi.shiftRight(64);
  }

  /** atan(1/x) * 2^scale, truncated. */
  private static BigInteger arctanInverse(int x, int scale) {
    BigInteger x2 = BigInteger.valueOf((long) x * x);
    BigInteger power = BigInteger.ONE.shiftLeft(scale).divide(BigInteger.valueOf(x));
    BigInteger sum = power;
    for (int k = 1; power.signum() != 0; k++) {
      power = power.divide(x2);
      BigInteger term = power.divide(BigInteger.valueOf(2L * k + 1));
      sum = (k % 2 == 1) ? sum.subtract(term) : sum.add(term);
    }
    return sum;
  }

  @Test
  void generationIsDeterministicForAGivenRandom() {
    for (DhGroup g :
        new DhGroup[] {DhGroup.MODP_2048, DhGroup.ECP_256, DhGroup.ECP_521, DhGroup.CURVE25519}) {
      byte[] first = KeyExchange.generate(g, new DeterministicRandom(42)).publicValue();
      byte[] again = KeyExchange.generate(g, new DeterministicRandom(42)).publicValue();
      byte[] other = KeyExchange.generate(g, new DeterministicRandom(43)).publicValue();
      assertArrayEquals(first, again, g.toString());
      assertFalse(Arrays.equals(first, other), g.toString());
    }
  }

  @Test
  void destroyedExchangeRefusesToCompute() {
    for (DhGroup g : new DhGroup[] {DhGroup.MODP_2048, DhGroup.ECP_256, DhGroup.CURVE25519}) {
      KeyExchange a = KeyExchange.generate(g, new DeterministicRandom(9));
      byte[] peer = KeyExchange.generate(g, new DeterministicRandom(10)).publicValue();
      a.close();
      assertThrows(IllegalStateException.class, () -> a.computeSharedSecret(peer));
      assertFalse(a.toString().isEmpty());
    }
  }

  @Test
  void groupValueTypes() {
    assertEquals("MODP_1024", new DhGroup(2).name());
    assertEquals("DH_1234", new DhGroup(1234).toString());
    assertFalse(new DhGroup(2).isSupported());
    assertFalse(DhGroup.NONE.isSupported());
    assertEquals(0, new DhGroup(1234).keyExchangeLength());
    assertEquals(DhGroup.Kind.ECP, new DhGroup(21).kind());
    assertEquals(132, DhGroup.ECP_521.keyExchangeLength());
    assertEquals(66, DhGroup.ECP_521.sharedSecretLength());
    assertEquals(512, DhGroup.MODP_4096.sharedSecretLength());
    assertEquals(32, DhGroup.CURVE25519.keyExchangeLength());
    assertThrows(
        IllegalArgumentException.class,
        () -> KeyExchange.generate(DhGroup.NONE, new DeterministicRandom(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> KeyExchange.generate(new DhGroup(2), new DeterministicRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> new DhGroup(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> KeyExchange.fromPrivateValue(DhGroup.ECP_256, new byte[32]));
  }
}
