package org.meshsec.ike.message;

/**
 * The cipher behind the SK and SKF payloads of one IKE SA direction (RFC 7296 section 3.14; AEAD
 * per RFC 5282; fragments per RFC 7383 section 2.5). The codec does the framing (IV placement,
 * padding, Pad Length, lengths in the headers); an implementation only encrypts and authenticates
 * in place.
 *
 * <p>Both operations work on a complete IKE message in {@code message}, starting at index 0, with
 * every header and length field already final. The layout from {@code ivOffset} on is:
 *
 * <pre>
 *  [0, ivOffset)                      associated data: the IKE header, any payloads before the
 *                                     encrypted payload, and the SK generic header (plus the SKF
 *                                     Fragment Number and Total Fragments fields)
 *  [ivOffset, +ivLength())            IV
 *  [ivOffset+ivLength(), +n)          plaintext / ciphertext (payloads, padding, Pad Length)
 *  [.., +icvLength())                 Integrity Checksum Data (ICV)
 * </pre>
 *
 * An AEAD (RFC 5282 section 5.1) authenticates {@code [0, ivOffset)} as associated data; an
 * encrypt-then-MAC cipher computes the ICV over {@code [0, ivOffset + ivLength() + n)}, i.e. "the
 * whole message from the IKE header through the end of the encrypted payload except the ICV" (RFC
 * 7296 section 3.14). Both rules name the same bytes, which is why one interface serves both.
 *
 * <p>Implementations hold key material and per-SA state (an IV counter); they are not thread-safe
 * and belong to one IKE SA, used on that SA's executor. {@code toString} must not reveal keys.
 */
public interface SkCipher extends AutoCloseable {

  /** Length of the IV field in bytes (16 for AES-CBC, 8 for AES-GCM). */
  int ivLength();

  /** Length of the Integrity Checksum Data in bytes. */
  int icvLength();

  /**
   * The plaintext (payloads, padding and Pad Length) is padded to a multiple of this (16 for
   * AES-CBC; 1 for AEAD modes, which need no alignment).
   */
  int blockSize();

  /**
   * Writes a fresh IV at {@code ivOffset}, encrypts the {@code plaintextLength} bytes that follow
   * it in place, and writes the ICV after them.
   *
   * @throws IllegalStateException if the cipher cannot be used any more (IV space exhausted)
   */
  void encrypt(byte[] message, int ivOffset, int plaintextLength);

  /**
   * Verifies the ICV that follows the {@code ciphertextLength} bytes after the IV at {@code
   * ivOffset} and, only if it verifies, decrypts them in place.
   *
   * @return false if the ICV does not verify (the content is then unspecified)
   */
  boolean decrypt(byte[] message, int ivOffset, int ciphertextLength);

  /** Drops and, where the engine allows, overwrites the key material. Idempotent. */
  @Override
  default void close() {}
}
