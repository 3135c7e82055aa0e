package org.meshsec.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretBytesTest {

  @Test
  void secretBytesHidesAndWipes() {
    byte[] raw = {1, 2, 3, (byte) 0xAB};
    SecretBytes s = SecretBytes.copyOf(raw);
    raw[0] = 9; // the holder has its own copy
    assertEquals("SecretBytes[4 bytes, redacted]", s.toString());
    assertEquals(4, s.hashCode());
    assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xAB}, s.copy());
    assertEquals(s, SecretBytes.copyOf(new byte[] {1, 2, 3, (byte) 0xAB}));
    assertNotEquals(s, SecretBytes.copyOf(new byte[] {1, 2, 3, (byte) 0xAC}));
    assertNotEquals(s, SecretBytes.copyOf(new byte[] {1, 2, 3}));
    assertFalse(s.isWiped());
    s.wipe();
    assertTrue(s.isWiped());
    assertThrows(IllegalStateException.class, s::copy);
    assertTrue(s.contentEquals(SecretBytes.copyOf(new byte[4])));
  }

  @Test
  void withBytesLendsTheArrayUntilWiped() {
    SecretBytes s = SecretBytes.wrap(new byte[] {7, 8});
    assertEquals(15, (int) s.withBytes(b -> b[0] + b[1]));
    try (SecretBytes t = s.slice(1, 1)) {
      assertTrue(t.contentEquals(new byte[] {8}));
    }
    s.close();
    assertThrows(IllegalStateException.class, () -> s.withBytes(b -> b.length));
    assertEquals("SecretBytes[wiped]", s.toString());
  }
}
