package org.meshsec.ike.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(ManualScheduler.EPOCH);
  private final List<String> summaries = new ArrayList<>();

  private LogRateLimiter limiter(int maxSources) {
    return new LogRateLimiter(Duration.ofSeconds(10), maxSources, now::get, summaries::add);
  }

  private void advance(Duration d) {
    now.set(now.get().plus(d));
  }

  @Test
  void oneLinePerSourcePerIntervalThenASummary() {
    LogRateLimiter l = limiter(100);
    assertTrue(l.admit("10.0.0.1"));
    assertTrue(l.admit("10.0.0.2"));
    for (int i = 0; i < 1000; i++) {
      assertFalse(l.admit("10.0.0.1"));
    }
    assertFalse(l.admit("10.0.0.2"));
    assertEquals(1001, l.suppressed());
    advance(Duration.ofSeconds(9));
    assertFalse(l.admit("10.0.0.1"), "still within the interval");
    assertTrue(summaries.isEmpty());
    advance(Duration.ofSeconds(1));
    assertTrue(l.admit("10.0.0.1"), "a new interval");
    assertEquals(List.of("suppressed 1002 messages from 2 sources in the last 10s"), summaries);
    assertEquals(0, l.suppressed());
  }

  @Test
  void noSummaryWhenNothingWasSuppressed() {
    LogRateLimiter l = limiter(100);
    assertTrue(l.admit("a"));
    advance(Duration.ofSeconds(30));
    l.flush();
    assertTrue(l.admit("a"));
    assertTrue(summaries.isEmpty());
  }

  @Test
  void memoryIsBoundedAndTheOverflowCounted() {
    LogRateLimiter l = limiter(3);
    int admitted = 0;
    for (int i = 0; i < 10_000; i++) {
      if (l.admit("source " + i)) {
        admitted++;
      }
    }
    assertEquals(3, admitted, "beyond the table, sources are suppressed");
    advance(Duration.ofSeconds(10));
    l.flush();
    assertEquals(
        List.of("suppressed 9997 messages from more than 3 sources in the last 10s"), summaries);
  }

  @Test
  void safeUnderConcurrentCallers() throws InterruptedException {
    LogRateLimiter l = limiter(50);
    java.util.concurrent.atomic.AtomicInteger admitted =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  if (l.admit(i % 20)) {
                    admitted.incrementAndGet();
                  }
                }
              });
      th.start();
      threads.add(th);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(20, admitted.get());
    assertEquals(40_000 - 20, l.suppressed());
  }
}
