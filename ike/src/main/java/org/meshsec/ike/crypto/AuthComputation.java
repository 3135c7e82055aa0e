package org.meshsec.ike.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.message.AuthMethod;
import org.meshsec.ike.message.Bytes;

/**
 * The AUTH payload computation of IKEv2 (RFC 7296 section 2.15) for pre-shared keys and signatures.
 * Stateless and thread-safe.
 *
 * <pre>
 * InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
 *    MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
 * ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
 *    MACedIDForR = prf(SK_pr, RestOfRespIDPayload)
 *
 * Shared key:          AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), &lt;SignedOctets&gt;)
 * DIGITAL_SIGNATURE:   AUTH = ASN.1 length (1 octet) | AlgorithmIdentifier | signature (RFC 7427)
 * RSA (method 1):      AUTH = RSASSA-PKCS1-v1_5 with SHA-1 over the signed octets
 * ECDSA (9, 10, 11):   AUTH = r | s, each of the curve's length (RFC 4754 section 7)
 * </pre>
 *
 * <p>Verification returns an {@link AuthResult}, never throws for bad peer data; the PSK comparison
 * runs in constant time.
 */
public final class AuthComputation {
  private AuthComputation() {}

  /** The 17 ASCII octets "Key Pad for IKEv2", without a terminator (RFC 7296 section 2.15). */
  private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

  /**
   * The octets one side signs or MACs: {@code realMessage | peerNonce | prf(skP, idPayloadBody)}.
   *
   * @param realMessage the first message this side sent (IKE_SA_INIT request for the initiator,
   *     response for the responder), from the IKE header to the end, as sent on the wire
   * @param peerNonce the other side's Nonce Data (Nr for the initiator, Ni for the responder)
   * @param skP SK_pi for the initiator, SK_pr for the responder
   * @param idPayloadBody this side's ID payload without the 4-byte generic payload header: ID Type,
   *     three RESERVED octets, Identification Data
   */
  public static byte[] signedOctets(
      Prf prf, byte[] realMessage, byte[] peerNonce, SecretBytes skP, byte[] idPayloadBody) {
    return Bytes.concat(realMessage, peerNonce, prf.compute(skP, idPayloadBody));
  }

  /**
   * AUTH for SHARED_KEY_MIC: prf(prf(sharedSecret, "Key Pad for IKEv2"), signedOctets). Also used
   * with the EAP MSK as the shared secret (RFC 7296 section 2.16).
   */
  public static byte[] pskAuth(Prf prf, SecretBytes sharedSecret, byte[] signedOctets) {
    byte[] padded = prf.compute(sharedSecret, KEY_PAD);
    try {
      return prf.compute(padded, signedOctets);
    } finally {
      Arrays.fill(padded, (byte) 0);
    }
  }

  /** Checks a received SHARED_KEY_MIC AUTH value in constant time. */
  public static AuthResult verifyPsk(
      Prf prf, SecretBytes sharedSecret, byte[] signedOctets, byte[] authData) {
    byte[] expected = pskAuth(prf, sharedSecret, signedOctets);
    boolean ok = MessageDigest.isEqual(expected, authData);
    Arrays.fill(expected, (byte) 0);
    return ok
        ? new AuthResult.Authentic(AuthMethod.SHARED_KEY_MIC, null)
        : new AuthResult.Rejected(AuthFailure.MISMATCH);
  }

