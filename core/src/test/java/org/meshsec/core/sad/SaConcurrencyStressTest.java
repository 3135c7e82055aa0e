package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.OpenResult;

/**
 * Many threads sealing on one outbound SA and opening on one inbound SA at once, checked against a
 * single-threaded run of the same packets: sequence numbers are handed out exactly once each, in
 * increasing order per thread (RFC 4303 section 3.3.3), and the replay window accepts each sequence
 * number exactly once and rejects every duplicate (section 3.4.3), as it does for one thread.
 * Reordering between the opening threads stays far inside the 1024-packet window.
 */
class SaConcurrencyStressTest {
  static final int THREADS = 8;
  static final int PER_THREAD = 3000;
  static final int SPI = 0x4242;
  static final int ROUND = 256;

  record Sealed(long seq, int thread, int index, byte[] esp) {}

  private static SecurityAssociation inbound() {
    Sad sad = Sad.builder().build();
    assertEquals(SadStatus.OK, sad.add(Fixtures.spec(Direction.IN, SPI, -1, Fixtures.PEER)));
    return sad.findInbound(SPI);
  }

  private static byte[] payload(int thread, int index) {
    byte[] p = new byte[64 + (index % 50)];
    Arrays.fill(p, (byte) thread);
    p[0] = (byte) (index >>> 8);
    p[1] = (byte) index;
    return p;
  }

