package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.meshsec.esp.crypto.CryptoEngines;

/**
 * The phase 1 cipher of an ISAKMP SA (RFC 2409 appendix B): a block cipher in CBC mode with the key
 * derived from SKEYID_e, encrypting message bodies without padding of its own ({@link
 * IsakmpMessage#encrypt} pads with zeros). AES-CBC (RFC 3602 section 5, encryption algorithm 7) is
 * the default; 3DES-CBC (algorithm 5) only with {@link Legacy#ALLOW}, since its 64-bit block makes
 * long-lived SAs vulnerable to birthday attacks and RFC 8247 section 4.1 demotes it.
 *
 * <p>AES goes through esp's {@code CryptoEngine} (the JCA engine, as IKEv2's SK ciphers do), so
 * IKEv1, IKEv2 and ESP share one AES-CBC with its known-answer tests and its key wiping ({@link
 * #close}); AES-128 and AES-256, the key sizes that engine has (AES-192 phase 1 transforms are not
 * accepted: {@link #keyLength}). 3DES, which no engine offers, runs on the JDK's JCA directly,
 * whose {@code SecretKeySpec} cannot be wiped. Not thread-safe: one instance per ISAKMP SA, used on
 * its executor. {@link #toString()} never shows the key.
 */
public final class CbcCipher {

  /** Whether legacy ciphers (3DES) may be built. */
  public enum Legacy {
    REFUSE,
    ALLOW
  }

  private final org.meshsec.esp.crypto.CbcCipher aes;
  private final SecretKeySpec desKey;
  private final Cipher des;
  private final int blockSize;
  private final String name;

  private CbcCipher(byte[] aesKey) {
    this.aes = CryptoEngines.jca().newAesCbc(aesKey);
    this.desKey = null;
    this.des = null;
    this.blockSize = 16;
    this.name = "AES-CBC-" + aesKey.length * 8;
  }

  private CbcCipher(byte[] desKey, String name) {
    this.aes = null;
    this.desKey = new SecretKeySpec(desKey, "DESede");
    this.blockSize = 8;
    this.name = name;
    try {
      this.des = Cipher.getInstance("DESede/CBC/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("DESede/CBC/NoPadding unavailable", e);
    }
  }

  /** AES-CBC with a 16 or 32 byte key (copied; the caller's array is not retained). */
  public static CbcCipher aes(byte[] key) {
    if (key.length != 16 && key.length != 32) {
      throw new IllegalArgumentException("AES key must be 16 or 32 bytes");
    }
    return new CbcCipher(key);
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
    return new CbcCipher(key, "3DES-CBC");
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
      return bits == 128 || bits == 256 ? bits / 8 : 0;
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
    if (aes != null) {
      byte[] out = data.clone();
      if (out.length > 0) {
        ByteBuffer buf = ByteBuffer.wrap(out);
        if (mode == Cipher.ENCRYPT_MODE) {
          aes.encrypt(iv, 0, buf, 0, out.length);
        } else {
          aes.decrypt(iv, 0, buf, 0, out.length);
        }
      }
      return out;
    }
    try {
      des.init(mode, desKey, new IvParameterSpec(iv));
      return des.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " failed", e);
    }
  }

  /** Drops the key (AES: wiped where the engine allows). Idempotent. */
  public void close() {
    if (aes != null) {
      aes.close();
    }
  }

  @Override
  public String toString() {
    return "CbcCipher[" + name + "]";
  }
}
