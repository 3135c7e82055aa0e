package org.meshsec.esp.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Known cases for {@link ReplayWindow}: RFC 4303 section 3.4.3 and Appendix A2. */
class ReplayWindowTest {

  private static final long REJECT = ReplayWindow.REJECT;
  private static final long EPOCH = 1L << 32;

  /** Checks then commits, as the data path does after the ICV verified. */
  private static long accept(ReplayWindow w, long full) {
    long seq = w.check((int) full);
    assertEquals(full, seq, "expected " + Long.toHexString(full) + " to be accepted");
    w.commit(seq);
    return seq;
  }

  @Test
  void firstPacketIsOneAndZeroIsNeverValid() {
    ReplayWindow w = new ReplayWindow(64, false);
    assertEquals(0, w.highest());
    assertEquals(REJECT, w.check(0));
    assertEquals(1, w.check(1));
    accept(w, 1);
    assertEquals(1, w.highest());
    assertEquals(REJECT, w.check(0));

    ReplayWindow e = new ReplayWindow(64, true);
    assertEquals(REJECT, e.check(0));
    assertEquals(1, e.check(1));
  }

  @Test
  void duplicateRejected() {
    ReplayWindow w = new ReplayWindow(64, false);
    accept(w, 5);
    assertEquals(REJECT, w.check(5));
    accept(w, 3);
    assertEquals(REJECT, w.check(3));
    assertEquals(4, w.check(4));
    assertEquals(5, w.highest());
  }

  @Test
  void checkDoesNotChangeState() {
    ReplayWindow w = new ReplayWindow(64, false);
    accept(w, 10);
    for (int i = 0; i < 3; i++) {
      assertEquals(11, w.check(11));
      assertEquals(1000, w.check(1000));
      assertEquals(9, w.check(9));
    }
    assertEquals(10, w.highest());
    // 1000 was only checked, so 9 is still inside the window and 11 is still new.
    accept(w, 11);
    accept(w, 9);
  }

  @Test
  void exactWindowEdge() {
    ReplayWindow w = new ReplayWindow(64, false);
    accept(w, 100);
    assertEquals(REJECT, w.check(36)); // T - 64: just outside
    assertEquals(37, w.check(37)); // T - W + 1: left edge, inside
    accept(w, 37);
    assertEquals(REJECT, w.check(37));
  }

  @Test
  void tooOldRejectedAndCommitOfTooOldIgnored() {
    ReplayWindow w = new ReplayWindow(64, false);
    assertEquals(20, w.check(20));
    accept(w, 200);
    // 20 passed check before the window moved; its late commit must not disturb anything.
    w.commit(20);
    assertEquals(200, w.highest());
    assertEquals(REJECT, w.check(20));
    assertEquals(199, w.check(199));
  }

  @Test
  void farJumpLargerThanWindow() {
    ReplayWindow w = new ReplayWindow(64, false);
    for (int s = 1; s <= 10; s++) {
      accept(w, s);
    }
    accept(w, 100_000);
    assertEquals(REJECT, w.check(10));
    assertEquals(REJECT, w.check(100_000));
    for (long s = 100_000 - 63; s < 100_000; s++) {
      assertEquals(s, w.check((int) s), "in-window after jump: " + s);
    }
    assertEquals(REJECT, w.check(100_000 - 64));
  }

