package org.meshsec.ike.message;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM for the SK payload (RFC 5282) over the JDK's JCA provider.
 *
 * <p>Keying (RFC 5282 section 7.1): SK_ei/SK_er is the AES key followed by a 4-byte salt. Nonce
 * (section 4): salt || the 8-byte IV carried in the payload. The IV is a 64-bit counter, so it
 * never repeats under one key (section 3.1 requires uniqueness, not unpredictability). Associated
 * data: the message up to the IV (section 5.1; see {@link SkCipher}). ICV: 12 or 16 bytes
 * (ENCR_AES_GCM_12/16); ENCR_AES_GCM_8 is not offered because the JCA GCM implementation has no
 * 64-bit tags (and RFC 8247 recommends only the 16-byte ICV). No padding alignment is needed:
 * {@link #blockSize()} is 1.
 *
 * <p>Not thread-safe: one instance per IKE SA direction, used on the SA's executor.
 */
public final class AesGcmSkCipher implements SkCipher {
  private static final int SALT_LENGTH = 4;
  private static final int IV_LENGTH = 8;

  private final SecretKeySpec key;
  private final int keyBits;
  private final byte[] salt;
  private final int icvLength;
  private final Cipher cipher;
  private final byte[] nonce = new byte[SALT_LENGTH + IV_LENGTH];
  private long nextIv;

  /**
   * @param keyAndSalt AES key (16, 24 or 32 bytes) followed by the 4-byte salt; not retained
   * @param icvLength 12 or 16
   * @param firstIv the first IV counter value (tests pin it; 0 is fine for a fresh key)
   */
  public AesGcmSkCipher(byte[] keyAndSalt, int icvLength, long firstIv) {
    int keyLength = keyAndSalt.length - SALT_LENGTH;
    if (keyLength != 16 && keyLength != 24 && keyLength != 32) {
      throw new IllegalArgumentException("AES-GCM key material must be 20, 28 or 36 bytes");
    }
    if (icvLength != 12 && icvLength != 16) {
      throw new IllegalArgumentException("AES-GCM ICV must be 12 or 16 bytes");
    }
    this.key = new SecretKeySpec(keyAndSalt, 0, keyLength, "AES");
    this.keyBits = keyLength * 8;
    this.salt = Arrays.copyOfRange(keyAndSalt, keyLength, keyAndSalt.length);
    this.icvLength = icvLength;
    this.nextIv = firstIv;
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
    }
    System.arraycopy(salt, 0, nonce, 0, SALT_LENGTH);
  }

  /** A cipher with a 16-byte ICV (ENCR_AES_GCM_16) starting at IV 0. */
  public AesGcmSkCipher(byte[] keyAndSalt) {
    this(keyAndSalt, 16, 0);
  }

  @Override
  public int ivLength() {
    return IV_LENGTH;
  }

  @Override
  public int icvLength() {
    return icvLength;
  }

  @Override
  public int blockSize() {
    return 1;
  }

  @Override
  public void encrypt(byte[] message, int ivOffset, int plaintextLength) {
    if (nextIv == -1L) {
      throw new IllegalStateException("AES-GCM IV space exhausted: rekey the IKE SA");
    }
    long iv = nextIv++;
    for (int i = 0; i < IV_LENGTH; i++) {
      message[ivOffset + i] = (byte) (iv >>> (56 - 8 * i));
    }
    System.arraycopy(message, ivOffset, nonce, SALT_LENGTH, IV_LENGTH);
    int dataOffset = ivOffset + IV_LENGTH;
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(icvLength * 8, nonce));
      cipher.updateAAD(message, 0, ivOffset);
      cipher.doFinal(message, dataOffset, plaintextLength, message, dataOffset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  @Override
  public boolean decrypt(byte[] message, int ivOffset, int ciphertextLength) {
    System.arraycopy(message, ivOffset, nonce, SALT_LENGTH, IV_LENGTH);
    int dataOffset = ivOffset + IV_LENGTH;
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(icvLength * 8, nonce));
      cipher.updateAAD(message, 0, ivOffset);
      cipher.doFinal(message, dataOffset, ciphertextLength + icvLength, message, dataOffset);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  @Override
  public String toString() {
    return "AesGcmSkCipher[AES-" + keyBits + ", ICV " + icvLength + "]";
  }
}
