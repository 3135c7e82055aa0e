package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The SPI / policy-id index against a HashMap (differential, seeded). */
class LongTableTest {

  @Test
  void differentialAgainstHashMapUnderRandomAddAndDelete() {
    for (long seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      LongTable<String> table = new LongTable<>();
      Map<Long, String> model = new HashMap<>();
      // A small key space forces re-inserts of tombstoned keys and long probe chains; phases of
      // mostly-add then mostly-delete force growth and shrinking.
      long keySpace = seed % 2 == 0 ? 64 : 5_000;
      for (int step = 0; step < 20_000; step++) {
        long key =
            seed % 3 == 0 ? rnd.nextInt((int) keySpace) : Integer.toUnsignedLong(rnd.nextInt());
        if (seed % 3 != 0 && !model.isEmpty() && rnd.nextBoolean()) {
          key = model.keySet().iterator().next(); // hit existing keys too
        }
        boolean growing = (step / 2_000) % 2 == 0;
        int op = rnd.nextInt(10);
        String v = "v" + step;
        if (op < (growing ? 6 : 3)) {
          assertEquals(model.put(key, v), table.put(key, v), "put " + key);
        } else if (op < 7) {
          assertEquals(model.remove(key), table.remove(key), "remove " + key);
        } else if (op < 8) {
          assertEquals(model.putIfAbsent(key, v), table.putIfAbsent(key, v), "putIfAbsent " + key);
        } else if (op < 9) {
          String cur = model.get(key);
          String expected = rnd.nextBoolean() ? cur : "other";
          boolean removed = cur != null && cur == expected;
          if (removed) {
            model.remove(key);
          }
          assertEquals(removed, table.remove(key, expected), "remove(k, v) " + key);
        } else {
          assertEquals(model.get(key), table.get(key), "get " + key);
        }
        assertEquals(model.size(), table.size());
      }
      for (Map.Entry<Long, String> e : model.entrySet()) {
        assertSame(e.getValue(), table.get(e.getKey()));
      }
      Set<String> seen = new HashSet<>();
      table.forEach(seen::add);
      assertEquals(new HashSet<>(model.values()), seen);
    }
  }

  @Test
  void holdsHundredThousandKeysAndShrinksWhenEmptied() {
    LongTable<Long> table = new LongTable<>();
    Random rnd = new Random(7);
    long[] keys = new long[100_000];
    for (int i = 0; i < keys.length; i++) {
      long k;
      do {
        k = Integer.toUnsignedLong(rnd.nextInt());
      } while (table.get(k) != null);
      keys[i] = k;
      assertNull(table.put(k, k));
    }
    assertEquals(100_000, table.size());
    assertTrue(table.capacity() >= 200_000, "kept at most half full");
    for (long k : keys) {
      assertEquals(k, table.get(k));
    }
    for (long k : keys) {
      assertEquals(k, table.remove(k));
    }
    assertEquals(0, table.size());
    assertTrue(table.capacity() <= 64, "shrank to " + table.capacity());
  }

  @Test
  void readersAlwaysFindKeysThatStayWhileAWriterChurnsAndRehashes() throws Exception {
    LongTable<Long> table = new LongTable<>();
    long[] stable = new long[1_000];
    for (int i = 0; i < stable.length; i++) {
      stable[i] = 1_000_000L + i * 7919L;
      table.put(stable[i], stable[i]);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong misses = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    Thread[] readers = new Thread[2];
    for (int r = 0; r < readers.length; r++) {
      readers[r] =
          new Thread(
              () -> {
                int i = 0;
                while (!stop.get()) {
                  long k = stable[i++ % stable.length];
                  Long v = table.get(k);
                  if (v == null || v != k) {
                    misses.incrementAndGet();
                  }
                  reads.incrementAndGet();
                }
              });
      readers[r].start();
    }
    Random rnd = new Random(3);
    long deadline = System.nanoTime() + 500_000_000L;
    while (System.nanoTime() < deadline) {
      // grow to thousands of churn keys and drop them again: repeated rebuilds both ways
      long base = rnd.nextInt(1 << 20) + (1L << 40);
      for (int i = 0; i < 5_000; i++) {
        table.put(base + i, base + i);
      }
      for (int i = 0; i < 5_000; i++) {
        table.remove(base + i);
      }
    }
    stop.set(true);
    for (Thread t : readers) {
      t.join();
    }
    assertTrue(reads.get() > 0);
    assertEquals(0, misses.get(), "a stable key was missed during a rebuild");
    assertFalse(table.size() != stable.length);
  }
}
