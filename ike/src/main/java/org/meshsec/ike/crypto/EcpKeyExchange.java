package org.meshsec.ike.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.message.Bytes;

/**
 * Elliptic-curve Diffie-Hellman in the RFC 5903 ECP groups 19, 20 and 21 (NIST P-256, P-384,
 * P-521).
 *
 * <p>Key Exchange Data is x || y, each coordinate left-padded to the field length, without the 0x04
 * point-format octet; the shared secret g^ir is the x-coordinate of the product only (RFC 5903
 * section 7). The peer's point is checked as RFC 6989 section 2 requires (both coordinates below p,
 * on the curve; the curves have cofactor 1 so no subgroup check is needed) before the JCA "ECDH"
 * key agreement computes the secret. The public point is derived from the private scalar with
 * Bouncy Castle's fixed-point comb multiplier, because JCA offers no way to compute it from a given
 * scalar (needed for deterministic exchanges and the RFC 5903 known answers). Not thread-safe.
 */
final class EcpKeyExchange implements KeyExchange {

  private final DhGroup group;
  private final X9ECParameters curve;
  private final ECParameterSpec jcaSpec;
  private final int fieldLength;
  private BigInteger d;
  private final byte[] publicValue;

  private EcpKeyExchange(DhGroup group, BigInteger d) {
    this.group = group;
    this.curve = CustomNamedCurves.getByName(curveName(group));
    this.jcaSpec = jcaSpec(group);
    this.fieldLength = group.keyExchangeLength() / 2;
    if (d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
      throw new IllegalArgumentException("private scalar out of range");
    }
    this.d = d;
    org.bouncycastle.math.ec.ECPoint q =
        new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize();
    this.publicValue =
        Bytes.concat(
            Bytes.unsignedFixed(q.getAffineXCoord().toBigInteger(), fieldLength),
            Bytes.unsignedFixed(q.getAffineYCoord().toBigInteger(), fieldLength));
  }

  static String curveName(DhGroup group) {
    return switch (group.id()) {
      case 19 -> "secp256r1";
      case 20 -> "secp384r1";
      case 21 -> "secp521r1";
      default -> throw new IllegalArgumentException("not an ECP group: " + group);
    };
  }

  private static ECParameterSpec jcaSpec(DhGroup group) {
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec(curveName(group)));
      return ap.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCA provider lacks curve " + curveName(group), e);
    }
  }

  static EcpKeyExchange generate(DhGroup group, SecureRandom random) {
    BigInteger n = CustomNamedCurves.getByName(curveName(group)).getN();
    int bits = n.bitLength();
    BigInteger d;
    do {
      // Rejection sampling: uniform in [1, n-1].
      d = new BigInteger(bits, random);
    } while (d.signum() == 0 || d.compareTo(n) >= 0);
    return new EcpKeyExchange(group, d);
  }

  static EcpKeyExchange fromPrivate(DhGroup group, byte[] privateValue) {
    return new EcpKeyExchange(group, new BigInteger(1, privateValue));
  }

  @Override
  public DhGroup group() {
    return group;
  }

  @Override
  public byte[] publicValue() {
    return publicValue.clone();
  }

  @Override
  public SharedSecretResult computeSharedSecret(byte[] peerPublicValue) {
    if (d == null) {
      throw new IllegalStateException("key exchange destroyed");
    }
    if (peerPublicValue == null || peerPublicValue.length != 2 * fieldLength) {
      return new SharedSecretResult.Rejected(KeyExchangeError.WRONG_LENGTH);
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(peerPublicValue, 0, fieldLength));
    BigInteger y =
        new BigInteger(1, Arrays.copyOfRange(peerPublicValue, fieldLength, 2 * fieldLength));
    ECCurve c = curve.getCurve();
    BigInteger p = c.getField().getCharacteristic();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return new SharedSecretResult.Rejected(KeyExchangeError.OUT_OF_RANGE);
    }
    if (!onCurve(c, x, y)) {
      return new SharedSecretResult.Rejected(KeyExchangeError.NOT_ON_CURVE);
    }
    byte[] raw;
    try {
      KeyFactory kf = KeyFactory.getInstance("EC");
      PrivateKey priv = kf.generatePrivate(new ECPrivateKeySpec(d, jcaSpec));
      PublicKey pub = kf.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), jcaSpec));
      KeyAgreement ka = KeyAgreement.getInstance("ECDH");
      ka.init(priv);
      ka.doPhase(pub, true);
      raw = ka.generateSecret();
    } catch (GeneralSecurityException e) {
      // The point was validated above; a provider refusing it now means a degenerate product.
      return new SharedSecretResult.Rejected(KeyExchangeError.ZERO_RESULT);
    }
    byte[] z = Bytes.unsignedFixed(new BigInteger(1, raw), fieldLength);
    Arrays.fill(raw, (byte) 0);
    return new SharedSecretResult.Agreed(SecretBytes.wrap(z));
  }

  /** y^2 == x^3 + a x + b (mod p), with plain integer arithmetic. */
  private static boolean onCurve(ECCurve c, BigInteger x, BigInteger y) {
    BigInteger p = c.getField().getCharacteristic();
    BigInteger a = c.getA().toBigInteger();
    BigInteger b = c.getB().toBigInteger();
    BigInteger lhs = y.multiply(y).mod(p);
    BigInteger rhs = x.multiply(x).add(a).multiply(x).add(b).mod(p);
    return lhs.equals(rhs);
  }

  @Override
  public void destroy() {
    d = null;
  }

  @Override
  public String toString() {
    return "EcpKeyExchange[" + group + "]";
  }
}
