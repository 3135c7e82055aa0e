package org.meshsec.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XfrmStatsTest {

  @Test
  void snapshotListsEveryCounterInDeclarationOrderWithLinuxNames() {
    XfrmStats s = new XfrmStats();
    s.increment(XfrmStat.IN_NO_STATES);
    s.add(XfrmStat.ACQUIRE_TIMEOUTS, 5);
    Map<String, Long> snap = s.snapshot();
    List<String> names = new ArrayList<>(snap.keySet());
    assertEquals(XfrmStat.values().length, names.size());
    assertEquals("XfrmInError", names.get(0));
    assertEquals("XfrmInNoStates", names.get(XfrmStat.IN_NO_STATES.ordinal()));
    assertEquals(1L, snap.get("XfrmInNoStates"));
    assertEquals(5L, snap.get("XfrmAcquireTimeouts"));
    assertEquals(0L, snap.get("XfrmInTmplMismatch"));
    assertTrue(names.containsAll(List.of("XfrmInLarvalQueueDrops", "XfrmOutLarvalQueueDrops")));
    assertThrows(UnsupportedOperationException.class, () -> snap.put("x", 1L));
  }

  @Test
  void concurrentIncrementsAreAllCounted() throws InterruptedException {
    XfrmStats s = new XfrmStats();
    Thread[] ts = new Thread[4];
    for (int i = 0; i < ts.length; i++) {
      ts[i] =
          new Thread(
              () -> {
                for (int j = 0; j < 100_000; j++) {
                  s.increment(XfrmStat.IN_STATE_SEQ_ERROR);
                }
              });
      ts[i].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertEquals(400_000, s.get(XfrmStat.IN_STATE_SEQ_ERROR));
  }

  @Test
  void countersOnlyGrowAndToStringLooksLikeProc() {
    XfrmStats s = new XfrmStats();
    assertThrows(IllegalArgumentException.class, () -> s.add(XfrmStat.IN_ERROR, -1));
    s.add(XfrmStat.OUT_ERROR, 3);
    assertTrue(s.toString().lines().anyMatch(l -> l.matches("XfrmOutError\\s+3")));
  }
}