  private static void runAll(Runnable[] tasks) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (Runnable r : tasks) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  r.run();
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      t.start();
      ts.add(t);
    }
    start.countDown();
    for (Thread t : ts) {
      t.join(120_000);
    }
    assertTrue(errors.isEmpty(), "thread failed: " + errors);
  }

  @Test
  void parallelSealAndOpenMatchTheSingleThreadedModel() throws Exception {
    Sad outSad = Sad.builder().build();
    assertEquals(SadStatus.OK, outSad.add(Fixtures.spec(Direction.OUT, SPI, 1, Fixtures.PEER)));
    SecurityAssociation out = outSad.findOutbound(1, Fixtures.PEER);

    // Seal in parallel.
    List<List<Sealed>> perThread = new ArrayList<>();
    Runnable[] sealers = new Runnable[THREADS];
    for (int t = 0; t < THREADS; t++) {
      List<Sealed> mine = new ArrayList<>();
      perThread.add(mine);
      int thread = t;
      sealers[t] =
          () -> {
            for (int i = 0; i < PER_THREAD; i++) {
              byte[] p = payload(thread, i);
              ByteBuf b = Unpooled.directBuffer(24 + p.length + 49);
              b.writerIndex(24).writeBytes(p).readerIndex(24);
              assertEquals(EspStatus.OK, out.seal(b, 4));
              long seq = b.getUnsignedInt(b.readerIndex() + 4);
              mine.add(new Sealed(seq, thread, i, ByteBufUtil.getBytes(b)));
              b.release();
            }
          };
    }
    runAll(sealers);

    int total = THREADS * PER_THREAD;
    Sealed[] bySeq = new Sealed[total + 1];
    for (List<Sealed> mine : perThread) {
      long last = 0;
      for (Sealed s : mine) {
        assertTrue(s.seq() > last, "thread " + s.thread() + ": " + s.seq() + " after " + last);
        last = s.seq();
        assertTrue(s.seq() >= 1 && s.seq() <= total, "sequence number " + s.seq());
        assertEquals(null, bySeq[(int) s.seq()], "sequence number " + s.seq() + " given twice");
        bySeq[(int) s.seq()] = s;
      }
    }
    assertEquals(total, out.info().packets());

    // What arrives: every packet in sequence order, every fifth one twice (a duplicate right
    // behind it and another 100 packets later).
    List<Sealed> arrivals = new ArrayList<>();
    for (int seq = 1; seq <= total; seq++) {
      arrivals.add(bySeq[seq]);
      if (seq % 5 == 0) {
        arrivals.add(bySeq[seq]);
      }
      if (seq > 100 && seq % 5 == 1) {
        arrivals.add(bySeq[seq - 100]);
      }
    }

    // The single-threaded model: one thread opens the arrivals in order.
    SecurityAssociation model = inbound();
    int[] modelAccepts = new int[total + 1];
    OpenResult r = new OpenResult();
    for (Sealed s : arrivals) {
      ByteBuf b = Unpooled.wrappedBuffer(s.esp().clone());
      if (model.open(b, r) == EspStatus.OK) {
        modelAccepts[(int) s.seq()]++;
      }
    }

    // The same arrivals opened by many threads taking them in order, in rounds with a barrier
    // between them: a descheduled thread cannot fall further behind than a round.
    SecurityAssociation in = inbound();
    int rounds = (arrivals.size() + ROUND - 1) / ROUND;
    AtomicInteger[] next = new AtomicInteger[rounds];
    for (int i = 0; i < rounds; i++) {
      next[i] = new AtomicInteger(i * ROUND);
    }
    CyclicBarrier barrier = new CyclicBarrier(THREADS);
    int[] accepts = new int[total + 1];
    AtomicInteger replays = new AtomicInteger();
    Runnable[] openers = new Runnable[THREADS];
    for (int t = 0; t < THREADS; t++) {
      openers[t] =
          () -> {
            OpenResult res = new OpenResult();
            for (int round = 0; round < rounds; round++) {
              int end = Math.min(arrivals.size(), (round + 1) * ROUND);
              for (int k; (k = next[round].getAndIncrement()) < end; ) {
                Sealed s = arrivals.get(k);
                ByteBuf b = Unpooled.wrappedBuffer(s.esp().clone());
                EspStatus st = in.open(b, res);
                if (st == EspStatus.OK) {
                  byte[] got = ByteBufUtil.getBytes(b);
                  assertArrayEquals(payload(s.thread(), s.index()), got, "seq " + s.seq());
                  synchronized (accepts) {
                    accepts[(int) s.seq()]++;
                  }
                } else {
                  assertEquals(EspStatus.REPLAY, st, "seq " + s.seq());
                  replays.incrementAndGet();
                }
              }
              try {
                barrier.await();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          };
    }
    runAll(openers);

    for (int seq = 1; seq <= total; seq++) {
      assertEquals(1, modelAccepts[seq], "model: seq " + seq);
    }
    assertArrayEquals(modelAccepts, accepts, "parallel opening accepts what the model accepts");
    assertEquals(arrivals.size() - total, replays.get(), "every duplicate rejected");
    assertEquals(replays.get(), in.info().replayDrops());
    assertEquals(total, in.info().packets());
  }

  /**
   * The same sealed packets and arrivals as above, opened in three steps by many threads at once
   * ({@link SecurityAssociation#openBegin}, {@link SecurityAssociation#openCrypto} on each thread's
   * own transform slot with no SA lock, {@link SecurityAssociation#openEnd}), as the decrypt pool
   * does: every sequence number is accepted exactly once, with its payload, and every duplicate is
   * a replay, even when both copies pass the check before either is committed.
   */
  @Test
  void parallelOpeningInStepsMatchesTheSingleThreadedModel() throws Exception {
    Sad outSad = Sad.builder().build();
    assertEquals(SadStatus.OK, outSad.add(Fixtures.spec(Direction.OUT, SPI, 1, Fixtures.PEER)));
    SecurityAssociation out = outSad.findOutbound(1, Fixtures.PEER);
    int total = THREADS * PER_THREAD;
    Sealed[] bySeq = new Sealed[total + 1];
    for (int i = 0; i < total; i++) {
      byte[] p = payload(i % THREADS, i / THREADS);
      ByteBuf b = Unpooled.directBuffer(24 + p.length + 49);
      b.writerIndex(24).writeBytes(p).readerIndex(24);
      assertEquals(EspStatus.OK, out.seal(b, 4));
      int seq = (int) b.getUnsignedInt(b.readerIndex() + 4);
      bySeq[seq] = new Sealed(seq, i % THREADS, i / THREADS, ByteBufUtil.getBytes(b));
      b.release();
    }
    List<Sealed> arrivals = new ArrayList<>();
    for (int seq = 1; seq <= total; seq++) {
      arrivals.add(bySeq[seq]);
      if (seq % 5 == 0) {
        arrivals.add(bySeq[seq]); // both copies usually pass openBegin before either commits
      }
      if (seq > 100 && seq % 5 == 1) {
        arrivals.add(bySeq[seq - 100]);
      }
    }

    SecurityAssociation in = inbound();
    int rounds = (arrivals.size() + ROUND - 1) / ROUND;
    AtomicInteger[] next = new AtomicInteger[rounds];
    for (int i = 0; i < rounds; i++) {
      next[i] = new AtomicInteger(i * ROUND);
    }
    CyclicBarrier barrier = new CyclicBarrier(THREADS);
    int[] accepts = new int[total + 1];
    AtomicInteger replays = new AtomicInteger();
    Runnable[] openers = new Runnable[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int slot = t;
      openers[t] =
          () -> {
            OpenResult res = new OpenResult();
            for (int round = 0; round < rounds; round++) {
              int end = Math.min(arrivals.size(), (round + 1) * ROUND);
              for (int k; (k = next[round].getAndIncrement()) < end; ) {
                Sealed s = arrivals.get(k);
                ByteBuf b = Unpooled.wrappedBuffer(s.esp().clone());
                res.clear();
                EspStatus st = in.openBegin(b, res);
                if (st == EspStatus.OK) {
                  st = in.openEnd(b, res, in.openCrypto(b, res, slot));
                }
                if (st == EspStatus.OK) {
                  assertEquals(s.seq(), res.sequence);
                  assertArrayEquals(
                      payload(s.thread(), s.index()), ByteBufUtil.getBytes(b), "seq " + s.seq());
                  synchronized (accepts) {
                    accepts[(int) s.seq()]++;
                  }
                } else {
                  assertEquals(EspStatus.REPLAY, st, "seq " + s.seq());
                  replays.incrementAndGet();
                }
              }
              try {
                barrier.await();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          };
    }
    runAll(openers);

    for (int seq = 1; seq <= total; seq++) {
      assertEquals(1, accepts[seq], "seq " + seq + " accepted once");
    }
    assertEquals(arrivals.size() - total, replays.get(), "every duplicate rejected");
    assertEquals(replays.get(), in.info().replayDrops());
    assertEquals(total, in.info().packets());

    // The SA's death closes the per-thread transforms: a later step answers CLOSED.
    assertTrue(in.kill(org.meshsec.core.stats.XfrmStat.IN_LARVAL_QUEUE_DROPS));
    OpenResult res = new OpenResult();
    res.sequence = 1;
    ByteBuf b = Unpooled.wrappedBuffer(bySeq[1].esp().clone());
    assertEquals(EspStatus.CLOSED, in.openCrypto(b, res, 0));
    assertEquals(EspStatus.CLOSED, in.openBegin(b, res));
  }
}