  /**
   * After any forward jump, every in-window slot not received since must read as free, whatever the
   * ring held before (bits of older sequence numbers aliasing the same ring position).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 63, 64, 65, 127, 128, 1024, 4096})
  void slidingZeroesStaleBits(int size) {
    int[] jumps = {1, 2, 31, 63, 64, 65, 100, 127, 128, 129, 191, 192, 255, 256, 257, 1000, 5000};
    for (int jump : jumps) {
      ReplayWindow w = new ReplayWindow(size, false);
      long t = 3L * size + 200;
      for (long s = 1; s <= t; s++) {
        accept(w, s);
      }
      accept(w, t + jump);
      long top = t + jump;
      for (long s = Math.max(1, top - size + 1); s < top; s++) {
        long expected = s <= t ? REJECT : s;
        assertEquals(expected, w.check((int) s), "size " + size + " jump " + jump + " seq " + s);
      }
      assertEquals(REJECT, w.check((int) (top - size)));
    }
  }

  @Test
  void sizeOne() {
    ReplayWindow w = new ReplayWindow(1, false);
    accept(w, 5);
    assertEquals(REJECT, w.check(5));
    assertEquals(REJECT, w.check(4));
    accept(w, 6);
    assertEquals(REJECT, w.check(5));
    accept(w, 1000);
    assertEquals(REJECT, w.check(999));
  }

  @Test
  void size4096() {
    ReplayWindow w = new ReplayWindow(4096, false);
    accept(w, 10_000);
    assertEquals(REJECT, w.check(10_000 - 4096));
    accept(w, 10_000 - 4095);
    assertEquals(REJECT, w.check(10_000 - 4095));
    for (long s = 10_000 - 4094; s < 10_000; s += 2) {
      accept(w, s);
    }
    for (long s = 10_000 - 4094; s < 10_000; s++) {
      long expected = (s - (10_000 - 4094)) % 2 == 0 ? REJECT : s;
      assertEquals(expected, w.check((int) s));
    }
    // Slide by 2000: the lower half falls out, the upper half keeps its marks.
    accept(w, 12_000);
    assertEquals(REJECT, w.check(12_000 - 4096));
    assertEquals(12_000 - 4095, w.check(12_000 - 4095)); // odd offset: never received
    assertEquals(REJECT, w.check(12_000 - 4094)); // even offset from 5906: received
  }

  @Test
  void maxSize() {
    ReplayWindow w = new ReplayWindow(ReplayWindow.MAX_SIZE, false);
    accept(w, 100_000);
    assertEquals(100_000 - 65_535, w.check(100_000 - 65_535));
    assertEquals(REJECT, w.check(100_000 - 65_536));
  }

  @Test
  void sizeZeroDisablesRejectionButTracksHighest() {
    ReplayWindow w = new ReplayWindow(0, false);
    accept(w, 5);
    assertEquals(5, w.check(5)); // duplicate passes
    accept(w, 1);
    assertEquals(5, w.highest());
    accept(w, 7);
    assertEquals(7, w.highest());
    // With anti-replay off the sender's counter rolls over to 0 (RFC 4303 section 3.3.3).
    accept(w, 0xFFFF_FFFFL);
    assertEquals(0, w.check(0));
    w.commit(0);
    assertEquals(0xFFFF_FFFFL, w.highest());
  }

  @Test
  void sizeZeroWithEsnStillInfersHighBits() {
    ReplayWindow w = new ReplayWindow(0, true);
    assertEquals(REJECT, w.check(0));
    w.commit(EPOCH - 10);
    assertEquals(EPOCH + 5, w.check(5));
    assertEquals(EPOCH - 20, w.check((int) (EPOCH - 20))); // reordered: same epoch
    assertEquals(EPOCH - 10, w.check((int) (EPOCH - 10))); // duplicate passes
    accept(w, EPOCH + 5);
    assertEquals(EPOCH + 5, w.highest());
    assertEquals(EPOCH - 20, w.check((int) (EPOCH - 20))); // previous epoch, no rejection
  }

  @Test
  void noEsnUsesUnsignedWireValue() {
    ReplayWindow w = new ReplayWindow(64, false);
    accept(w, 0xFFFF_FFF0L);
    assertEquals(0xFFFF_FFFFL, w.check(-1));
    accept(w, 0xFFFF_FFFFL);
    assertEquals(REJECT, w.check(-1));
    assertEquals(REJECT, w.check(0));
    assertEquals(REJECT, w.check(5)); // no epochs without ESN: 5 is far behind
  }

  /** Appendix A2.2 case A (Tl >= W - 1): below Bl means the next epoch. */
  @Test
  void esnCaseAPacketFromNextEpoch() {
    ReplayWindow w = new ReplayWindow(64, true);
    long t = EPOCH + 0xFFFF_FFF0L; // Th = 1, Tl = 0xFFFFFFF0, Bl = 0xFFFFFFB1
    w.commit(t);
    assertEquals(2 * EPOCH + 0x10, w.check(0x10));
    assertEquals(2 * EPOCH, w.check(0)); // low half 0 is fine with ESN
    assertEquals(EPOCH + 0xFFFF_FFB1L, w.check(0xFFFF_FFB1)); // Bl: left edge, same epoch
    assertEquals(EPOCH + 0xFFFF_FFF5L, w.check(0xFFFF_FFF5)); // ahead, same epoch
    // Just below Bl is read as the next epoch (RFC: then the ICV decides), not as too old.
    assertEquals(2 * EPOCH + 0xFFFF_FFB0L, w.check(0xFFFF_FFB0));
    accept(w, 2 * EPOCH + 3);
    assertEquals(2 * EPOCH + 3, w.highest());
    // Now the window spans the boundary: the old epoch's tail is still receivable once.
    assertEquals(EPOCH + 0xFFFF_FFF1L, w.check(0xFFFF_FFF1));
    assertEquals(REJECT, w.check(0xFFFF_FFF0));
  }

