package org.meshsec.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.message.AuthMethod;
import org.meshsec.ike.message.Bytes;

/** AUTH payload computation and verification (RFC 7296 section 2.15, RFC 7427, RFC 4754). */
class AuthComputationTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] OCTETS = "RealMessage1 | NonceRData | MACedIDForI".getBytes();

  private static KeyPair rsa;
  private static KeyPair p256;
  private static KeyPair p384;
  private static KeyPair p521;
  private static KeyPair ed25519;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
    r.initialize(2048, new DeterministicRandom(100));
    rsa = r.generateKeyPair();
    p256 = ec("secp256r1");
    p384 = ec("secp384r1");
    ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    p521 = ec("secp521r1");
  }

  private static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve), new DeterministicRandom(101));
    return g.generateKeyPair();
  }

  private static byte[] h(String s) {
    return HEX.parseHex(s.replace(" ", "").replace("\n", ""));
  }

  private static AuthFailure failure(AuthResult r) {
    assertInstanceOf(AuthResult.Rejected.class, r, () -> "accepted: " + r);
    return ((AuthResult.Rejected) r).reason();
  }

  // --- RFC 7427 Appendix A, the DER bytes as printed there -----------------------------------

  @Test
  void algorithmIdentifiersAreThoseOfRfc7427AppendixA() {
    // A.1: sha256WithRSAEncryption, sha384WithRSAEncryption, sha512WithRSAEncryption
    assertArrayEquals(
        h("30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00"),
        SignatureScheme.RSA_PKCS1_SHA256.algorithmIdentifier());
    assertArrayEquals(
        h("30 0d 06 09 2a 86 48 86 f7 0d 01 01 0c 05 00"),
        SignatureScheme.RSA_PKCS1_SHA384.algorithmIdentifier());
    assertArrayEquals(
        h("30 0d 06 09 2a 86 48 86 f7 0d 01 01 0d 05 00"),
        SignatureScheme.RSA_PKCS1_SHA512.algorithmIdentifier());
    // A.3: ecdsa-with-sha256, ecdsa-with-sha384, ecdsa-with-sha512
    assertArrayEquals(
        h("30 0a 06 08 2a 86 48 ce 3d 04 03 02"),
        SignatureScheme.ECDSA_SHA256.algorithmIdentifier());
    assertArrayEquals(
        h("30 0a 06 08 2a 86 48 ce 3d 04 03 03"),
        SignatureScheme.ECDSA_SHA384.algorithmIdentifier());
    assertArrayEquals(
        h("30 0a 06 08 2a 86 48 ce 3d 04 03 04"),
        SignatureScheme.ECDSA_SHA512.algorithmIdentifier());
    // A.4.3 RSASSA-PSS with SHA-256
    assertArrayEquals(
        h(
            """
            30 46 06 09 2a 86 48 86 f7 0d 01 01 0a 30 39 a0
            0f 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00
            a1 1c 30 1a 06 09 2a 86 48 86 f7 0d 01 01 08 30
            0d 06 09 60 86 48 01 65 03 04 02 01 05 00 a2 03
            02 01 20 a3 03 02 01 01"""),
        SignatureScheme.RSA_PSS_SHA256.algorithmIdentifier());
    assertEquals(SignatureHashAlgorithm.SHA2_384, SignatureScheme.ECDSA_SHA384.hash());
  }

  // --- Shared key -----------------------------------------------------------------------------

  @Test
  void pskAuthIsPrfOfPrfOfTheKeyPad() throws Exception {
    Prf prf = Prf.of(PrfAlgorithm.HMAC_SHA2_256);
    byte[] psk = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(psk, "HmacSHA256"));
    byte[] inner = mac.doFinal("Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
    assertEquals(32, inner.length);
    mac.init(new SecretKeySpec(inner, "HmacSHA256"));
    byte[] expected = mac.doFinal(OCTETS);

    SecretBytes key = SecretBytes.copyOf(psk);
    assertArrayEquals(expected, AuthComputation.pskAuth(prf, key, OCTETS));
    AuthResult ok = AuthComputation.verifyPsk(prf, key, OCTETS, expected);
    assertTrue(ok.isAuthentic());
    assertEquals(AuthMethod.SHARED_KEY_MIC, ((AuthResult.Authentic) ok).method());

    byte[] tampered = expected.clone();
    tampered[31] ^= 1;
    assertEquals(
        AuthFailure.MISMATCH, failure(AuthComputation.verifyPsk(prf, key, OCTETS, tampered)));
    assertEquals(
        AuthFailure.MISMATCH,
        failure(AuthComputation.verifyPsk(prf, key, OCTETS, Arrays.copyOf(expected, 16))));
    assertEquals(
        AuthFailure.MISMATCH,
        failure(
            AuthComputation.verifyPsk(
                prf, SecretBytes.copyOf("other".getBytes()), OCTETS, expected)));
  }

  @Test
  void signedOctetsAppendTheMacedId() throws Exception {
    Prf prf = Prf.of(PrfAlgorithm.HMAC_SHA2_384);
    byte[] message = h("0011223344556677000000000000000021202208");
    byte[] nonce = h("aabbccddeeff00112233445566778899");
    SecretBytes skP = SecretBytes.wrap(new byte[48]);
    byte[] idBody = h("02000000 6d6573687365632e6578616d706c65"); // ID_FQDN meshsec.example
    Mac mac = Mac.getInstance("HmacSHA384");
    mac.init(new SecretKeySpec(new byte[48], "HmacSHA384"));
    byte[] maced = mac.doFinal(idBody);
    byte[] expected = Bytes.concat(message, nonce, maced);
    assertArrayEquals(expected, AuthComputation.signedOctets(prf, message, nonce, skP, idBody));
  }

  // --- Signatures -----------------------------------------------------------------------------

  @Test
  void digitalSignatureRoundTripForEveryScheme() throws Exception {
    for (SignatureScheme s : SignatureScheme.values()) {
      KeyPair kp =
          switch (s.keyAlgorithm()) {
            case "RSA" -> rsa;
            case "Ed25519" -> ed25519;
            default -> p384;
          };
      byte[] auth =
          AuthComputation.sign(
              AuthMethod.DIGITAL_SIGNATURE, s, kp.getPrivate(), OCTETS, new DeterministicRandom(1));
      byte[] algId = s.algorithmIdentifier();
      assertEquals(algId.length, auth[0] & 0xff, s.name());
      assertArrayEquals(algId, Arrays.copyOfRange(auth, 1, 1 + algId.length));
      if (s.keyAlgorithm().equals("EC")) {
        // RFC 7427 section 3: the ECDSA signature value is the DER Ecdsa-Sig-Value.
        ASN1Sequence seq =
            ASN1Sequence.getInstance(
                ASN1Primitive.fromByteArray(
                    Arrays.copyOfRange(auth, 1 + algId.length, auth.length)));
        assertEquals(2, seq.size());
        assertInstanceOf(ASN1Integer.class, seq.getObjectAt(0));
      } else if (s == SignatureScheme.ED25519) {
        assertEquals(64, auth.length - 1 - algId.length); // RFC 8032 section 5.1.6
      } else {
        assertEquals(256, auth.length - 1 - algId.length);
      }
      AuthResult r =
          AuthComputation.verify(AuthMethod.DIGITAL_SIGNATURE, auth, kp.getPublic(), OCTETS);
      assertTrue(r.isAuthentic(), s + ": " + r);
      assertEquals(s, ((AuthResult.Authentic) r).scheme());

      byte[] tampered = auth.clone();
      tampered[tampered.length - 1] ^= 1;
      assertEquals(
          AuthFailure.BAD_SIGNATURE,
          failure(
              AuthComputation.verify(
                  AuthMethod.DIGITAL_SIGNATURE, tampered, kp.getPublic(), OCTETS)),
          s.name());
      byte[] otherOctets = OCTETS.clone();
      otherOctets[0] ^= 1;
      assertEquals(
          AuthFailure.BAD_SIGNATURE,
          failure(
              AuthComputation.verify(
                  AuthMethod.DIGITAL_SIGNATURE, auth, kp.getPublic(), otherOctets)));
    }
  }

  @Test
  void pssWithoutTheDefaultTrailerFieldIsAcceptedToo() throws Exception {
    byte[] auth =
        AuthComputation.sign(
            AuthMethod.DIGITAL_SIGNATURE,
            SignatureScheme.RSA_PSS_SHA256,
            rsa.getPrivate(),
            OCTETS,
            new DeterministicRandom(2));
    byte[] sig = Arrays.copyOfRange(auth, 1 + 0x48, auth.length);
    // The strict DER form (trailerField omitted because it is the default), as strongSwan sends.
    byte[] der =
        h(
            "3041 06092a864886f70d01010a 3034"
                + " a00f300d06096086480165030402010500"
                + " a11c301a06092a864886f70d010108300d06096086480165030402010500"
                + " a203020120");
    byte[] alt = Bytes.concat(new byte[] {(byte) der.length}, der, sig);
    AuthResult r =
        AuthComputation.verify(AuthMethod.DIGITAL_SIGNATURE, alt, rsa.getPublic(), OCTETS);
    assertTrue(r.isAuthentic(), r.toString());
  }

  @Test
  void digitalSignatureRefusals() {
    byte[] auth =
        AuthComputation.sign(
            AuthMethod.DIGITAL_SIGNATURE,
            SignatureScheme.ECDSA_SHA256,
            p256.getPrivate(),
            OCTETS,
            new DeterministicRandom(3));
    PublicKey pub = p256.getPublic();
    AuthMethod m = AuthMethod.DIGITAL_SIGNATURE;

    // Policy: scheme not allowed.
    assertEquals(
        AuthFailure.ALGORITHM_NOT_ALLOWED,
        failure(
            AuthComputation.verify(
                m, auth, pub, OCTETS, EnumSet.of(SignatureScheme.ECDSA_SHA384))));
    // The key does not fit the scheme.
    assertEquals(
        AuthFailure.WRONG_KEY, failure(AuthComputation.verify(m, auth, rsa.getPublic(), OCTETS)));
    // Length octet pointing past the end, zero, or garbage ASN.1.
    byte[] longLen = auth.clone();
    longLen[0] = (byte) 0xff;
    assertEquals(AuthFailure.MALFORMED, failure(AuthComputation.verify(m, longLen, pub, OCTETS)));
    byte[] zeroLen = auth.clone();
    zeroLen[0] = 0;
    assertEquals(AuthFailure.MALFORMED, failure(AuthComputation.verify(m, zeroLen, pub, OCTETS)));
    byte[] garbage = auth.clone();
    garbage[1] = 0x05;
    assertEquals(AuthFailure.MALFORMED, failure(AuthComputation.verify(m, garbage, pub, OCTETS)));
    assertEquals(
        AuthFailure.MALFORMED, failure(AuthComputation.verify(m, new byte[0], pub, OCTETS)));
    // sha1WithRSAEncryption (RFC 7427 Appendix A.1) is not accepted (RFC 8247 section 4).
    byte[] sha1 = h("300d06092a864886f70d0101050500");
    byte[] sha1Auth = Bytes.concat(new byte[] {(byte) sha1.length}, sha1, new byte[256]);
    assertEquals(
        AuthFailure.UNSUPPORTED_ALGORITHM,
        failure(AuthComputation.verify(m, sha1Auth, rsa.getPublic(), OCTETS)));
    // A signature that is not even DER.
    byte[] algId = SignatureScheme.ECDSA_SHA256.algorithmIdentifier();
    byte[] junkSig = Bytes.concat(new byte[] {(byte) algId.length}, algId, new byte[] {1, 2, 3});
    assertEquals(
        AuthFailure.BAD_SIGNATURE, failure(AuthComputation.verify(m, junkSig, pub, OCTETS)));
    // Methods meshsec does not implement.
    assertEquals(
        AuthFailure.UNSUPPORTED_METHOD,
        failure(AuthComputation.verify(AuthMethod.DSS_DIGITAL_SIGNATURE, auth, pub, OCTETS)));
    assertEquals(
        AuthFailure.UNSUPPORTED_METHOD,
        failure(AuthComputation.verify(AuthMethod.SHARED_KEY_MIC, auth, pub, OCTETS)));
  }

  @Test
  void classicRsaSignatureIsPkcs1WithSha1() throws Exception {
    byte[] auth =
        AuthComputation.sign(
            AuthMethod.RSA_DIGITAL_SIGNATURE,
            null,
            rsa.getPrivate(),
            OCTETS,
            new DeterministicRandom(4));
    java.security.Signature s = java.security.Signature.getInstance("SHA1withRSA");
    s.initVerify(rsa.getPublic());
    s.update(OCTETS);
    assertTrue(s.verify(auth));
    AuthResult r =
        AuthComputation.verify(AuthMethod.RSA_DIGITAL_SIGNATURE, auth, rsa.getPublic(), OCTETS);
    assertTrue(r.isAuthentic());
    assertNull(((AuthResult.Authentic) r).scheme());
    auth[10] ^= 1;
    assertEquals(
        AuthFailure.BAD_SIGNATURE,
        failure(
            AuthComputation.verify(
                AuthMethod.RSA_DIGITAL_SIGNATURE, auth, rsa.getPublic(), OCTETS)));
    assertEquals(
        AuthFailure.WRONG_KEY,
        failure(
            AuthComputation.verify(
                AuthMethod.RSA_DIGITAL_SIGNATURE, auth, p256.getPublic(), OCTETS)));
  }

  @Test
  void rfc4754MethodsUseFixedLengthRAndS() {
    Object[][] cases = {
      {AuthMethod.ECDSA_SHA256_P256, p256, 64},
      {AuthMethod.ECDSA_SHA384_P384, p384, 96},
      {AuthMethod.ECDSA_SHA512_P521, p521, 132},
    };
    for (Object[] c : cases) {
      AuthMethod m = (AuthMethod) c[0];
      KeyPair kp = (KeyPair) c[1];
      for (int seed = 0; seed < 4; seed++) {
        byte[] auth =
            AuthComputation.sign(m, null, kp.getPrivate(), OCTETS, new DeterministicRandom(seed));
        assertEquals((int) c[2], auth.length, m.toString());
        assertTrue(AuthComputation.verify(m, auth, kp.getPublic(), OCTETS).isAuthentic());
      }
      byte[] auth =
          AuthComputation.sign(m, null, kp.getPrivate(), OCTETS, new DeterministicRandom(9));
      assertEquals(
          AuthFailure.MALFORMED,
          failure(
              AuthComputation.verify(
                  m, Arrays.copyOf(auth, auth.length - 1), kp.getPublic(), OCTETS)));
      auth[5] ^= 1;
      assertEquals(
          AuthFailure.BAD_SIGNATURE,
          failure(AuthComputation.verify(m, auth, kp.getPublic(), OCTETS)));
    }
    // The curve is part of the method: a P-384 key cannot be used with method 9.
    byte[] auth =
        AuthComputation.sign(
            AuthMethod.ECDSA_SHA384_P384,
            null,
            p384.getPrivate(),
            OCTETS,
            new DeterministicRandom(5));
    assertEquals(
        AuthFailure.WRONG_KEY,
        failure(
            AuthComputation.verify(AuthMethod.ECDSA_SHA256_P256, auth, p384.getPublic(), OCTETS)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            AuthComputation.sign(
                AuthMethod.ECDSA_SHA256_P256,
                null,
                p384.getPrivate(),
                OCTETS,
                new DeterministicRandom(6)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            AuthComputation.sign(
                AuthMethod.DIGITAL_SIGNATURE,
                SignatureScheme.RSA_PKCS1_SHA256,
                p256.getPrivate(),
                OCTETS,
                new DeterministicRandom(7)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            AuthComputation.sign(
                AuthMethod.SHARED_KEY_MIC,
                null,
                p256.getPrivate(),
                OCTETS,
                new DeterministicRandom(8)));
  }

  /** RFC 4754 section 8.1 (256-bit) and 8.2 (384-bit): signatures of "abc", verified. */
  @Test
  void rfc4754KnownSignaturesVerify() throws Exception {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    PublicKey k256 =
        ecPublic(
            "secp256r1",
            "2442A5CC0ECD015FA3CA31DC8E2BBC70BF42D60CBCA20085E0822CB04235E970",
            "6FC98BD7E50211A4A27102FA3549DF79EBCB4BF246B80945CDDFE7D509BBFD7D");
    byte[] sig256 =
        h(
            "CB28E0999B9C7715FD0A80D8E47A77079716CBBF917DD72E97566EA1C066957C"
                + "86FA3BB4E26CAD5BF90B7F81899256CE7594BB1EA0C89212748BFF3B3D5B0315");
    assertTrue(
        AuthComputation.verify(AuthMethod.ECDSA_SHA256_P256, sig256, k256, abc).isAuthentic());
    assertFalse(
        AuthComputation.verify(AuthMethod.ECDSA_SHA256_P256, sig256, k256, "abd".getBytes())
            .isAuthentic());

    PublicKey k384 =
        ecPublic(
            "secp384r1",
            "96281BF8DD5E0525CA049C048D345D3082968D10FEDF5C5ACA0C64E6465A97EA"
                + "5CE10C9DFEC21797415710721F437922",
            "447688BA94708EB6E2E4D59F6AB6D7EDFF9301D249FE49C33096655F5D502FAD"
                + "3D383B91C5E7EDAA2B714CC99D5743CA");
    byte[] sig384 =
        h(
            "FB017B914E29149432D8BAC29A514640B46F53DDAB2C69948084E2930F1C8F7E"
                + "08E07C9C63F2D21A07DCB56A6AF56EB3"
                + "B263A1305E057F984D38726A1B46874109F417BCA112674C528262A40A629AF1"
                + "CBB9F516CE0FA7D2FF630863A00E8B9F");
    assertTrue(
        AuthComputation.verify(AuthMethod.ECDSA_SHA384_P384, sig384, k384, abc).isAuthentic());
  }

  private static PublicKey ecPublic(String curve, String x, String y) throws Exception {
    AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
    ap.init(new ECGenParameterSpec(curve));
    ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
    return KeyFactory.getInstance("EC")
        .generatePublic(
            new ECPublicKeySpec(new ECPoint(new BigInteger(x, 16), new BigInteger(y, 16)), spec));
  }

  @Test
  void defaultSchemes() {
    assertEquals(SignatureScheme.RSA_PKCS1_SHA256, AuthComputation.defaultScheme(rsa.getPublic()));
    assertEquals(SignatureScheme.ECDSA_SHA256, AuthComputation.defaultScheme(p256.getPrivate()));
    assertEquals(SignatureScheme.ECDSA_SHA384, AuthComputation.defaultScheme(p384.getPublic()));
    assertEquals(SignatureScheme.ECDSA_SHA512, AuthComputation.defaultScheme(p521.getPublic()));
  }

  @Test
  void authMethodValueType() {
    assertEquals("DIGITAL_SIGNATURE", new AuthMethod(14).name());
    assertEquals("AUTH_METHOD_200", new AuthMethod(200).toString());
    assertTrue(AuthMethod.ECDSA_SHA512_P521.isSupported());
    assertFalse(AuthMethod.NULL_AUTH.isSupported());
    assertThrows(IllegalArgumentException.class, () -> new AuthMethod(256));
    assertEquals("HASH_9", new SignatureHashAlgorithm(9).name());
  }
}
