package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.meshsec.core.sad.Fixtures.LOCAL;
import static org.meshsec.core.sad.Fixtures.PEER;
import static org.meshsec.core.sad.Fixtures.number;
import static org.meshsec.core.sad.Fixtures.packet;
import static org.meshsec.core.sad.Fixtures.policy;
import static org.meshsec.core.sad.Fixtures.spec;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.stats.XfrmStat;

/**
 * The LARVAL race of {@code 000_fd98fb20fcaecc86.txt} (Solaris {@code sadb_set_lpkt}): several
 * threads deliver numbered packets for an SA that is not usable yet while another thread makes it
 * usable at a random moment. Every packet must be processed exactly once; each sender's packets in
 * its order; every packet that was queued before all those processed directly. Repeated for a
 * bounded time ({@code -Dmeshsec.stress.millis}, default 1500 ms per direction).
 */
class LarvalRaceStressTest {
  private static final int SENDERS = 3;
  private static final int PER_SENDER = 150;
  private static final int TOTAL = SENDERS * PER_SENDER;
  private static final long MILLIS = Long.getLong("meshsec.stress.millis", 1500);
  private static final int MIN_ROUNDS = 20;

  private ExecutorService pool;

  @BeforeEach
  void startPool() {
    pool = Executors.newFixedThreadPool(SENDERS + 1);
  }

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "stress threads did not stop");
  }

  /** What happened to each packet number in one round. */
  static final class Tracker {
    final AtomicLong clock = new AtomicLong();
    final AtomicIntegerArray count = new AtomicIntegerArray(TOTAL);
    final long[] stamp = new long[TOTAL];
    final boolean[] drained = new boolean[TOTAL];

    void processed(int n, boolean viaDrain) {
      count.incrementAndGet(n);
      stamp[n] = clock.incrementAndGet();
      drained[n] = viaDrain;
    }

    /** Checks the round; returns whether it had both queued and direct packets. */
    boolean verify(String round) {
      long lastDrained = 0;
      long firstDirect = Long.MAX_VALUE;
      int drainedCount = 0;
      for (int n = 0; n < TOTAL; n++) {
        if (count.get(n) != 1) {
          fail(round + ": packet " + n + " processed " + count.get(n) + " times");
        }
        if (drained[n]) {
          drainedCount++;
          lastDrained = Math.max(lastDrained, stamp[n]);
        } else {
          firstDirect = Math.min(firstDirect, stamp[n]);
        }
      }
      for (int t = 0; t < SENDERS; t++) {
        for (int i = 1; i < PER_SENDER; i++) {
          int n = t * PER_SENDER + i;
          if (stamp[n] <= stamp[n - 1]) {
            fail(round + ": sender " + t + " packet " + n + " processed before " + (n - 1));
          }
        }
      }
      if (lastDrained > firstDirect) {
        fail(round + ": a packet was processed directly before the queue was drained");
      }
      return drainedCount > 0 && drainedCount < TOTAL;
    }
  }

  interface Deliver {
    /** Offers packet {@code b} numbered {@code n}; processes it if the SAD hands it back. */
    void offer(int n, ByteBuf b);
  }

  /**
   * One round: SENDERS threads offer their packets; the installer runs {@code install} once {@code
   * installAfter} packets were offered. Returns whether the round was mixed.
   */
  private boolean round(
      String name, int installAfter, Deliver deliver, Callable<SadStatus> install, Tracker tr)
      throws Exception {
    ByteBuf[] bufs = new ByteBuf[TOTAL];
    AtomicInteger offered = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(SENDERS + 1);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < SENDERS; t++) {
      int base = t * PER_SENDER;
      fs.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < PER_SENDER; i++) {
                  int n = base + i;
                  ByteBuf b = packet(n);
                  bufs[n] = b;
                  deliver.offer(n, b);
                  offered.incrementAndGet();
                }
                return null;
              }));
    }
    Future<SadStatus> installer =
        pool.submit(
            () -> {
              start.await();
              while (offered.get() < installAfter) {
                Thread.yield();
              }
              return install.call();
            });
    for (Future<?> f : fs) {
      f.get(20, TimeUnit.SECONDS);
    }
    assertEquals(SadStatus.OK, installer.get(20, TimeUnit.SECONDS), name);
    boolean mixed = tr.verify(name);
    for (int n = 0; n < TOTAL; n++) {
      assertEquals(0, bufs[n].refCnt(), name + ": buffer " + n + " leaked");
    }
    return mixed;
  }

  @Test
  void inboundPacketsRacingUpdateAreProcessedExactlyOnceAndInOrder() throws Exception {
    Random rnd = new Random(11);
    long deadline = System.nanoTime() + MILLIS * 1_000_000;
    int rounds = 0;
    int mixed = 0;
    while (rounds < MIN_ROUNDS || System.nanoTime() < deadline) {
      Tracker tr = new Tracker();
      Sad sad =
          Sad.builder()
              .random(new Random(rnd.nextLong()))
              .transforms(new FakeTransform.Factory())
              .larvalQueueLimit(TOTAL)
              .inboundDrain(
                  (sa, b) -> {
                    tr.processed(number(b), true);
                    b.release();
                  })
              .build();
      int spi = sad.getSpi(LOCAL, PEER);
      Deliver deliver =
          (n, b) -> {
            SecurityAssociation sa = sad.inbound(spi, b);
            if (sa != null) {
              tr.processed(n, false);
              b.release();
            }
          };
      int after = rnd.nextInt(TOTAL + 1);
      if (round(
          "inbound round " + rounds + " (update after " + after + ")",
          after,
          deliver,
          () -> sad.update(spec(Direction.IN, spi, 1, PEER)),
          tr)) {
        mixed++;
      }
      assertEquals(0, sad.stats().get(XfrmStat.IN_LARVAL_QUEUE_DROPS));
      rounds++;
    }
    assertTrue(mixed > 0, "no round had both queued and direct packets: the race was not run");
  }

  @Test
  void outboundPacketsRacingSaInstallAreSentExactlyOnceAndInOrder() throws Exception {
    Random rnd = new Random(12);
    Policy policy = policy(9, PEER);
    long deadline = System.nanoTime() + MILLIS * 1_000_000;
    int rounds = 0;
    int mixed = 0;
    while (rounds < MIN_ROUNDS || System.nanoTime() < deadline) {
      Tracker tr = new Tracker();
      AtomicInteger acquires = new AtomicInteger();
      Sad sad =
          Sad.builder()
              .transforms(new FakeTransform.Factory())
              .larvalQueueLimit(TOTAL)
              .outboundDrain(
                  (sa, b) -> {
                    tr.processed(number(b), true);
                    b.release();
                  })
              .build();
      sad.setListener(
          e -> {
            if (e instanceof SadEvent.Acquire) {
              acquires.incrementAndGet();
            }
          });
      Deliver deliver =
          (n, b) -> {
            SecurityAssociation sa = sad.outbound(policy, PEER, b);
            if (sa != null) {
              tr.processed(n, false);
              b.release();
            }
          };
      int after = rnd.nextInt(TOTAL + 1);
      int spi = 0x1000 + rounds;
      String name = "outbound round " + rounds + " (install after " + after + ")";
      if (round(name, after, deliver, () -> sad.add(spec(Direction.OUT, spi, 9, PEER)), tr)) {
        mixed++;
      }
      boolean anyQueued = false;
      for (boolean d : tr.drained) {
        anyQueued |= d;
      }
      assertEquals(anyQueued ? 1 : 0, acquires.get(), name + ": ACQUIRE count");
      assertEquals(0, sad.pendingAcquireCount(), name);
      rounds++;
    }
    assertTrue(mixed > 0, "no round had both queued and direct packets: the race was not run");
  }
}
