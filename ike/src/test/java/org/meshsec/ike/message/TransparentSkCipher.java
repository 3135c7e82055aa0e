package org.meshsec.ike.message;

import java.util.Arrays;

/**
 * A test {@link SkCipher} that leaves the plaintext as it is: an 8-byte zero IV and an 8-byte zero
 * ICV around the clear bytes, and every ICV verifies. Fuzz tests seal with it so that mutations of
 * an SK or SKF payload reach the decoders behind decryption (RFC 7296 section 3.14 framing, the
 * inner payload chain, RFC 7383 reassembly). Stateless and thread-safe.
 */
final class TransparentSkCipher implements SkCipher {
  @Override
  public int ivLength() {
    return 8;
  }

  @Override
  public int icvLength() {
    return 8;
  }

  @Override
  public int blockSize() {
    return 1;
  }

  @Override
  public void encrypt(byte[] message, int ivOffset, int plaintextLength) {
    Arrays.fill(message, ivOffset, ivOffset + 8, (byte) 0);
    int icv = ivOffset + 8 + plaintextLength;
    Arrays.fill(message, icv, icv + 8, (byte) 0);
  }

  @Override
  public boolean decrypt(byte[] message, int ivOffset, int ciphertextLength) {
    return true;
  }

  @Override
  public String toString() {
    return "transparent";
  }
}
