package org.meshsec.ike.v1.message;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The phase 1 cipher of an ISAKMP SA (RFC 2409 appendix B): a block cipher in CBC mode with the key
 * derived from SKEYID_e, encrypting message bodies without padding of its own ({@link
 * IsakmpMessage#encrypt} pads with zeros). AES-CBC (RFC 3602 section 5, encryption algorithm 7) is
 * the default; 3DES-CBC (algorithm 5) only with {@link Legacy#ALLOW}, since its 64-bit block makes
 * long-lived SAs vulnerable to birthday attacks and RFC 8247 section 4.1 demotes it.
 *
 * <p>Over the JDK's JCA provider, which keeps its own copy of the key in a {@code SecretKeySpec}
 * that cannot be wiped: drop the instance with its SA. Not thread-safe: one instance per ISAKMP SA,
 * used on its executor. {@link #toString()} never shows the key.
 */
public final class CbcCipher {

  /** Whether legacy ciphers (3DES) may be built. */
  public enum Legacy {
    REFUSE,
    ALLOW
  }

  private final String transformation;
  private final SecretKeySpec key;
  private final int blockSize;
  private final String name;
  private final Cipher cipher;

  private CbcCipher(String algorithm, byte[] key, int blockSize, String name) {
    this.transformation = algorithm + "/CBC/NoPadding";
    this.key = new SecretKeySpec(key, algorithm);
    this.blockSize = blockSize;
    this.name = name;
    try {
      this.cipher = Cipher.getInstance(transformation);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(transformation + " unavailable", e);
    }
  }

  /** AES-CBC with a 16, 24 or 32 byte key (not retained by the caller's array). */
  public static CbcCipher aes(byte[] key) {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes");
    }
    return new CbcCipher("AES", key, 16, "AES-CBC-" + key.length * 8);
  }

  /**
   * 3DES-CBC with a 24-byte key, only when {@code legacy} is {@link Legacy#ALLOW}.
   *
   * @throws IllegalArgumentException if legacy ciphers are refused or the key is not 24 bytes
   */
  public static CbcCipher tripleDes(byte[] key, Legacy legacy) {
    if (legacy != Legacy.ALLOW) {
      throw new IllegalArgumentException("3DES-CBC is a legacy cipher and was not allowed");
    }
    if (key.length != 24) {
      throw new IllegalArgumentException("3DES key must be 24 bytes");
    }
    return new CbcCipher("DESede", key, 8, "3DES-CBC");
  }

  /**
   * The cipher for a phase 1 Encryption Algorithm with its key, or null if meshsec does not
   * implement that algorithm (or it is 3DES and legacy ciphers are refused).
   */
  public static CbcCipher forAlgorithm(
      Phase1Attribute.Encryption algorithm, byte[] key, Legacy legacy) {
    if (algorithm.equals(Phase1Attribute.Encryption.AES_CBC)) {
      return aes(key);
    }
    if (algorithm.equals(Phase1Attribute.Encryption.TRIPLE_DES_CBC) && legacy == Legacy.ALLOW) {
      return tripleDes(key, legacy);
    }
    return null;
  }

  /**
   * The key length in bytes of a phase 1 encryption algorithm: the Key Length attribute for AES
   * (RFC 3602 section 5: 128 if absent), 24 for 3DES; 0 when unknown.
   */
  public static int keyLength(Phase1Attribute.Encryption algorithm, int keyLengthBits) {
    if (algorithm.equals(Phase1Attribute.Encryption.AES_CBC)) {
      int bits = keyLengthBits == 0 ? 128 : keyLengthBits;
      return bits == 128 || bits == 192 || bits == 256 ? bits / 8 : 0;
    }
    return algorithm.equals(Phase1Attribute.Encryption.TRIPLE_DES_CBC) ? 24 : 0;
  }

  /** The block size in bytes: the IV and padding unit (16 for AES, 8 for 3DES). */
  public int blockSize() {
    return blockSize;
  }

  /**
   * Encrypts {@code plaintext} (a whole number of blocks) with {@code iv}.
   *
   * @throws IllegalArgumentException if the lengths are wrong
   */
  public byte[] encrypt(byte[] iv, byte[] plaintext) {
    return run(Cipher.ENCRYPT_MODE, iv, plaintext);
  }

  /**
   * Decrypts {@code ciphertext} (a whole number of blocks) with {@code iv}.
   *
   * @throws IllegalArgumentException if the lengths are wrong
   */
  public byte[] decrypt(byte[] iv, byte[] ciphertext) {
    return run(Cipher.DECRYPT_MODE, iv, ciphertext);
  }

  private byte[] run(int mode, byte[] iv, byte[] data) {
    if (iv.length != blockSize) {
      throw new IllegalArgumentException("IV of " + iv.length + " bytes for " + name);
    }
    if (data.length % blockSize != 0) {
      throw new IllegalArgumentException(data.length + " bytes is not whole blocks of " + name);
    }
    try {
      cipher.init(mode, key, new IvParameterSpec(iv));
      return cipher.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " failed", e);
    }
  }

  @Override
  public String toString() {
    return "CbcCipher[" + name + "]";
  }
}
