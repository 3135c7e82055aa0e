package org.meshsec.lab.tools;

/**
 * A seeded pseudo-random byte stream: SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014; the constants of Vigna's reference splitmix64.c), each 64-bit
 * output emitted little-endian. Written out here rather than taken from {@code
 * java.util.SplittableRandom} because the bytes are a wire contract between {@code tcp-send} and
 * anything checking its hash, and the JDK does not promise its algorithm. Not thread-safe.
 */
public final class SplitMix64Stream {
  private long state;
  private long word;
  private int left; // bytes of word not yet emitted

  public SplitMix64Stream(long seed) {
    this.state = seed;
  }

  /** The next 64-bit output. */
  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Fills {@code b[off, off+len)} with the next bytes; chunking does not change the stream. */
  public void nextBytes(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end && left > 0) {
      b[i++] = (byte) word;
      word >>>= 8;
      left--;
    }
    while (end - i >= 8) {
      long w = nextLong();
      for (int k = 0; k < 8; k++) {
        b[i++] = (byte) w;
        w >>>= 8;
      }
    }
    if (i < end) {
      word = nextLong();
      left = 8;
      while (i < end) {
        b[i++] = (byte) word;
        word >>>= 8;
        left--;
      }
    }
  }
}
