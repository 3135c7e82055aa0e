package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Objects;
import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.IntegAlgorithm;
import org.meshsec.esp.crypto.CbcCipher;
import org.meshsec.esp.crypto.CryptoEngines;
import org.meshsec.esp.crypto.IcvMac;

/**
 * AES-CBC encryption with a truncated HMAC ICV for the SK payload (RFC 7296 section 3.14; AES-CBC
 * per RFC 3602; HMAC-SHA2 truncation per RFC 4868, HMAC-SHA1-96 per RFC 2404) over esp's {@link
 * CryptoEngine} (JCA by default).
 *
 * <p>The IV is 16 random bytes from the injected {@link SecureRandom} ("the IV MUST be chosen at
 * random", section 3.14). The ICV is the HMAC of the message from the IKE header through the end of
 * the ciphertext, truncated to {@code icvLength}; it is checked in constant time before anything is
 * decrypted.
 *
 * <p>Not thread-safe: one instance per IKE SA direction, used on the SA's executor.
 */
public final class AesCbcHmacSkCipher implements SkCipher {
  private static final int BLOCK = CbcCipher.BLOCK_SIZE;

  private final CbcCipher cbc;
  private final IcvMac mac;
  private final IntegAlgorithm integ;
  private final int keyBits;
  private final int icvLength;
  private final SecureRandom random;
  private final byte[] iv = new byte[BLOCK];
  private final byte[] full;

  /**
   * @param engine the crypto engine to make the cipher and the HMAC with
   * @param encKey AES key, 16 or 32 bytes; not retained
   * @param integ the HMAC (its hash; the ICV length is {@code icvLength})
   * @param integKey HMAC key; not retained
   * @param icvLength truncated ICV length in bytes
   * @param random source of IVs
   */
  public AesCbcHmacSkCipher(
      CryptoEngine engine,
      byte[] encKey,
      IntegAlgorithm integ,
      byte[] integKey,
      int icvLength,
      SecureRandom random) {
    if (encKey.length != 16 && encKey.length != 32) {
      throw new IllegalArgumentException("AES key must be 16 or 32 bytes");
    }
    if (integ.jcaName() == null) {
      throw new IllegalArgumentException("unsupported integrity algorithm " + integ);
    }
    this.random = Objects.requireNonNull(random, "random");
    this.integ = integ;
    this.keyBits = encKey.length * 8;
    this.cbc = engine.newAesCbc(encKey);
    this.mac = engine.newHmac(integ, integKey);
    if (icvLength < 1 || icvLength > mac.macLength()) {
      cbc.close();
      mac.close();
      throw new IllegalArgumentException("ICV length " + icvLength + " for " + integ);
    }
    this.icvLength = icvLength;
    this.full = new byte[mac.macLength()];
  }

  /**
   * AES-CBC with one of the HMAC integrity algorithms (RFC 4868, RFC 2404) and its ICV length, over
   * the JCA engine.
   */
  public static AesCbcHmacSkCipher of(
      byte[] encKey, IntegAlgorithm integ, byte[] integKey, SecureRandom random) {
    if (integ.jcaName() == null) {
      throw new IllegalArgumentException("unsupported integrity algorithm " + integ);
    }
    if (integKey.length != integ.keyLength()) {
      throw new IllegalArgumentException(integ + " key must be " + integ.keyLength() + " bytes");
    }
    return new AesCbcHmacSkCipher(
        CryptoEngines.jca(), encKey, integ, integKey, integ.icvLength(), random);
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
    if (plaintextLength > 0) {
      cbc.encrypt(iv, 0, ByteBuffer.wrap(message), dataOffset, plaintextLength);
    }
    mac.update(message, 0, dataOffset + plaintextLength);
    mac.doFinal(full, 0);
    System.arraycopy(full, 0, message, dataOffset + plaintextLength, icvLength);
  }

  @Override
  public boolean decrypt(byte[] message, int ivOffset, int ciphertextLength) {
    if (ciphertextLength % BLOCK != 0) {
      return false;
    }
    int dataOffset = ivOffset + BLOCK;
    int icvOffset = dataOffset + ciphertextLength;
    mac.update(message, 0, icvOffset);
    mac.doFinal(full, 0);
    if (!IcvMac.constantTimeEquals(full, 0, message, icvOffset, icvLength)) {
      return false;
    }
    if (ciphertextLength > 0) {
      cbc.decrypt(message, ivOffset, ByteBuffer.wrap(message), dataOffset, ciphertextLength);
    }
    return true;
  }

  @Override
  public void close() {
    cbc.close();
    mac.close();
  }

  @Override
  public String toString() {
    return "AesCbcHmacSkCipher[AES-"
        + keyBits
        + ", "
        + integ.jcaName()
        + ", ICV "
        + icvLength
        + "]";
  }
}
