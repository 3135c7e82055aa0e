package org.meshsec.esp.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link ReplayWindow#resume}: everything up to the carried-over top is received, nothing above.
 */
class ReplayWindowResumeTest {

  @Test
  void everythingUpToTheTopIsSeenAndNothingAbove() {
    for (long top : new long[] {1, 63, 64, 100, 127, 128, 1000}) {
      ReplayWindow w = new ReplayWindow(64, false);
      w.resume(top);
      assertEquals(top, w.highest());
      for (long s = Math.max(1, top - 70); s <= top; s++) {
        assertEquals(ReplayWindow.REJECT, w.check((int) s), "top " + top + " seq " + s);
      }
      for (long s = top + 1; s <= top + 70; s++) {
        assertEquals(s, w.check((int) s), "top " + top + " seq " + s);
      }
      w.commit(top + 2);
      assertEquals(top + 1, w.check((int) (top + 1)), "a gap above the old top stays open");
    }
  }
}
