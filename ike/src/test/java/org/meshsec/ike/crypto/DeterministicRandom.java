package org.meshsec.ike.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A reproducible {@link SecureRandom} for tests: SHA-256(seed | counter) blocks. Never for
 * production use. Not thread-safe.
 */
public final class DeterministicRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;

  private final long seed;
  private long counter;
  private byte[] block = new byte[0];
  private int pos;

  public DeterministicRandom(long seed) {
    super(new byte[0]);
    this.seed = seed;
  }

  @Override
  public synchronized void nextBytes(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (pos == block.length) {
        refill();
      }
      bytes[i] = block[pos++];
    }
  }

  @Override
  public byte[] generateSeed(int numBytes) {
    byte[] b = new byte[numBytes];
    nextBytes(b);
    return b;
  }

  @Override
  public void setSeed(long ignored) {
    // The seed is fixed at construction; SecureRandom's constructor calls this.
  }

  @Override
  public synchronized void setSeed(byte[] ignored) {
    // Fixed seed, see above.
  }

  @Override
  public String getAlgorithm() {
    return "DeterministicTestRandom";
  }

  private void refill() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      block = md.digest(ByteBuffer.allocate(16).putLong(seed).putLong(counter++).array());
      pos = 0;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
