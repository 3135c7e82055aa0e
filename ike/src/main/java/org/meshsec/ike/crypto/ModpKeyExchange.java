package org.meshsec.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.DHPrivateKeySpec;
import javax.crypto.spec.DHPublicKeySpec;
import org.bouncycastle.crypto.agreement.DHStandardGroups;
import org.bouncycastle.crypto.params.DHParameters;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.message.Bytes;

/**
 * Finite-field Diffie-Hellman in the RFC 3526 MODP groups 14, 15 and 16 (generator 2). The shared
 * secret is computed by the JCA "DH" key agreement after the peer value has been range-checked (RFC
 * 6989: 1 < y < p-1); public values and g^ir are left-padded to the prime length (RFC 7296 sections
 * 3.4 and 2.14).
 *
 * <p>The private exponent is a random number of {@link #exponentBits} bits (at least twice the
 * group's security strength, as NIST SP 800-56A recommends), as strongSwan and the JDK also use
 * short exponents for safe-prime groups. Not thread-safe.
 */
final class ModpKeyExchange implements KeyExchange {

  private static final BigInteger TWO = BigInteger.TWO;

  private final DhGroup group;
  private final BigInteger p;
  private final BigInteger g;
  private final int primeLength;
  private BigInteger x;
  private final byte[] publicValue;

  private ModpKeyExchange(DhGroup group, BigInteger x) {
    DHParameters params = parameters(group);
    this.group = group;
    this.p = params.getP();
    this.g = params.getG();
    this.primeLength = group.keyExchangeLength();
    if (x.signum() <= 0 || x.compareTo(p.subtract(TWO)) > 0) {
      throw new IllegalArgumentException("private exponent out of range");
    }
    this.x = x;
    this.publicValue = Bytes.unsignedFixed(g.modPow(x, p), primeLength);
  }

  /** The RFC 3526 prime and generator of a MODP group (taken from Bouncy Castle's table). */
  static DHParameters parameters(DhGroup group) {
    return switch (group.id()) {
      case 14 -> DHStandardGroups.rfc3526_2048;
      case 15 -> DHStandardGroups.rfc3526_3072;
      case 16 -> DHStandardGroups.rfc3526_4096;
      default -> throw new IllegalArgumentException("not a MODP group: " + group);
    };
  }

  /** Private exponent length: 2 x strength, rounded up (RFC 3526 strength estimates). */
  static int exponentBits(DhGroup group) {
    return switch (group.id()) {
      case 14 -> 256;
      case 15 -> 320;
      case 16 -> 384;
      default -> throw new IllegalArgumentException("not a MODP group: " + group);
    };
  }

  static ModpKeyExchange generate(DhGroup group, SecureRandom random) {
    int bits = exponentBits(group);
    BigInteger x;
    do {
      x = new BigInteger(bits, random);
    } while (x.compareTo(TWO) < 0);
    return new ModpKeyExchange(group, x);
  }

  static ModpKeyExchange fromPrivate(DhGroup group, byte[] privateValue) {
    return new ModpKeyExchange(group, new BigInteger(1, privateValue));
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
    if (x == null) {
      throw new IllegalStateException("key exchange destroyed");
    }
    if (peerPublicValue == null || peerPublicValue.length != primeLength) {
      return new SharedSecretResult.Rejected(KeyExchangeError.WRONG_LENGTH);
    }
    BigInteger y = new BigInteger(1, peerPublicValue);
    if (y.compareTo(TWO) < 0 || y.compareTo(p.subtract(TWO)) > 0) {
      return new SharedSecretResult.Rejected(KeyExchangeError.OUT_OF_RANGE);
    }
    byte[] raw;
    try {
      KeyFactory kf = KeyFactory.getInstance("DH");
      PrivateKey priv = kf.generatePrivate(new DHPrivateKeySpec(x, p, g));
      PublicKey pub = kf.generatePublic(new DHPublicKeySpec(y, p, g));
      KeyAgreement ka = KeyAgreement.getInstance("DH");
      ka.init(priv);
      ka.doPhase(pub, true);
      raw = ka.generateSecret();
    } catch (GeneralSecurityException e) {
      // The range check above makes this unreachable with a working provider.
      throw new IllegalStateException("JCA DH key agreement failed", e);
    }
    byte[] z = Bytes.unsignedFixed(new BigInteger(1, raw), primeLength);
    Arrays.fill(raw, (byte) 0);
    if (Bytes.isAllZero(z)) {
      return new SharedSecretResult.Rejected(KeyExchangeError.ZERO_RESULT);
    }
    return new SharedSecretResult.Agreed(SecretBytes.wrap(z));
  }

  @Override
  public void destroy() {
    x = null;
  }

  @Override
  public String toString() {
    return "ModpKeyExchange[" + group + "]";
  }
}
