package org.meshsec.ike.v1.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.AuthFailure;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.crypto.PrfAlgorithm;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.Keys;
import org.meshsec.ike.v1.message.Phase1Attribute.AuthMethod;

/** SIG_I / SIG_R as strongSwan makes them (RFC 2409 section 5.1, RFC 4754). */
class V1SignaturesTest {
  private static final byte[] HASH =
      HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

  @Test
  void methodFollowsTheKey() {
    DeterministicRandom r = new DeterministicRandom(1);
    assertEquals(
        AuthMethod.RSA_SIGNATURES,
        V1Signatures.methodFor(Keys.generate(KeyType.RSA_2048, r).getPrivate()));
    assertEquals(
        AuthMethod.ECDSA_SHA256_P256,
        V1Signatures.methodFor(Keys.generate(KeyType.EC_P256, r).getPrivate()));
    assertEquals(
        AuthMethod.ECDSA_SHA384_P384,
        V1Signatures.methodFor(Keys.generate(KeyType.EC_P384, r).getPrivate()));
    assertFalse(V1Signatures.canSign(Keys.generate(KeyType.ED25519, r).getPrivate()));
  }

  /** RSA: PKCS#1 v1.5 type 1 padding of the hash itself, no DigestInfo (RFC 2409 section 5.1). */
  @Test
  void rsaSignsTheHashAsIs() {
    KeyPair k = Keys.generate(KeyType.RSA_2048, new DeterministicRandom(2));
    byte[] sig =
        V1Signatures.sign(
            AuthMethod.RSA_SIGNATURES, k.getPrivate(), HASH, new DeterministicRandom(3));
    RSAPublicKey pub = (RSAPublicKey) k.getPublic();
    byte[] em =
        new BigInteger(1, sig).modPow(pub.getPublicExponent(), pub.getModulus()).toByteArray();
    // leading 0x00 dropped by BigInteger: 01 FF .. FF 00 HASH
    assertEquals(1, em[0]);
    assertEquals(0, em[em.length - HASH.length - 1]);
    assertArrayEquals(HASH, Arrays.copyOfRange(em, em.length - HASH.length, em.length));
    assertEquals(Optional.empty(), V1Signatures.verify(AuthMethod.RSA_SIGNATURES, pub, HASH, sig));
    sig[10] ^= 1;
    assertEquals(
        Optional.of(AuthFailure.BAD_SIGNATURE),
        V1Signatures.verify(AuthMethod.RSA_SIGNATURES, pub, HASH, sig));
  }

  /** ECDSA: r | s of the curve's length; a key of another kind or curve is WRONG_KEY. */
  @Test
  void ecdsaIsRAndSOfTheCurveLength() {
    KeyPair k = Keys.generate(KeyType.EC_P256, new DeterministicRandom(4));
    byte[] sig =
        V1Signatures.sign(
            AuthMethod.ECDSA_SHA256_P256, k.getPrivate(), HASH, new DeterministicRandom(5));
    assertEquals(64, sig.length);
    assertEquals(
        Optional.empty(),
        V1Signatures.verify(AuthMethod.ECDSA_SHA256_P256, k.getPublic(), HASH, sig));
    assertEquals(
        Optional.of(AuthFailure.MALFORMED),
        V1Signatures.verify(
            AuthMethod.ECDSA_SHA256_P256, k.getPublic(), HASH, Arrays.copyOf(sig, 63)));
    assertEquals(
        Optional.of(AuthFailure.WRONG_KEY),
        V1Signatures.verify(AuthMethod.ECDSA_SHA384_P384, k.getPublic(), HASH, sig));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            V1Signatures.sign(
                AuthMethod.RSA_SIGNATURES, k.getPrivate(), HASH, new DeterministicRandom(6)));
  }

  /** RFC 4754 section 4: the ECDSA methods hash with their own hash, whatever the phase 1 prf. */
  @Test
  void ecdsaHashesWithTheMethodsHash() {
    Prf negotiated = Prf.of(PrfAlgorithm.HMAC_SHA1);
    SecretBytes key = SecretBytes.copyOf(new byte[20]);
    assertEquals(
        32,
        V1Signatures.hashPrf(AuthMethod.ECDSA_SHA256_P256, negotiated).compute(key, HASH).length);
    assertEquals(
        48,
        V1Signatures.hashPrf(AuthMethod.ECDSA_SHA384_P384, negotiated).compute(key, HASH).length);
    assertEquals(
        64,
        V1Signatures.hashPrf(AuthMethod.ECDSA_SHA512_P521, negotiated).compute(key, HASH).length);
    assertEquals(negotiated, V1Signatures.hashPrf(AuthMethod.RSA_SIGNATURES, negotiated));
  }
}
