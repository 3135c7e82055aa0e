package org.meshsec.esp.crypto;

import java.nio.ByteBuffer;

/**
 * AES in CBC mode with an explicit per-packet IV and no padding (RFC 3602 sections 2.1 and 3): the
 * caller adds ESP padding so that the length is a multiple of 16.
 *
 * <p>Implementations initialise the underlying cipher once with an all-zero IV and apply the
 * packet's IV by XOR into the first block (encryption) or into the first decrypted block
 * (decryption). This is exactly CBC with that IV, {@code C1 = E(P1 xor IV)} and {@code P1 = D(C1)
 * xor IV}, and lets the cipher object be reused without a per-packet {@code init} (which in JCA
 * would allocate an {@code IvParameterSpec} and re-expand nothing but still copy the IV).
 *
 * <p><b>Not thread-safe.</b>
 */
public interface CbcCipher extends AutoCloseable {

  /** AES block size. */
  int BLOCK_SIZE = 16;

  /**
   * Encrypts {@code buf[off, off+len)} in place (absolute offsets below the limit; position and
   * limit are left unchanged); {@code len} must be a positive multiple of 16.
   *
   * @param iv 16 bytes at {@code iv[ivOff]}
   */
  void encrypt(byte[] iv, int ivOff, ByteBuffer buf, int off, int len);

  /**
   * Decrypts {@code buf[off, off+len)} in place; {@code len} must be a positive multiple of 16.
   *
   * @param iv 16 bytes at {@code iv[ivOff]}; must not alias the region being decrypted
   */
  void decrypt(byte[] iv, int ivOff, ByteBuffer buf, int off, int len);

  /** Drops and, where the provider allows, overwrites the key material. Idempotent. */
  @Override
  void close();
}