  /** Appendix A2.2 case B (Tl < W - 1): at or above Bl means the previous epoch. */
  @Test
  void esnCaseBWindowSpansBoundary() {
    ReplayWindow w = new ReplayWindow(64, true);
    w.commit(EPOCH + 0xFFFF_FFE0L); // as if epoch 1 had been received in order
    accept(w, 2 * EPOCH + 0x10); // Th = 2, Tl = 0x10, Bl = 0xFFFFFFD1
    assertEquals(EPOCH + 0xFFFF_FFF0L, w.check(0xFFFF_FFF0));
    assertEquals(EPOCH + 0xFFFF_FFD1L, w.check(0xFFFF_FFD1)); // left edge (T - 63)
    assertEquals(REJECT, w.check(0xFFFF_FFE0)); // duplicate across the boundary
    // Below Bl is this epoch: far ahead, accepted by the window (the ICV will reject a forgery).
    assertEquals(2 * EPOCH + 0xFFFF_FFD0L, w.check(0xFFFF_FFD0));
    assertEquals(2 * EPOCH + 0x5, w.check(0x5));
    assertEquals(2 * EPOCH + 0x11, w.check(0x11));
    accept(w, EPOCH + 0xFFFF_FFF0L);
    assertEquals(REJECT, w.check(0xFFFF_FFF0));
    assertEquals(2 * EPOCH + 0x10, w.highest());
  }

  @Test
  void esnNoEpochBeforeTheFirst() {
    ReplayWindow w = new ReplayWindow(64, true);
    // T = 0: Bl = 2^32 - 63, so the top 63 wire values would be epoch -1.
    assertEquals(REJECT, w.check(0xFFFF_FFC1));
    assertEquals(REJECT, w.check(-1));
    assertEquals(0xFFFF_FFC0L, w.check(0xFFFF_FFC0));
    accept(w, 3);
    assertEquals(REJECT, w.check(-1));
  }

  @Test
  void esnTopEpochIsRejectedNotWrapped() {
    ReplayWindow w = new ReplayWindow(64, true);
    w.commit((0x7FFF_FFFFL << 32) | 0xFFFF_FFF0L);
    assertEquals(REJECT, w.check(5)); // would be epoch 2^31: beyond the supported range
    assertEquals((0x7FFF_FFFFL << 32) | 0xFFFF_FFF5L, w.check(0xFFFF_FFF5));
  }

  @Test
  void esnEpochCrossingInOrder() {
    ReplayWindow w = new ReplayWindow(1024, true);
    for (long s = 3 * EPOCH - 3000; s <= 3 * EPOCH + 3000; s++) {
      w.commit(s == 3 * EPOCH - 3000 ? s : w.check((int) s));
      assertEquals(s, w.highest());
    }
  }

  @Test
  void invalidArguments() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(-1, false));
    assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(65537, true));
    ReplayWindow w = new ReplayWindow(64, false);
    assertThrows(IllegalArgumentException.class, () -> w.commit(REJECT));
    assertEquals(0, w.highest());
  }

  /**
   * Two copies of a packet both pass {@link ReplayWindow#check} while neither is committed
   * (parallel opening); {@link ReplayWindow#commitIfNew} lets only the first through, refuses what
   * the window has since moved past, and with the window off accepts everything.
   */
  @Test
  void commitIfNewAcceptsEachSequenceNumberOnce() {
    ReplayWindow w = new ReplayWindow(64, false);
    assertEquals(5, w.check(5));
    assertEquals(5, w.check(5));
    assertTrue(w.commitIfNew(5));
    assertFalse(w.commitIfNew(5));
    assertTrue(w.commitIfNew(3));
    assertFalse(w.commitIfNew(3));
    assertTrue(w.commitIfNew(200));
    assertFalse(w.commitIfNew(100), "the window moved past it");
    assertTrue(w.commitIfNew(137), "the oldest still inside the 64-packet window");
    assertEquals(200, w.highest());
    ReplayWindow off = new ReplayWindow(0, false);
    assertTrue(off.commitIfNew(9));
    assertTrue(off.commitIfNew(9));
    assertThrows(IllegalArgumentException.class, () -> w.commitIfNew(REJECT));
  }
}