  /**
   * The usual RFC 7427 scheme for a key: PKCS#1 v1.5 with SHA-256 for RSA (what strongSwan sends
   * unless told to use PSS), ECDSA with the hash matching the curve size for EC, Ed25519 for an
   * Ed25519 key (RFC 8420).
   *
   * @throws IllegalArgumentException for other key types
   */
  public static SignatureScheme defaultScheme(Key key) {
    if (key instanceof RSAKey) {
      return SignatureScheme.RSA_PKCS1_SHA256;
    }
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits <= 256
          ? SignatureScheme.ECDSA_SHA256
          : bits <= 384 ? SignatureScheme.ECDSA_SHA384 : SignatureScheme.ECDSA_SHA512;
    }
    if (SignatureScheme.ED25519.keyAlgorithm().equals(SignatureScheme.keyAlgorithmOf(key))) {
      return SignatureScheme.ED25519;
    }
    throw new IllegalArgumentException("no signature scheme for key type " + key.getAlgorithm());
  }

  /**
   * The Authentication Data of a signature AUTH payload over {@code signedOctets}.
   *
   * @param method RSA_DIGITAL_SIGNATURE, ECDSA_SHA256_P256/SHA384_P384/SHA512_P521 or
   *     DIGITAL_SIGNATURE
   * @param scheme the RFC 7427 scheme for DIGITAL_SIGNATURE; ignored (may be null) otherwise
   * @param random randomness for PSS salts and ECDSA nonces
   * @throws IllegalArgumentException if the method is not a signature method, or the key does not
   *     fit it (a configuration error)
   */
  public static byte[] sign(
      AuthMethod method,
      SignatureScheme scheme,
      PrivateKey key,
      byte[] signedOctets,
      SecureRandom random) {
    try {
      switch (method.value()) {
        case 1 -> {
          requireKey(key, "RSA", method);
          return signRaw("SHA1withRSA", null, key, signedOctets, random);
        }
        case 9, 10, 11 -> {
          requireKey(key, "EC", method);
          if (!curveMatches((ECKey) key, method)) {
            throw new IllegalArgumentException(method + " needs a key on " + curveName(method));
          }
          return signRaw(p1363Name(method), null, key, signedOctets, random);
        }
        case 14 -> {
          if (scheme == null) {
            throw new IllegalArgumentException("DIGITAL_SIGNATURE needs a signature scheme");
          }
          requireKey(key, scheme.keyAlgorithm(), method);
          byte[] sig = signRaw(scheme.jcaName(), pssSpec(scheme), key, signedOctets, random);
          byte[] algId = scheme.algorithmIdentifier();
          byte[] out = new byte[1 + algId.length + sig.length];
          out[0] = (byte) algId.length;
          System.arraycopy(algId, 0, out, 1, algId.length);
          System.arraycopy(sig, 0, out, 1 + algId.length, sig.length);
          return out;
        }
        default -> throw new IllegalArgumentException(method + " is not a signature method");
      }
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("private key refused for " + method, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + method + " failed", e);
    }
  }

  /** {@link #verify(AuthMethod, byte[], PublicKey, byte[], Set)} accepting every scheme. */
  public static AuthResult verify(
      AuthMethod method, byte[] authData, PublicKey key, byte[] signedOctets) {
    return verify(method, authData, key, signedOctets, EnumSet.allOf(SignatureScheme.class));
  }

  /**
   * Verifies a signature AUTH payload.
   *
   * @param authData the Authentication Data field of the AUTH payload
   * @param key the peer's public key (from its validated certificate, or configured)
   * @param signedOctets the octets the peer signed (see {@link #signedOctets})
   * @param allowed the RFC 7427 schemes local policy accepts for DIGITAL_SIGNATURE
   */
  public static AuthResult verify(
      AuthMethod method,
      byte[] authData,
      PublicKey key,
      byte[] signedOctets,
      Set<SignatureScheme> allowed) {
    if (authData == null || authData.length == 0) {
      return new AuthResult.Rejected(AuthFailure.MALFORMED);
    }
    switch (method.value()) {
      case 1 -> {
        if (!(key instanceof RSAKey)) {
          return new AuthResult.Rejected(AuthFailure.WRONG_KEY);
        }
        return verifyRaw("SHA1withRSA", null, key, signedOctets, authData, method, null);
      }
      case 9, 10, 11 -> {
        if (!(key instanceof ECKey ec) || !curveMatches(ec, method)) {
          return new AuthResult.Rejected(AuthFailure.WRONG_KEY);
        }
        int n = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        if (authData.length != 2 * n) {
          return new AuthResult.Rejected(AuthFailure.MALFORMED);
        }
        return verifyRaw(p1363Name(method), null, key, signedOctets, authData, method, null);
      }
      case 14 -> {
        return verifyDigitalSignature(authData, key, signedOctets, allowed);
      }
      default -> {
        return new AuthResult.Rejected(AuthFailure.UNSUPPORTED_METHOD);
      }
    }
  }

  private static AuthResult verifyDigitalSignature(
      byte[] authData, PublicKey key, byte[] signedOctets, Set<SignatureScheme> allowed) {
    int len = authData[0] & 0xff;
    if (len == 0 || 1 + len >= authData.length) {
      return new AuthResult.Rejected(AuthFailure.MALFORMED);
    }
    byte[] algIdBytes = Arrays.copyOfRange(authData, 1, 1 + len);
    byte[] sig = Arrays.copyOfRange(authData, 1 + len, authData.length);
    AlgorithmIdentifier algId;
    try {
      algId = AlgorithmIdentifier.getInstance(ASN1Primitive.fromByteArray(algIdBytes));
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      return new AuthResult.Rejected(AuthFailure.MALFORMED);
    }
    ParsedScheme parsed = parseAlgorithm(algId);
    if (parsed == null) {
      return new AuthResult.Rejected(AuthFailure.UNSUPPORTED_ALGORITHM);
    }
    if (!allowed.contains(parsed.scheme)) {
      return new AuthResult.Rejected(AuthFailure.ALGORITHM_NOT_ALLOWED);
    }
    if (!parsed.scheme.keyAlgorithm().equals(keyAlgorithm(key))) {
      return new AuthResult.Rejected(AuthFailure.WRONG_KEY);
    }
    return verifyRaw(
        parsed.scheme.jcaName(),
        parsed.pss,
        key,
        signedOctets,
        sig,
        AuthMethod.DIGITAL_SIGNATURE,
        parsed.scheme);
  }

  private record ParsedScheme(SignatureScheme scheme, PSSParameterSpec pss) {}

  /**
   * Maps an AlgorithmIdentifier to a scheme by meaning, not by bytes: a PSS identifier with or
   * without the default trailerField, and PKCS#1 identifiers with absent or NULL parameters, are
   * all accepted.
   */
  private static ParsedScheme parseAlgorithm(AlgorithmIdentifier algId) {
    ASN1ObjectIdentifier oid = algId.getAlgorithm();
    ASN1Encodable params = algId.getParameters();
    boolean noParams = params == null || DERNull.INSTANCE.equals(params);
    if (oid.equals(PKCSObjectIdentifiers.sha256WithRSAEncryption) && noParams) {
      return new ParsedScheme(SignatureScheme.RSA_PKCS1_SHA256, null);
    }
    if (oid.equals(PKCSObjectIdentifiers.sha384WithRSAEncryption) && noParams) {
      return new ParsedScheme(SignatureScheme.RSA_PKCS1_SHA384, null);
    }
    if (oid.equals(PKCSObjectIdentifiers.sha512WithRSAEncryption) && noParams) {
      return new ParsedScheme(SignatureScheme.RSA_PKCS1_SHA512, null);
    }
    if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA256) && params == null) {
      return new ParsedScheme(SignatureScheme.ECDSA_SHA256, null);
    }
    if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA384) && params == null) {
      return new ParsedScheme(SignatureScheme.ECDSA_SHA384, null);
    }
    if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA512) && params == null) {
      return new ParsedScheme(SignatureScheme.ECDSA_SHA512, null);
    }
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519) && params == null) {
      // RFC 8410 section 3: the parameters MUST be absent
      return new ParsedScheme(SignatureScheme.ED25519, null);
    }
    if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS) && params != null) {
      RSASSAPSSparams pss;
      try {
        pss = RSASSAPSSparams.getInstance(params);
      } catch (IllegalArgumentException e) {
        return null;
      }
      AlgorithmIdentifier mgf = pss.getMaskGenAlgorithm();
      boolean sha256 =
          pss.getHashAlgorithm().getAlgorithm().equals(NISTObjectIdentifiers.id_sha256)
              && mgf.getAlgorithm().equals(PKCSObjectIdentifiers.id_mgf1)
              && AlgorithmIdentifier.getInstance(mgf.getParameters())
                  .getAlgorithm()
                  .equals(NISTObjectIdentifiers.id_sha256)
              && pss.getTrailerField().intValue() == 1;
      BigInteger salt = pss.getSaltLength();
      if (!sha256 || salt.bitLength() > 16) {
        return null;
      }
      return new ParsedScheme(
          SignatureScheme.RSA_PSS_SHA256,
          new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, salt.intValue(), 1));
    }
    return null;
  }

  private static PSSParameterSpec pssSpec(SignatureScheme scheme) {
    return scheme == SignatureScheme.RSA_PSS_SHA256
        ? new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1)
        : null;
  }

  private static byte[] signRaw(
      String alg, PSSParameterSpec pss, PrivateKey key, byte[] data, SecureRandom random)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance(alg);
    if (pss != null) {
      s.setParameter(pss);
    }
    s.initSign(key, random);
    s.update(data);
    return s.sign();
  }

  private static AuthResult verifyRaw(
      String alg,
      PSSParameterSpec pss,
      PublicKey key,
      byte[] data,
      byte[] sig,
      AuthMethod method,
      SignatureScheme scheme) {
    try {
      Signature s = Signature.getInstance(alg);
      if (pss != null) {
        s.setParameter(pss);
      }
      s.initVerify(key);
      s.update(data);
      return s.verify(sig)
          ? new AuthResult.Authentic(method, scheme)
          : new AuthResult.Rejected(AuthFailure.BAD_SIGNATURE);
    } catch (InvalidKeyException e) {
      return new AuthResult.Rejected(AuthFailure.WRONG_KEY);
    } catch (SignatureException e) {
      // Providers throw for signatures that cannot even be decoded (bad DER, wrong length).
      return new AuthResult.Rejected(AuthFailure.BAD_SIGNATURE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCA lacks " + alg, e);
    }
  }

  private static void requireKey(Key key, String alg, AuthMethod method) {
    if (!alg.equals(keyAlgorithm(key))) {
      throw new IllegalArgumentException(method + " needs an " + alg + " key");
    }
  }

  private static String keyAlgorithm(Key key) {
    return SignatureScheme.keyAlgorithmOf(key);
  }

  private static String p1363Name(AuthMethod method) {
    return switch (method.value()) {
      case 9 -> "SHA256withECDSAinP1363Format";
      case 10 -> "SHA384withECDSAinP1363Format";
      default -> "SHA512withECDSAinP1363Format";
    };
  }

  private static String curveName(AuthMethod method) {
    return switch (method.value()) {
      case 9 -> "secp256r1";
      case 10 -> "secp384r1";
      default -> "secp521r1";
    };
  }

  /** RFC 4754 ties each method to one curve; compare the key's domain with the named curve's. */
  private static boolean curveMatches(ECKey key, AuthMethod method) {
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec(curveName(method)));
      ECParameterSpec want = ap.getParameterSpec(ECParameterSpec.class);
      ECParameterSpec have = key.getParams();
      return want.getOrder().equals(have.getOrder())
          && want.getCurve().equals(have.getCurve())
          && want.getGenerator().equals(have.getGenerator());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCA lacks " + curveName(method), e);
    }
  }
}
