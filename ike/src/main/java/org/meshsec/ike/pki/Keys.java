package org.meshsec.ike.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.meshsec.ike.crypto.SignatureScheme;

/** Key pair helpers: generation, the public half of a private key, descriptions. Thread-safe. */
public final class Keys {
  private Keys() {}

  /** Generates a key pair of the given type from {@code random}. */
  public static KeyPair generate(KeyType type, SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(type.algorithm());
      if (type == KeyType.ED25519) {
        g.initialize(NamedParameterSpec.ED25519, random);
      } else if (type.curve() != null) {
        g.initialize(new ECGenParameterSpec(type.curve()), random);
      } else {
        g.initialize(new RSAKeyGenParameterSpec(type.bits(), RSAKeyGenParameterSpec.F4), random);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCA cannot generate " + type, e);
    }
  }

  /**
   * The public key belonging to a private key: (n, e) of an RSA CRT key, d*G for an EC key, or the
   * encoding of [s]B for an Ed25519 key (RFC 8032 section 5.1.5).
   *
   * @throws PkiException for other key types or an RSA key without CRT parameters
   */
  public static PublicKey publicKeyOf(PrivateKey key) throws PkiException {
    try {
      if (key instanceof RSAPrivateCrtKey rsa) {
        return KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      }
      if (key instanceof ECPrivateKey ec) {
        ECCurve curve = EC5Util.convertCurve(ec.getParams().getCurve());
        ECPoint g = ec.getParams().getGenerator();
        org.bouncycastle.math.ec.ECPoint q =
            new FixedPointCombMultiplier()
                .multiply(curve.createPoint(g.getAffineX(), g.getAffineY()), ec.getS())
                .normalize();
        ECPoint w =
            new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
      }
      if ("Ed25519".equals(SignatureScheme.keyAlgorithmOf(key))) {
        Ed25519PrivateKeyParameters priv =
            (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.getEncoded());
        byte[] spki =
            SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(priv.generatePublicKey())
                .getEncoded();
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
      }
    } catch (IOException | ClassCastException e) {
      throw new PkiException("cannot derive the public key", e);
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot derive the public key", e);
    }
    throw new PkiException("unsupported private key type " + key.getAlgorithm());
  }

  /** A key pair from a private key (see {@link #publicKeyOf}). */
  public static KeyPair pairOf(PrivateKey key) throws PkiException {
    return new KeyPair(publicKeyOf(key), key);
  }

  /** The {@link KeyType} of a key, or null if meshsec would not generate such a key. */
  public static KeyType typeOf(java.security.Key key) {
    if (key instanceof RSAKey rsa) {
      int bits = rsa.getModulus().bitLength();
      return bits == 2048 ? KeyType.RSA_2048 : bits == 3072 ? KeyType.RSA_3072 : null;
    }
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits == 256 ? KeyType.EC_P256 : bits == 384 ? KeyType.EC_P384 : null;
    }
    return "Ed25519".equals(SignatureScheme.keyAlgorithmOf(key)) ? KeyType.ED25519 : null;
  }

  /**
   * JCA signature algorithm for signing with {@code key}: SHA-256, or SHA-384 for P-384; PureEdDSA
   * for Ed25519 (RFC 8410 section 6).
   */
  static String signatureAlgorithm(java.security.Key key) throws PkiException {
    if (key instanceof RSAKey) {
      return "SHA256withRSA";
    }
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
    }
    if ("Ed25519".equals(SignatureScheme.keyAlgorithmOf(key))) {
      return "Ed25519";
    }
    throw new PkiException("cannot sign with a " + key.getAlgorithm() + " key");
  }

  /** "RSA 2048", "EC P-256", ... for printing; never shows key material. */
  public static String describe(java.security.Key key) {
    if (key instanceof RSAKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return "EC " + (bits == 521 ? "P-521" : "P-" + bits);
    }
    return SignatureScheme.keyAlgorithmOf(key);
  }

  /** Colon-separated SHA-256 of the public key's SubjectPublicKeyInfo (as strongSwan prints). */
  public static String fingerprint(PublicKey key) {
    return sha256(key.getEncoded());
  }

  static String sha256(byte[] data) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
      return HexFormat.ofDelimiter(":").formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the private and public key belong together (compares the derived public key). */
  public static boolean matches(PrivateKey priv, PublicKey pub) {
    try {
      PublicKey derived = publicKeyOf(priv);
      if (derived instanceof java.security.interfaces.RSAPublicKey a
          && pub instanceof java.security.interfaces.RSAPublicKey b) {
        return a.getModulus().equals(b.getModulus())
            && a.getPublicExponent().equals(b.getPublicExponent());
      }
      if (derived instanceof java.security.interfaces.ECPublicKey a
          && pub instanceof java.security.interfaces.ECPublicKey b) {
        return a.getW().equals(b.getW())
            && a.getParams().getOrder().equals(b.getParams().getOrder());
      }
      if ("Ed25519".equals(SignatureScheme.keyAlgorithmOf(derived))
          && "Ed25519".equals(SignatureScheme.keyAlgorithmOf(pub))) {
        // both SubjectPublicKeyInfo encodings carry the 32-byte public key (RFC 8410 section 4)
        return java.util.Arrays.equals(derived.getEncoded(), pub.getEncoded());
      }
      return false;
    } catch (PkiException e) {
      return false;
    }
  }

  /** A positive 127-bit serial number (RFC 5280 section 4.1.2.2: at most 20 octets). */
  static BigInteger serial(SecureRandom random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[0] = (byte) ((b[0] & 0x3f) | 0x40);
    return new BigInteger(1, b);
  }
}
