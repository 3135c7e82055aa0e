package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.crypto.AeadCipher;
import org.meshsec.esp.crypto.CryptoEngines;

/**
 * AES-GCM for the SK payload (RFC 5282) over esp's {@link CryptoEngine} (JCA by default).
 *
 * <p>Keying (RFC 5282 section 7.1): SK_ei/SK_er is the AES key followed by a 4-byte salt. Nonce
 * (section 4): salt || the 8-byte IV carried in the payload. The IV is a 64-bit counter, so it
 * never repeats under one key (section 3.1 requires uniqueness, not unpredictability). Associated
 * data: the message up to the IV (section 5.1; see {@link SkCipher}). ICV: 12 or 16 bytes
 * (ENCR_AES_GCM_12/16); ENCR_AES_GCM_8 is not offered (RFC 8247 recommends only the 16-byte ICV).
 * Keys of 128 and 256 bits, as the engines offer. No padding alignment is needed: {@link
 * #blockSize()} is 1.
 *
 * <p>Not thread-safe: one instance per IKE SA direction, used on the SA's executor.
 */
public final class AesGcmSkCipher implements SkCipher {
  private static final int SALT_LENGTH = 4;
  private static final int IV_LENGTH = 8;

  private final AeadCipher aead;
  private final int keyBits;
  private final int icvLength;
  private final byte[] nonce = new byte[SALT_LENGTH + IV_LENGTH];
  private long nextIv;

  /**
   * @param engine the crypto engine to make the AEAD with
   * @param keyAndSalt AES key (16 or 32 bytes) followed by the 4-byte salt; not retained
   * @param icvLength 12 or 16
   * @param firstIv the first IV counter value (tests pin it; 0 is fine for a fresh key)
   */
  public AesGcmSkCipher(CryptoEngine engine, byte[] keyAndSalt, int icvLength, long firstIv) {
    int keyLength = keyAndSalt.length - SALT_LENGTH;
    if (keyLength != 16 && keyLength != 32) {
      throw new IllegalArgumentException("AES-GCM key material must be 20 or 36 bytes");
    }
    if (icvLength != 12 && icvLength != 16) {
      throw new IllegalArgumentException("AES-GCM ICV must be 12 or 16 bytes");
    }
    byte[] key = Arrays.copyOf(keyAndSalt, keyLength);
    try {
      this.aead =
          engine.newAead(
              icvLength == 12 ? EncrAlgorithm.AES_GCM_12 : EncrAlgorithm.AES_GCM_16, key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    this.keyBits = keyLength * 8;
    this.icvLength = icvLength;
    this.nextIv = firstIv;
    System.arraycopy(keyAndSalt, keyLength, nonce, 0, SALT_LENGTH);
  }

  /** A cipher over the JCA engine. */
  public AesGcmSkCipher(byte[] keyAndSalt, int icvLength, long firstIv) {
    this(CryptoEngines.jca(), keyAndSalt, icvLength, firstIv);
  }

  /** A cipher with a 16-byte ICV (ENCR_AES_GCM_16) starting at IV 0, over the JCA engine. */
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
    // The associated data is the message before the IV: message[0, ivOffset).
    aead.seal(
        nonce, message, ivOffset, ByteBuffer.wrap(message), ivOffset + IV_LENGTH, plaintextLength);
  }

  @Override
  public boolean decrypt(byte[] message, int ivOffset, int ciphertextLength) {
    System.arraycopy(message, ivOffset, nonce, SALT_LENGTH, IV_LENGTH);
    return aead.open(
        nonce, message, ivOffset, ByteBuffer.wrap(message), ivOffset + IV_LENGTH, ciphertextLength);
  }

  @Override
  public void close() {
    aead.close();
  }

  @Override
  public String toString() {
    return "AesGcmSkCipher[AES-" + keyBits + ", ICV " + icvLength + "]";
  }
}
