package org.meshsec.lab.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64StreamTest {

  /** The first outputs of Vigna's reference splitmix64.c seeded with 0. */
  @Test
  void referenceOutputsForSeedZero() {
    SplitMix64Stream g = new SplitMix64Stream(0);
    assertEquals(0xe220a8397b1dcdafL, g.nextLong());
    assertEquals(0x6e789e6aa1b965f4L, g.nextLong());
    assertEquals(0x06c45d188009454fL, g.nextLong());
    assertEquals(0xf88bb8a8724c81ecL, g.nextLong());
  }

  @Test
  void bytesAreTheOutputsLittleEndian() {
    byte[] b = new byte[9];
    new SplitMix64Stream(0).nextBytes(b, 0, 9);
    assertArrayEquals(
        new byte[] {
          (byte) 0xaf, (byte) 0xcd, 0x1d, 0x7b, 0x39, (byte) 0xa8, 0x20, (byte) 0xe2, (byte) 0xf4
        },
        b);
  }

  @Test
  void chunkingDoesNotChangeTheStream() {
    byte[] whole = new byte[4099];
    new SplitMix64Stream(42).nextBytes(whole, 0, whole.length);
    SplittableRandom r = new SplittableRandom(7);
    SplitMix64Stream g = new SplitMix64Stream(42);
    byte[] pieces = new byte[whole.length];
    int off = 0;
    while (off < pieces.length) {
      int n = Math.min(r.nextInt(0, 20), pieces.length - off);
      g.nextBytes(pieces, off, n);
      off += n;
    }
    assertArrayEquals(whole, pieces);
  }
}
