package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.sad.Fixtures.PEER;
import static org.meshsec.core.sad.Fixtures.PEER2;
import static org.meshsec.core.sad.Fixtures.assertAllReleased;
import static org.meshsec.core.sad.Fixtures.packet;
import static org.meshsec.core.sad.Fixtures.policy;
import static org.meshsec.core.sad.Fixtures.spec;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.SaLifetime;

/** Outbound LARVAL queueing: pending acquires keyed by (policy id, peer). */
class OutboundAcquireTest extends SadTestBase {
  final Policy p1 = policy(1, PEER);

  List<ByteBuf> send(Policy p, InetAddress peer, int from, int to) {
    List<ByteBuf> bufs = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      ByteBuf b = packet(n);
      bufs.add(b);
      assertNull(sad.outbound(p, peer, b), "queued");
    }
    return bufs;
  }

  @Test
  void oneAcquirePerPolicyAndPeerHoweverManyPackets() {
    send(p1, PEER, 1, 5);
    send(p1, PEER2, 6, 6);
    send(policy(2, PEER), PEER, 7, 7);
    List<SadEvent.Acquire> acq = rec.events(SadEvent.Acquire.class);
    assertEquals(3, acq.size());
    assertSame(p1, acq.get(0).policy());
    assertEquals(PEER, acq.get(0).peer());
    assertEquals(PEER2, acq.get(1).peer());
    assertEquals(2, acq.get(2).policy().id());
    assertEquals(3, sad.pendingAcquireCount());
    assertEquals(5, sad.queuedOutbound(1, PEER));
  }

  @Test
  void queueIsBoundedAndDropsTheOldest() {
    sad = newSad(4, Sad.DEFAULT_ACQUIRE_TIMEOUT);
    List<ByteBuf> bufs = send(p1, PEER, 1, 7);
    assertEquals(4, sad.queuedOutbound(1, PEER));
    assertEquals(3, stat(XfrmStat.OUT_LARVAL_QUEUE_DROPS));
    assertAllReleased(bufs.subList(0, 3));
    assertEquals(1, bufs.get(3).refCnt());
    assertEquals(SadStatus.OK, sad.add(spec(Direction.OUT, 0x2000, 1, PEER)));
    assertEquals(List.of(4, 5, 6, 7), rec.drained);
    assertAllReleased(bufs);
  }

  @Test
  void addDrainsInOrderBeforeAnyNewPacketAndThenTheFastPathIsUsed() {
    List<ByteBuf> bufs = send(p1, PEER, 1, 5);
    assertEquals(SadStatus.OK, sad.add(spec(Direction.OUT, 0x2000, 1, PEER)));
    SecurityAssociation sa = sad.findOutbound(1, PEER);
    assertEquals(List.of(1, 2, 3, 4, 5), rec.drained);
    assertTrue(rec.drainedInto.stream().allMatch(s -> s == sa));
    assertEquals(0, sad.pendingAcquireCount());
    ByteBuf b = packet(6);
    assertSame(sa, sad.outbound(p1, PEER, b), "direct once drained");
    assertEquals(1, b.refCnt(), "caller keeps the buffer");
    b.release();
    assertEquals(5, rec.drained.size());
    assertAllReleased(bufs);
    assertEquals(1, rec.events(SadEvent.Acquire.class).size());
  }

  @Test
  void addingAnSaForAnotherPeerOrPolicyDoesNotDrain() {
    List<ByteBuf> bufs = send(p1, PEER, 1, 2);
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER2));
    sad.add(spec(Direction.OUT, 0x2001, 2, PEER));
    assertTrue(rec.drained.isEmpty());
    assertEquals(2, sad.queuedOutbound(1, PEER));
    sad.add(spec(Direction.OUT, 0x2002, 1, PEER));
    assertEquals(List.of(1, 2), rec.drained);
    assertAllReleased(bufs);
  }

  @Test
  void acquireTimesOutReleasesCountsAndLaterPacketsRaiseANewOne() {
    sad = newSad(64, Duration.ofSeconds(2));
    List<ByteBuf> bufs = send(p1, PEER, 1, 3);
    clock.advance(1_999);
    sad.tick();
    assertEquals(1, sad.pendingAcquireCount());
    assertEquals(1, bufs.get(0).refCnt());
    clock.advance(1);
    sad.tick();
    assertEquals(0, sad.pendingAcquireCount());
    assertAllReleased(bufs);
    assertEquals(3, stat(XfrmStat.ACQUIRE_TIMEOUTS));
    assertEquals(1, rec.events(SadEvent.Acquire.class).size());
    List<ByteBuf> more = send(p1, PEER, 4, 4);
    assertEquals(2, rec.events(SadEvent.Acquire.class).size(), "new pending acquire, new event");
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    assertEquals(List.of(4), rec.drained);
    assertAllReleased(more);
  }

  @Test
  void drainMayReEnterOutboundOnTheSameThreadAndGetsTheSa() {
    List<SecurityAssociation> got = new ArrayList<>();
    sad =
        Sad.builder()
            .clock(clock)
            .transforms(transforms)
            .outboundDrain(
                (sa, b) -> {
                  got.add(sad.outbound(p1, PEER, b)); // as a generic send routine would
                  b.release();
                })
            .build();
    send(p1, PEER, 1, 3);
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    SecurityAssociation sa = sad.findOutbound(1, PEER);
    assertNotNull(sa);
    assertEquals(List.of(sa, sa, sa), got);
    assertEquals(0, sad.queuedOutbound(1, PEER));
  }

  @Test
  void queueLimitZeroDropsAtOnceButStillAcquiresOnce() {
    sad = newSad(0, Sad.DEFAULT_ACQUIRE_TIMEOUT);
    List<ByteBuf> bufs = send(p1, PEER, 1, 3);
    assertAllReleased(bufs);
    assertEquals(3, stat(XfrmStat.OUT_NO_STATES));
    assertEquals(1, rec.events(SadEvent.Acquire.class).size());
  }

  @Test
  void onRekeyTheNewestMatureSaWinsThenTheDyingOne() {
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    SecurityAssociation old = sad.findOutbound(1, PEER);
    sad.add(
        spec(Direction.OUT, 0x2001, 1, PEER, new SaLifetime(0, 0, 1), new SaLifetime(0, 0, 100)));
    SecurityAssociation fresh = sad.findOutbound(1, PEER);
    assertEquals(0x2001, fresh.spi());
    ByteBuf b = packet(1);
    assertSame(fresh, sad.outbound(p1, PEER, b));
    fresh.seal(b, 4); // reaches the soft packet limit: DYING
    assertEquals(SaState.DYING, fresh.state());
    assertSame(old, sad.outbound(p1, PEER, b), "MATURE preferred over DYING");
    sad.delete(Direction.OUT, 0x2000, PEER);
    assertSame(fresh, sad.outbound(p1, PEER, b), "DYING still usable");
    sad.delete(Direction.OUT, 0x2001, PEER);
    assertNull(sad.outbound(p1, PEER, b), "no SA left: queued, acquire");
    assertEquals(1, rec.events(SadEvent.Acquire.class).size());
    sad.flush();
    assertEquals(0, b.refCnt());
  }

  @Test
  void flushReleasesAndCountsQueuedPackets() {
    List<ByteBuf> bufs = send(p1, PEER, 1, 3);
    bufs.addAll(send(p1, PEER2, 4, 5));
    assertEquals(0, sad.flush());
    assertAllReleased(bufs);
    assertEquals(5, stat(XfrmStat.OUT_LARVAL_QUEUE_DROPS));
    assertEquals(0, sad.pendingAcquireCount());
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    assertTrue(rec.drained.isEmpty());
  }

  @Test
  void hardExpiredOutboundSaLeavesItsSlotAndTheNextPacketAcquires() {
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER, SaLifetime.NONE, SaLifetime.ofSeconds(60)));
    clock.advance(60_000);
    sad.tick();
    assertNull(sad.findOutbound(1, PEER));
    ByteBuf b = packet(1);
    assertNull(sad.outbound(p1, PEER, b));
    assertEquals(1, rec.events(SadEvent.Acquire.class).size());
    sad.flush();
    assertEquals(0, b.refCnt());
  }

  /** Tasks handed to the drain thread, run when the test says. */
  static final class ManualExecutor implements java.util.concurrent.Executor {
    final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
    boolean refuse;

    @Override
    public void execute(Runnable task) {
      if (refuse) {
        throw new java.util.concurrent.RejectedExecutionException("shut down");
      }
      tasks.add(task);
    }

    void runAll() {
      Runnable r;
      while ((r = tasks.poll()) != null) {
        r.run();
      }
    }
  }

  @Test
  void onADrainThreadPacketsArrivingBeforeTheTaskRunsQueueBehindAndAllGoInOrder() {
    ManualExecutor loop = new ManualExecutor();
    sad.setDrains(rec, rec, peer -> peer.equals(PEER) ? loop : null);
    List<ByteBuf> bufs = send(p1, PEER, 1, 3);
    assertEquals(SadStatus.OK, sad.add(spec(Direction.OUT, 0x2000, 1, PEER)));
    assertTrue(rec.drained.isEmpty(), "nothing drained on the adding thread");
    assertEquals(1, loop.tasks.size());
    bufs.addAll(send(p1, PEER, 4, 5)); // the fast path stays closed until the drain ran
    assertEquals(1, rec.events(SadEvent.Acquire.class).size(), "no second ACQUIRE");
    loop.runAll();
    assertEquals(List.of(1, 2, 3, 4, 5), rec.drained);
    SecurityAssociation sa = sad.findOutbound(1, PEER);
    assertTrue(rec.drainedInto.stream().allMatch(s -> s == sa));
    assertEquals(0, sad.pendingAcquireCount());
    ByteBuf b = packet(6);
    assertSame(sa, sad.outbound(p1, PEER, b), "fast path once drained");
    b.release();
    assertAllReleased(bufs);
  }

  @Test
  void aScheduledDrainSurvivesTheAcquireDeadlineAndAFlushCancelsIt() {
    ManualExecutor loop = new ManualExecutor();
    sad.setDrains(rec, rec, peer -> loop);
    send(p1, PEER, 1, 2);
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    clock.advance(Sad.DEFAULT_ACQUIRE_TIMEOUT.toMillis() + 1);
    sad.tick();
    assertEquals(0, stat(XfrmStat.ACQUIRE_TIMEOUTS), "a drain is on its way: not timed out");
    loop.runAll();
    assertEquals(List.of(1, 2), rec.drained);

    List<ByteBuf> more = send(policy(2, PEER), PEER, 3, 4);
    sad.add(spec(Direction.OUT, 0x2001, 2, PEER));
    assertEquals(2, sad.flush(), "the flush removed both SAs");
    assertAllReleased(more);
    assertEquals(2, stat(XfrmStat.OUT_LARVAL_QUEUE_DROPS));
    loop.runAll(); // finds the acquire gone: nothing more drained
    assertEquals(List.of(1, 2), rec.drained);
  }

  @Test
  void aScheduledDrainWhoseSaWasDeletedMeanwhileUsesAnotherOrKeepsWaiting() {
    ManualExecutor loop = new ManualExecutor();
    sad.setDrains(rec, rec, peer -> loop);
    List<ByteBuf> bufs = send(p1, PEER, 1, 2);
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    sad.delete(Direction.OUT, 0x2000, PEER);
    loop.runAll();
    assertTrue(rec.drained.isEmpty());
    assertEquals(2, sad.queuedOutbound(1, PEER), "still waiting for an SA");
    sad.add(spec(Direction.OUT, 0x2001, 1, PEER));
    loop.runAll();
    assertEquals(List.of(1, 2), rec.drained);
    assertSame(sad.findOutbound(1, PEER), rec.drainedInto.get(0));
    assertAllReleased(bufs);
  }

  @Test
  void aRefusingDrainThreadMeansTheDrainRunsOnTheAddingThread() {
    ManualExecutor loop = new ManualExecutor();
    loop.refuse = true;
    sad.setDrains(rec, rec, peer -> loop);
    send(p1, PEER, 1, 2);
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    assertEquals(List.of(1, 2), rec.drained);
    assertEquals(0, sad.pendingAcquireCount());
  }

  @Test
  void aHeldOutboundSaStaysBehindTheOlderOneUntilItsHoldEnds() {
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    assertEquals(
        SadStatus.OK, sad.addHeld(spec(Direction.OUT, 0x2001, 1, PEER), Duration.ofMillis(800)));
    ByteBuf b = packet(1);
    assertEquals(0x2000, sad.outbound(p1, PEER, b).spi(), "the older SA during the hold");
    clock.advance(799);
    assertEquals(0x2000, sad.outbound(p1, PEER, b).spi());
    clock.advance(1);
    assertEquals(0x2001, sad.outbound(p1, PEER, b).spi(), "the new one once the hold ended");
    b.release();
  }

  @Test
  void aHeldOutboundSaIsUsedAtOnceWhenNothingOlderIsUsable() {
    List<ByteBuf> bufs = send(p1, PEER, 1, 2);
    sad.addHeld(spec(Direction.OUT, 0x2000, 1, PEER), Duration.ofSeconds(1));
    assertEquals(List.of(1, 2), rec.drained, "the acquire's queue drains into it");
    ByteBuf b = packet(3);
    assertEquals(0x2000, sad.outbound(p1, PEER, b).spi(), "no older SA: no hold");

    sad.add(spec(Direction.OUT, 0x2001, 2, PEER));
    sad.addHeld(spec(Direction.OUT, 0x2002, 2, PEER), Duration.ofSeconds(1));
    Policy p2 = policy(2, PEER);
    assertEquals(0x2001, sad.outbound(p2, PEER, b).spi());
    sad.delete(Direction.OUT, 0x2001, PEER);
    assertEquals(0x2002, sad.outbound(p2, PEER, b).spi(), "the older one is gone: no hold");
    b.release();
    assertAllReleased(bufs);
  }

  @Test
  void anInboundSpecIsNeverHeld() {
    assertEquals(
        SadStatus.OK, sad.addHeld(spec(Direction.IN, 0x3000, 1, PEER), Duration.ofSeconds(1)));
    assertNotNull(sad.findInbound(0x3000));
  }
}
