package org.meshsec.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The back-off schedule that docs/operations.md states: 1 s, 2 s, 4 s, ... 60 s, upper half. */
class ReconnectBackoffTest {

  @Test
  void nominalWaitsDoubleUpToTheCap() {
    ReconnectBackoff b = ReconnectBackoff.DEFAULT;
    long[] seconds = {1, 2, 4, 8, 16, 32, 60, 60};
    for (int n = 1; n <= seconds.length; n++) {
      assertEquals(Duration.ofSeconds(seconds[n - 1]), b.nominal(n), "failure " + n);
    }
    assertEquals(Duration.ofSeconds(60), b.nominal(1000), "no overflow");
    assertEquals(Duration.ofMinutes(2), b.resetAfter());
  }

  @Test
  void eachWaitIsDrawnFromTheUpperHalfOfItsNominalWait() {
    ReconnectBackoff b = ReconnectBackoff.DEFAULT;
    SplittableRandom r = new SplittableRandom(7);
    for (int n = 1; n <= 10; n++) {
      long nominal = b.nominal(n).toMillis();
      long min = Long.MAX_VALUE;
      long max = 0;
      for (int i = 0; i < 2000; i++) {
        long d = b.delay(n, r).toMillis();
        assertTrue(d >= nominal / 2 && d <= nominal, n + ": " + d);
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      assertTrue(max - min > nominal / 4, "spread at " + n + ": " + min + ".." + max);
    }
  }

  @Test
  void badSchedulesAreRefused() {
    Duration s = Duration.ofSeconds(1);
    assertThrows(
        IllegalArgumentException.class, () -> new ReconnectBackoff(Duration.ZERO, s, 0, s));
    assertThrows(
        IllegalArgumentException.class, () -> new ReconnectBackoff(s, Duration.ofMillis(1), 0, s));
    assertThrows(IllegalArgumentException.class, () -> new ReconnectBackoff(s, s, 1.5, s));
  }
}
