package org.meshsec.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DestroyableKeyTest {

  @Test
  void destroyWipesTheOwnCopyAndHidesTheBytes() {
    byte[] raw = {1, 2, 3, 4, 5, 6, 7, 8};
    DestroyableKey k = new DestroyableKey("AES", raw, 2, 4);
    assertArrayEquals(new byte[] {3, 4, 5, 6}, k.getEncoded());
    raw[2] = 99; // a copy was taken
    assertArrayEquals(new byte[] {3, 4, 5, 6}, k.getEncoded());
    assertFalse(k.toString().contains("3"), "no key bytes in toString: " + k);
    assertEquals("RAW", k.getFormat());
    k.destroy();
    assertTrue(k.isDestroyed());
    assertThrows(IllegalStateException.class, k::getEncoded);
  }

  @Test
  void closedPrimitivesRefuseWork() {
    for (var engine : java.util.List.of(CryptoEngines.jca(), CryptoEngines.bouncyCastle())) {
      AeadCipher a = engine.newAead(org.meshsec.esp.EncrAlgorithm.AES_GCM_16, new byte[16]);
      a.close();
      a.close();
      assertFalse(
          a.open(new byte[12], new byte[8], 8, java.nio.ByteBuffer.allocate(64), 0, 16),
          engine.name());
      CbcCipher c = engine.newAesCbc(new byte[32]);
      c.close();
      assertThrows(
          IllegalStateException.class,
          () -> c.encrypt(new byte[16], 0, java.nio.ByteBuffer.allocate(32), 0, 32),
          engine.name());
    }
  }
}
