package org.meshsec.core.sad;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * A hash map from {@code long} to a value, for the SAD's hot-path indexes (inbound SPI, outbound
 * policy id): {@link #get} takes no lock, boxes nothing and allocates nothing; writes are
 * serialised by a lock (they come from key management, a few per second).
 *
 * <p><b>Layout.</b> Open addressing with linear probing over a power-of-two table kept at most half
 * full (live entries plus tombstones), so every probe sequence reaches an empty slot. A slot is
 * empty while its value is null. Once a slot has a key it keeps it for the life of that table:
 * removal leaves a tombstone, and only a re-insert of the <em>same</em> key reuses a tombstone (so
 * a reader can never pair a key with another key's value). Growth and tombstone clean-up build a
 * new table and publish it through a volatile field; readers still probing the old one see a state
 * that was current a moment ago.
 *
 * <p><b>Memory ordering.</b> A writer stores the key, then the value with release semantics; a
 * reader loads the value with acquire semantics, then the key. A reader that sees a value therefore
 * sees its key, and everything the writer did before publishing it.
 *
 * <p>Thread-safe: lock-free, wait-free reads; writes under {@code this}.
 *
 * @param <V> value type
 */
final class LongTable<V> {
  private static final Object TOMBSTONE = new Object();
  private static final int MIN_CAPACITY = 16;

  private static final class Table {
    final long[] keys;
    final AtomicReferenceArray<Object> values;
    final int mask;

    Table(int capacity) {
      keys = new long[capacity];
      values = new AtomicReferenceArray<>(capacity);
      mask = capacity - 1;
    }
  }

  private volatile Table table = new Table(MIN_CAPACITY);
  private int size; // guarded by this
  private int used; // live + tombstones, guarded by this

  static int hash(long key) {
    // murmur3 fmix64: SPIs are random, policy ids sequential; both spread well after this.
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }

  /** The value for {@code key}, or null. Lock-free. */
  @SuppressWarnings("unchecked")
  V get(long key) {
    Table t = table;
    int mask = t.mask;
    for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
      Object v = t.values.getAcquire(i);
      if (v == null) {
        return null;
      }
      if (t.keys[i] == key && v != TOMBSTONE) {
        return (V) v;
      }
    }
  }

  /** Maps {@code key} to {@code value} (non-null); returns the previous value or null. */
  synchronized V put(long key, V value) {
    return insert(key, value, false);
  }

  /** Maps {@code key} to {@code value} unless it is mapped; returns the existing value or null. */
  synchronized V putIfAbsent(long key, V value) {
    return insert(key, value, true);
  }

  @SuppressWarnings("unchecked")
  private V insert(long key, V value, boolean onlyIfAbsent) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    Table t = table;
    int mask = t.mask;
    int i = hash(key) & mask;
    for (; ; i = (i + 1) & mask) {
      Object v = t.values.getPlain(i);
      if (v == null) {
        break;
      }
      if (t.keys[i] == key) {
        if (v == TOMBSTONE) {
          // Same key: reusing its tombstone is safe (the slot's key does not change).
          t.values.setRelease(i, value);
          size++;
          return null;
        }
        if (!onlyIfAbsent) {
          t.values.setRelease(i, value);
        }
        return (V) v;
      }
    }
    if ((used + 1) * 2 > t.keys.length) {
      t = rebuild(size + 1);
      mask = t.mask;
      i = hash(key) & mask;
      while (t.values.getPlain(i) != null) {
        i = (i + 1) & mask;
      }
    }
    t.keys[i] = key;
    t.values.setRelease(i, value);
    size++;
    used++;
    return null;
  }

  /** Removes {@code key}; returns the value it had, or null. */
  synchronized V remove(long key) {
    return removeIf(key, null);
  }

  /** Removes {@code key} only if it maps to {@code expected} (identity). */
  synchronized boolean remove(long key, V expected) {
    return expected != null && removeIf(key, expected) != null;
  }

  @SuppressWarnings("unchecked")
  private V removeIf(long key, V expected) {
    Table t = table;
    int mask = t.mask;
    for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
      Object v = t.values.getPlain(i);
      if (v == null) {
        return null;
      }
      if (t.keys[i] == key) {
        if (v == TOMBSTONE || (expected != null && v != expected)) {
          return null;
        }
        t.values.setRelease(i, TOMBSTONE);
        size--;
        if (size * 8 < t.keys.length && t.keys.length > MIN_CAPACITY) {
          rebuild(size);
        }
        return (V) v;
      }
    }
  }

  /** Number of live entries. */
  synchronized int size() {
    return size;
  }

  /** Current slot count (for tests: growth and shrinking). */
  synchronized int capacity() {
    return table.keys.length;
  }

  /**
   * Calls {@code action} for each value of the current table. Weakly consistent, like {@code
   * ConcurrentHashMap} iteration: entries added or removed meanwhile may or may not be seen.
   */
  @SuppressWarnings("unchecked")
  void forEach(Consumer<? super V> action) {
    Table t = table;
    for (int i = 0; i < t.keys.length; i++) {
      Object v = t.values.getAcquire(i);
      if (v != null && v != TOMBSTONE) {
        action.accept((V) v);
      }
    }
  }

  /** Re-inserts the live entries into a fresh table sized for {@code live} and publishes it. */
  private Table rebuild(int live) {
    int capacity = MIN_CAPACITY;
    while (capacity < live * 4) {
      capacity <<= 1;
    }
    Table old = table;
    Table t = new Table(capacity);
    int mask = t.mask;
    for (int j = 0; j < old.keys.length; j++) {
      Object v = old.values.getPlain(j);
      if (v != null && v != TOMBSTONE) {
        int i = hash(old.keys[j]) & mask;
        while (t.values.getPlain(i) != null) {
          i = (i + 1) & mask;
        }
        t.keys[i] = old.keys[j];
        t.values.setPlain(i, v);
      }
    }
    used = size;
    table = t; // volatile write publishes the filled table
    return t;
  }
}
