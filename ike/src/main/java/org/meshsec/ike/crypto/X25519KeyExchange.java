package org.meshsec.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.message.Bytes;

/**
 * X25519 key exchange for IKEv2 group 31 (RFC 8031), on the JDK's XDH implementation (JDK 11+).
 *
 * <p>Key Exchange Data and the shared secret are 32-byte little-endian u-coordinates (RFC 8031
 * section 3.1, RFC 7748 section 5). The public value is X25519(k, 9). A peer value of any other
 * length is refused, its top bit is masked (RFC 7748 section 5), and an all-zero result (a
 * small-order peer point) is refused as RFC 8031 requires. Not thread-safe; the scalar is
 * overwritten by {@link #destroy()}.
 */
final class X25519KeyExchange implements KeyExchange {

  private static final int LEN = 32;

  private final DhGroup group;
  private byte[] scalar;
  private final byte[] publicValue;

  private X25519KeyExchange(DhGroup group, byte[] scalar) {
    if (scalar.length != LEN) {
      throw new IllegalArgumentException("X25519 private value must be 32 bytes");
    }
    this.group = group;
    this.scalar = scalar;
    byte[] base = new byte[LEN];
    base[0] = 9;
    byte[] pub;
    try {
      pub = x25519(scalar, base);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("X25519 with the base point failed", e);
    }
    this.publicValue = pub;
  }

  static X25519KeyExchange generate(DhGroup group, SecureRandom random) {
    byte[] k = new byte[LEN];
    random.nextBytes(k);
    return new X25519KeyExchange(group, k);
  }

  static X25519KeyExchange fromPrivate(DhGroup group, byte[] privateValue) {
    return new X25519KeyExchange(group, privateValue.clone());
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
    if (scalar == null) {
      throw new IllegalStateException("key exchange destroyed");
    }
    if (peerPublicValue == null || peerPublicValue.length != LEN) {
      return new SharedSecretResult.Rejected(KeyExchangeError.WRONG_LENGTH);
    }
    byte[] z;
    try {
      z = x25519(scalar, peerPublicValue);
    } catch (InvalidKeyException e) {
      // The JDK refuses small-order points itself ("Point has small order").
      return new SharedSecretResult.Rejected(KeyExchangeError.ZERO_RESULT);
    }
    if (Bytes.isAllZero(z)) {
      return new SharedSecretResult.Rejected(KeyExchangeError.ZERO_RESULT);
    }
    return new SharedSecretResult.Agreed(SecretBytes.wrap(z));
  }

  /** X25519(k, u) through JCA, both little-endian 32-byte strings. */
  private static byte[] x25519(byte[] k, byte[] uLittleEndian) throws InvalidKeyException {
    byte[] be = new byte[LEN];
    for (int i = 0; i < LEN; i++) {
      be[i] = uLittleEndian[LEN - 1 - i];
    }
    be[0] &= 0x7f; // RFC 7748 section 5: mask the most significant bit of the final byte.
    BigInteger u = new BigInteger(1, be);
    try {
      KeyFactory kf = KeyFactory.getInstance("XDH");
      PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, k));
      PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
      KeyAgreement ka = KeyAgreement.getInstance("XDH");
      ka.init(priv);
      ka.doPhase(pub, true);
      return ka.generateSecret();
    } catch (InvalidKeyException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCA XDH unavailable", e);
    }
  }

  @Override
  public void destroy() {
    if (scalar != null) {
      Arrays.fill(scalar, (byte) 0);
      scalar = null;
    }
  }

  @Override
  public String toString() {
    return "X25519KeyExchange[" + group + "]";
  }
}
