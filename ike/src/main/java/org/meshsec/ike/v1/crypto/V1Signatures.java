package org.meshsec.ike.v1.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Optional;
import org.meshsec.ike.crypto.AuthFailure;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.crypto.PrfAlgorithm;
import org.meshsec.ike.v1.message.Phase1Attribute.AuthMethod;

/**
 * SIG_I and SIG_R of signature-authenticated phase 1 (RFC 2409 section 5.1): a signature over
 * HASH_I or HASH_R, as strongSwan makes and checks them. Stateless and thread-safe.
 *
 * <pre>
 * method                 HASH_I / HASH_R computed with       SIG
 * RSA signatures (3)     the negotiated prf                  RSASSA-PKCS1-v1_5 of the hash as is,
 *                                                            without DigestInfo (RFC 2409 5.1)
 * ECDSA-SHA256-P256 (9)  HMAC-SHA-256 keyed with SKEYID      ECDSA of the hash as is (it is
 * ECDSA-SHA384-P384 (10) HMAC-SHA-384                        already the method's hash), r | s
 * ECDSA-SHA512-P521 (11) HMAC-SHA-512                        each of the curve's length (RFC 4754
 *                                                            sections 4 and 7)
 * </pre>
 */
public final class V1Signatures {
  private V1Signatures() {}

  /**
   * The method a key signs with: RSA signatures for RSA, the ECDSA method of the key's curve.
   *
   * @throws IllegalArgumentException for other keys (Ed25519, DSA, EC on other curves)
   */
  public static AuthMethod methodFor(Key key) {
    if (key instanceof RSAKey) {
      return AuthMethod.RSA_SIGNATURES;
    }
    if (key instanceof ECKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 256 -> AuthMethod.ECDSA_SHA256_P256;
        case 384 -> AuthMethod.ECDSA_SHA384_P384;
        case 521 -> AuthMethod.ECDSA_SHA512_P521;
        default -> throw new IllegalArgumentException("IKEv1 has no method for this EC curve");
      };
    }
    throw new IllegalArgumentException("IKEv1 cannot sign with a " + key.getAlgorithm() + " key");
  }

  /** Whether IKEv1 signs with such a key (see {@link #methodFor}). */
  public static boolean canSign(Key key) {
    try {
      methodFor(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The prf of HASH_I and HASH_R: for the ECDSA methods HMAC with the method's hash (RFC 4754
   * section 4, as strongSwan computes them), else {@code negotiated}.
   */
  public static Prf hashPrf(AuthMethod method, Prf negotiated) {
    return switch (method.value()) {
      case 9 -> Prf.of(PrfAlgorithm.HMAC_SHA2_256);
      case 10 -> Prf.of(PrfAlgorithm.HMAC_SHA2_384);
      case 11 -> Prf.of(PrfAlgorithm.HMAC_SHA2_512);
      default -> negotiated;
    };
  }

  /**
   * SIG_I / SIG_R over {@code hash}.
   *
   * @throws IllegalArgumentException if the key does not fit the method (a configuration error)
   */
  public static byte[] sign(AuthMethod method, PrivateKey key, byte[] hash, SecureRandom random) {
    if (!methodFor(key).equals(method)) {
      throw new IllegalArgumentException(method + " cannot be made with this key");
    }
    try {
      Signature s = Signature.getInstance(jcaName(method));
      s.initSign(key, random);
      s.update(hash);
      return s.sign();
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("private key refused for " + method, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + method + " failed", e);
    }
  }

  /**
   * Checks the peer's SIG over {@code hash} with the key of its certificate; empty when it
   * verifies, else why not. Never throws for bad peer data.
   */
  public static Optional<AuthFailure> verify(
      AuthMethod method, PublicKey key, byte[] hash, byte[] signature) {
    if (!canSign(key) || !methodFor(key).equals(method)) {
      return Optional.of(AuthFailure.WRONG_KEY);
    }
    if (key instanceof ECKey ec) {
      int n = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
      if (signature.length != 2 * n) {
        return Optional.of(AuthFailure.MALFORMED);
      }
    }
    try {
      Signature s = Signature.getInstance(jcaName(method));
      s.initVerify(key);
      s.update(hash);
      return s.verify(signature) ? Optional.empty() : Optional.of(AuthFailure.BAD_SIGNATURE);
    } catch (InvalidKeyException e) {
      return Optional.of(AuthFailure.WRONG_KEY);
    } catch (SignatureException e) {
      // providers throw for signatures that cannot be decoded (wrong length, out of range)
      return Optional.of(AuthFailure.BAD_SIGNATURE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCA lacks " + jcaName(method), e);
    }
  }

  private static String jcaName(AuthMethod method) {
    return method.equals(AuthMethod.RSA_SIGNATURES) ? "NONEwithRSA" : "NONEwithECDSAinP1363Format";
  }
}
