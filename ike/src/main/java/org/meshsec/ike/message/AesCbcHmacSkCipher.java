package org.meshsec.ike.message;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.meshsec.esp.IntegAlgorithm;

/**
 * AES-CBC encryption with a truncated HMAC ICV for the SK payload (RFC 7296 section 3.14; AES-CBC
 * per RFC 3602; HMAC-SHA2 truncation per RFC 4868) over the JDK's JCA provider.
 *
 * <p>The IV is 16 random bytes from the injected {@link SecureRandom} ("the IV MUST be chosen at
 * random", section 3.14). The ICV is the HMAC of the message from the IKE header through the end of
 * the ciphertext, truncated to {@code icvLength}; it is checked in constant time before anything is
 * decrypted.
 *
 * <p>Not thread-safe: one instance per IKE SA direction, used on the SA's executor.
 */
public final class AesCbcHmacSkCipher implements SkCipher {
  private static final int BLOCK = 16;

  private final SecretKeySpec encKey;
  private final int keyBits;
  private final Cipher cipher;
  private final Mac mac;
  private final int icvLength;
  private final SecureRandom random;
  private final byte[] iv = new byte[BLOCK];

  /**
   * @param encKey AES key, 16, 24 or 32 bytes; not retained
   * @param integKey HMAC key; not retained
   * @param macAlgorithm JCA name, e.g. {@code HmacSHA256}
   * @param icvLength truncated ICV length in bytes
   * @param random source of IVs
   */
  public AesCbcHmacSkCipher(
      byte[] encKey, byte[] integKey, String macAlgorithm, int icvLength, SecureRandom random) {
    if (encKey.length != 16 && encKey.length != 24 && encKey.length != 32) {
      throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes");
    }
    this.random = Objects.requireNonNull(random, "random");
    this.encKey = new SecretKeySpec(encKey, "AES");
    this.keyBits = encKey.length * 8;
    try {
      this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
      this.mac = Mac.getInstance(macAlgorithm);
      mac.init(new SecretKeySpec(integKey, macAlgorithm));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up AES-CBC with " + macAlgorithm, e);
    }
    if (icvLength < 1 || icvLength > mac.getMacLength()) {
      throw new IllegalArgumentException("ICV length " + icvLength + " for " + macAlgorithm);
    }
    this.icvLength = icvLength;
  }

  /** AES-CBC with one of the HMAC-SHA2 integrity algorithms of RFC 4868. */
  public static AesCbcHmacSkCipher of(
      byte[] encKey, IntegAlgorithm integ, byte[] integKey, SecureRandom random) {
    if (integ.jcaName() == null) {
      throw new IllegalArgumentException("unsupported integrity algorithm " + integ);
    }
    if (integKey.length != integ.keyLength()) {
      throw new IllegalArgumentException(integ + " key must be " + integ.keyLength() + " bytes");
    }
    return new AesCbcHmacSkCipher(encKey, integKey, integ.jcaName(), integ.icvLength(), random);
  }

  @Override
  public int ivLength() {
    return BLOCK;
  }

  @Override
  public int icvLength() {
    return icvLength;
  }

  @Override
  public int blockSize() {
    return BLOCK;
  }

  @Override
  public void encrypt(byte[] message, int ivOffset, int plaintextLength) {
    if (plaintextLength % BLOCK != 0) {
      throw new IllegalArgumentException("plaintext not block aligned: " + plaintextLength);
    }
    random.nextBytes(iv);
    System.arraycopy(iv, 0, message, ivOffset, BLOCK);
    int dataOffset = ivOffset + BLOCK;
    try {
      cipher.init(Cipher.ENCRYPT_MODE, encKey, new IvParameterSpec(iv));
      cipher.doFinal(message, dataOffset, plaintextLength, message, dataOffset);
      mac.update(message, 0, dataOffset + plaintextLength);
      byte[] full = mac.doFinal();
      System.arraycopy(full, 0, message, dataOffset + plaintextLength, icvLength);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC encryption failed", e);
    }
  }

  @Override
  public boolean decrypt(byte[] message, int ivOffset, int ciphertextLength) {
    if (ciphertextLength % BLOCK != 0) {
      return false;
    }
    int dataOffset = ivOffset + BLOCK;
    int icvOffset = dataOffset + ciphertextLength;
    mac.update(message, 0, icvOffset);
    byte[] full = mac.doFinal();
    byte[] received = new byte[icvLength];
    System.arraycopy(message, icvOffset, received, 0, icvLength);
    byte[] expected = new byte[icvLength];
    System.arraycopy(full, 0, expected, 0, icvLength);
    if (!MessageDigest.isEqual(expected, received)) {
      return false;
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, encKey, new IvParameterSpec(message, ivOffset, BLOCK));
      cipher.doFinal(message, dataOffset, ciphertextLength, message, dataOffset);
      return true;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC decryption failed", e);
    }
  }

  @Override
  public String toString() {
    return "AesCbcHmacSkCipher[AES-"
        + keyBits
        + ", "
        + mac.getAlgorithm()
        + ", ICV "
        + icvLength
        + "]";
  }
}
