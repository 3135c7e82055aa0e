package org.meshsec.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.message.AuthMethod;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.Keys;

/**
 * Ed25519 in IKEv2 AUTH payloads (RFC 8420): the DIGITAL_SIGNATURE encoding of RFC 7427 section 3
 * with the id-Ed25519 AlgorithmIdentifier, checked against the RFC 8032 section 7.1 test vectors
 * (PureEdDSA is deterministic, so the whole Authentication Data is a known answer).
 */
class Ed25519AuthTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte, 0x72). */
  private record Vector(String secret, String pub, String message, String signature) {}

  private static final Vector TEST1 =
      new Vector(
          "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
          "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
              + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  private static final Vector TEST2 =
      new Vector(
          "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
          "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
              + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

  /** PKCS#8 (RFC 8410 section 7) around a 32-byte seed. */
  static PrivateKey privateKey(String seedHex) throws Exception {
    byte[] der = HEX.parseHex("302e020100300506032b657004220420" + seedHex);
    return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** SubjectPublicKeyInfo (RFC 8410 section 4) around a 32-byte public key. */
  static PublicKey publicKey(String pubHex) throws Exception {
    byte[] der = HEX.parseHex("302a300506032b6570032100" + pubHex);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  @Test
  void authenticationDataIsTheAlgorithmIdentifierThenTheRfc8032Signature() throws Exception {
    for (Vector v : new Vector[] {TEST1, TEST2}) {
      PrivateKey key = privateKey(v.secret);
      assertEquals(SignatureScheme.ED25519, AuthComputation.defaultScheme(key));
      byte[] data =
          AuthComputation.sign(
              AuthMethod.DIGITAL_SIGNATURE,
              SignatureScheme.ED25519,
              key,
              HEX.parseHex(v.message),
              new SecureRandom());
      // RFC 7427 section 3: length of the AlgorithmIdentifier, the identifier, the signature
      assertArrayEquals(HEX.parseHex("07" + "300506032b6570" + v.signature), data);
      AuthResult r =
          AuthComputation.verify(
              AuthMethod.DIGITAL_SIGNATURE, data, publicKey(v.pub), HEX.parseHex(v.message));
      assertEquals(
          SignatureScheme.ED25519, assertInstanceOf(AuthResult.Authentic.class, r).scheme());
    }
  }

  @Test
  void publicKeyIsDerivedFromThePrivateKey() throws Exception {
    PublicKey derived = Keys.publicKeyOf(privateKey(TEST1.secret));
    assertArrayEquals(publicKey(TEST1.pub).getEncoded(), derived.getEncoded());
    assertEquals(KeyType.ED25519, Keys.typeOf(derived));
  }

  @Test
  void refusesATamperedSignatureAWrongKeyAndParameters() throws Exception {
    byte[] msg = HEX.parseHex(TEST2.message);
    byte[] good = HEX.parseHex("07" + "300506032b6570" + TEST2.signature);
    PublicKey pub = publicKey(TEST2.pub);

    byte[] flipped = good.clone();
    flipped[flipped.length - 1] ^= 1;
    assertEquals(
        AuthFailure.BAD_SIGNATURE,
        rejected(AuthComputation.verify(AuthMethod.DIGITAL_SIGNATURE, flipped, pub, msg)));

    assertEquals(
        AuthFailure.BAD_SIGNATURE,
        rejected(
            AuthComputation.verify(AuthMethod.DIGITAL_SIGNATURE, good, publicKey(TEST1.pub), msg)));

    // an RSA or EC key never verifies an Ed25519 signature
    PublicKey ec = Keys.generate(KeyType.EC_P256, new SecureRandom()).getPublic();
    assertEquals(
        AuthFailure.WRONG_KEY,
        rejected(AuthComputation.verify(AuthMethod.DIGITAL_SIGNATURE, good, ec, msg)));

    // RFC 8410 section 3: parameters MUST be absent; a NULL is not the same identifier
    byte[] withNull = HEX.parseHex("09" + "300706032b65700500" + TEST2.signature);
    assertEquals(
        AuthFailure.UNSUPPORTED_ALGORITHM,
        rejected(AuthComputation.verify(AuthMethod.DIGITAL_SIGNATURE, withNull, pub, msg)));

    // truncated signature
    byte[] shortSig = Arrays.copyOf(good, good.length - 1);
    assertEquals(
        AuthFailure.BAD_SIGNATURE,
        rejected(AuthComputation.verify(AuthMethod.DIGITAL_SIGNATURE, shortSig, pub, msg)));
  }

  private static AuthFailure rejected(AuthResult r) {
    return assertInstanceOf(AuthResult.Rejected.class, r).reason();
  }
}
