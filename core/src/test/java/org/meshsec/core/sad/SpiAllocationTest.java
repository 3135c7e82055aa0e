package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.sad.Fixtures.LOCAL;
import static org.meshsec.core.sad.Fixtures.PEER;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;

/** SPI allocation: random, unique among live inbound SAs, never 0..255. */
class SpiAllocationTest {

  /** A Random that answers a script, then repeats its last value. */
  static final class ScriptedRandom extends Random {
    private static final long serialVersionUID = 1L;
    final Deque<Integer> script;
    int last;
    int calls;

    ScriptedRandom(List<Integer> values) {
      script = new ArrayDeque<>(values);
    }

    @Override
    public int nextInt() {
      calls++;
      if (!script.isEmpty()) {
        last = script.poll();
      }
      return last;
    }
  }

  static Sad sad(Random random) {
    return Sad.builder()
        .random(random)
        .transforms(new FakeTransform.Factory())
        .clock(new Fixtures.ManualClock())
        .build();
  }

  @Test
  void hundredThousandSpisAreUniqueOutsideTheReservedRangeAndFoundAgain() {
    Sad sad = sad(new Random(2024));
    Set<Integer> seen = new HashSet<>();
    int[] spis = new int[100_000];
    for (int i = 0; i < spis.length; i++) {
      int spi = sad.getSpi(LOCAL, PEER);
      assertFalse(Sad.isReservedSpi(spi), "reserved SPI " + spi);
      assertTrue(seen.add(spi), "duplicate SPI " + spi);
      spis[i] = spi;
    }
    assertEquals(100_000, sad.inboundCount());
    for (int spi : spis) {
      SecurityAssociation sa = sad.findInbound(spi);
      assertEquals(spi, sa.spi());
      assertEquals(SaState.LARVAL, sa.state());
    }
  }

  @Test
  void reservedValuesAndCollisionsAreSkipped() {
    ScriptedRandom r =
        new ScriptedRandom(List.of(0, 1, 255, 0x1000, 0x1000, 0x1000, -1, 256, 0x1000, 0x2000));
    Sad sad = sad(r);
    assertEquals(0x1000, sad.getSpi(LOCAL, PEER)); // after 0, 1, 255
    assertEquals(-1, sad.getSpi(LOCAL, PEER)); // 0xFFFFFFFF: after two collisions
    assertEquals(256, sad.getSpi(LOCAL, PEER)); // the lowest valid SPI
    assertEquals(0x2000, sad.getSpi(LOCAL, PEER)); // after one more collision
    assertEquals(10, r.calls);
  }

  @Test
  void aDeletedSpiMayBeReused() {
    Sad sad = sad(new ScriptedRandom(List.of(0x1000, 0x1000, 0x3000, 0x1000)));
    assertEquals(0x1000, sad.getSpi(LOCAL, PEER));
    assertEquals(0x3000, sad.getSpi(LOCAL, PEER));
    assertEquals(SadStatus.OK, sad.delete(Direction.IN, 0x1000, null));
    assertEquals(0x1000, sad.getSpi(LOCAL, PEER));
  }

  @Test
  void aManuallyAddedSpiIsNeverHandedOut() {
    Sad sad = sad(new ScriptedRandom(List.of(0x5000, 0x6000)));
    assertEquals(SadStatus.OK, sad.add(Fixtures.spec(Direction.IN, 0x5000, 1, PEER)));
    assertEquals(0x6000, sad.getSpi(LOCAL, PEER));
  }

  @Test
  void exhaustionIsReportedNotLooped() {
    Sad sad = sad(new ScriptedRandom(List.of(0x1000)));
    SecurityAssociation first = sad.findInbound(sad.getSpi(LOCAL, PEER));
    assertThrows(IllegalStateException.class, () -> sad.getSpi(LOCAL, PEER));
    assertSame(first, sad.findInbound(0x1000));
    assertEquals(1, sad.inboundCount());
  }
}
