package org.meshsec.esp.crypto;

import java.nio.ByteBuffer;
import org.meshsec.esp.EncrAlgorithm;

/**
 * A keyed AEAD primitive for one SA in one direction: AES-GCM with a 16-byte tag (RFC 4106 section
 * 2, NIST SP 800-38D) or ChaCha20-Poly1305 (RFC 7634 section 2, RFC 8439 section 2.8).
 *
 * <p>Both operations work in place on {@code buf[off, off+len)} with absolute offsets; the buffer's
 * position and limit are ignored and left unchanged (the region must lie below the limit). Heap
 * buffers are processed through their backing array.
 *
 * <p><b>Not thread-safe</b>: the underlying cipher object is stateful and reused for every packet.
 */
public interface AeadCipher extends AutoCloseable {

  /** Tag length in bytes of AES_GCM_16 and ChaCha20-Poly1305. */
  int TAG_LENGTH = 16;

  /** This cipher's tag length in bytes: 16, or 12 for {@link EncrAlgorithm#AES_GCM_12}. */
  default int tagLength() {
    return TAG_LENGTH;
  }

  /** Nonce length in bytes: 4-byte salt || 8-byte IV (RFC 4106 section 4, RFC 7634 section 2). */
  int NONCE_LENGTH = 12;

  /**
   * Encrypts {@code buf[off, off+len)} in place and writes the {@link #tagLength()}-byte tag at
   * {@code off+len}. The AAD may be another region of the buffer's own array (IKE's SK payload
   * authenticates the message before the IV, RFC 5282 section 5.1) as long as it does not overlap
   * {@code buf[off, off+len+tagLength())}.
   *
   * @param nonce 12 bytes, read only during the call
   * @param aad additional authenticated data {@code aad[0, aadLength)}
   * @throws IllegalStateException if the provider refuses the operation, e.g. a nonce repeated
   *     under this key (a programming error of the IV source, never caused by received data)
   */
  void seal(byte[] nonce, byte[] aad, int aadLength, ByteBuffer buf, int off, int len);

  /**
   * Verifies the tag at {@code buf[off+len, off+len+tagLength())} over the ciphertext {@code
   * buf[off, off+len)} and the AAD, and decrypts in place. Returns false when the tag does not
   * verify; the content of the region is then unspecified. Never throws for bad input.
   */
  boolean open(byte[] nonce, byte[] aad, int aadLength, ByteBuffer buf, int off, int len);

  /** Drops and, where the provider allows, overwrites the key material. Idempotent. */
  @Override
  void close();
}
