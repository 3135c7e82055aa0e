package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.config.RetransmitPolicy;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.v1.message.Datagram;

/**
 * Two {@link V1TaskManager}s in one process, in virtual time, joined by queues that the test
 * delivers (or loses) message by message.
 */
class V1TaskManagerTest {
  private static final RetransmitPolicy POLICY =
      new RetransmitPolicy(Duration.ofSeconds(1), 2, 3, Duration.ofSeconds(30));

  private final ManualScheduler clock = new ManualScheduler();
  private final Deque<byte[]> toR = new ArrayDeque<>();
  private final Deque<byte[]> toI = new ArrayDeque<>();
  private final MemoryIpsec ipsecI = new MemoryIpsec(0x0100_0000);
  private final MemoryIpsec ipsecR = new MemoryIpsec(0x0200_0000);
  private final List<String> eventsI = new ArrayList<>();
  private final List<String> eventsR = new ArrayList<>();

  private V1TaskManager manager(
      boolean initiator, Deque<byte[]> out, MemoryIpsec ipsec, List<String> events) {
    return manager(initiator, out, ipsec, events, Runnable::run);
  }

  private V1TaskManager manager(
      boolean initiator,
      Deque<byte[]> out,
      MemoryIpsec ipsec,
      List<String> events,
      java.util.concurrent.Executor executor) {
    MainModeExchange p1 =
        initiator
            ? MainModeExchange.initiator(
                V1Peers.phase1Config("192.0.2.1"), new DeterministicRandom(41))
            : MainModeExchange.responder(
                V1Peers.phase1Config("192.0.2.2"), new DeterministicRandom(42));
    V1TaskManager.Listener l =
        new V1TaskManager.Listener() {
          @Override
          public void established(Phase1State sa) {
            events.add("established");
          }

          @Override
          public void childInstalled(QuickMode task) {
            events.add("child");
          }

          @Override
          public void failed(boolean phase1, String reason) {
            events.add((phase1 ? "phase 1 " : "quick mode ") + "failed");
          }
        };
    return new V1TaskManager(
        p1,
        clock,
        executor,
        POLICY,
        out::add,
        l,
        ipsec,
        initiator ? V1Peers.I : V1Peers.R,
        initiator ? V1Peers.R : V1Peers.I,
        V1Peers.qm(
            List.of(EspSuite.AES128_GCM16),
            DhGroup.NONE,
            initiator ? "10.0.0.1" : "10.0.1.1",
            initiator ? "10.0.1.1" : "10.0.0.1",
            0,
            0));
  }

  private static String kind(byte[] d) {
    return Datagram.decode(d).orElseThrow().header().exchangeType().toString();
  }

  /**
   * The retransmission timer of Main Mode (5) fires while (6) is being processed on the SA's
   * executor: the timeout, run after (6) completed the exchange, must neither resend (5) nor, in
   * the end, declare the established SA failed.
   */
  @Test
  void aTimerThatFiresAsTheAnswerArrivesDoesNothing() throws Exception {
    Deque<Runnable> queued = new ArrayDeque<>();
    V1TaskManager i = manager(true, toR, ipsecI, eventsI, queued::add);
    V1TaskManager r = manager(false, toI, ipsecR, eventsR);
    i.start();
    r.receive(toR.poll());
    i.receive(toI.poll());
    r.receive(toR.poll());
    i.receive(toI.poll()); // (5) sent, its timer armed
    r.receive(toR.poll()); // (6) on its way
    clock.advance(Duration.ofSeconds(1)); // the timer fires: its work waits on the executor
    assertEquals(1, queued.size());
    i.receive(toI.poll()); // (6) processed first
    assertEquals(List.of("established"), eventsI);
    while (!queued.isEmpty()) {
      queued.poll().run();
    }
    for (int s = 0; s < 60; s++) {
      clock.advance(Duration.ofSeconds(1));
      while (!queued.isEmpty()) {
        queued.poll().run();
      }
    }
    assertTrue(toR.isEmpty(), "(5) was not resent");
    assertEquals(List.of("established"), eventsI, "not failed");
  }

  @Test
  void lostMessagesAreRetransmittedAndDuplicatesAnswered() throws Exception {
    V1TaskManager i = manager(true, toR, ipsecI, eventsI);
    V1TaskManager r = manager(false, toI, ipsecR, eventsR);

    // ID_PROT HDR, SA --> lost; retransmitted after 1 s
    i.start();
    toR.poll();
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, toR.size(), "(1) retransmitted");
    r.receive(toR.poll()); // <-- HDR, SA
    i.receive(toI.poll()); // HDR, KE, Ni -->
    r.receive(toR.poll()); // <-- HDR, KE, Nr
    i.receive(toI.poll()); // HDR*, IDii, HASH_I -->
    r.receive(toR.poll()); // <-- HDR*, IDir, HASH_R : lost
    assertEquals(List.of("established"), eventsR);
    toI.poll();
    // The initiator resends (5) after its timeout; the responder recognises it by its hash and
    // resends (6) without processing (5) again.
    clock.advance(Duration.ofSeconds(1));
    r.receive(toR.poll());
    assertEquals(1, r.duplicates());
    i.receive(toI.poll());
    assertEquals(List.of("established"), eventsI);

    // QUICK_MODE HDR*, HASH(1), SA, Ni, IDci, IDcr -->
    i.initiateQuickMode(
        V1Peers.qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.0.1", "10.0.1.1", 0, 0));
    r.receive(toR.poll());
    // <-- QUICK_MODE HDR*, HASH(2), SA, Nr, IDci, IDcr
    i.receive(toI.poll());
    // QUICK_MODE HDR*, HASH(3) --> lost: the responder's SA stays LARVAL
    assertEquals("QUICK_MODE", kind(toR.poll()));
    assertEquals(List.of("established", "child"), eventsI);
    assertEquals(Set.of(0x0200_0000), ipsecR.reserved());
    // The responder resends (2); the initiator answers the duplicate with (3) again.
    clock.advance(Duration.ofSeconds(1));
    i.receive(toI.poll());
    assertEquals(1, i.duplicates());
    r.receive(toR.poll());
    assertEquals(List.of("established", "child"), eventsR);
    assertEquals(Set.of(), ipsecR.reserved(), "installed once (3) arrived");
    assertEquals(1, ipsecR.installed().size());
    assertEquals(1, ipsecI.installed().size(), "the duplicate did not install twice");

    // INFORMATIONAL HDR*, HASH(1), N(R-U-THERE) --> and the ACK back through the managers
    toR.add(i.informational().rUThere());
    r.receive(toR.poll());
    i.receive(toI.poll());
    assertEquals(-1, i.informational().outstandingDpd());
  }

  @Test
  void silentPeerFailsAfterRetriesWithBackOff() throws Exception {
    V1TaskManager i = manager(true, toR, ipsecI, eventsI);
    i.start();
    List<Long> sendTimes = new ArrayList<>();
    long t0 = clock.now().getEpochSecond();
    for (int s = 0; s < 20 && eventsI.isEmpty(); s++) {
      if (!toR.isEmpty()) {
        toR.clear();
        sendTimes.add(clock.now().getEpochSecond() - t0);
      }
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(List.of(0L, 1L, 3L, 7L), sendTimes, "sent, then resent after 1 s, 2 s, 4 s");
    assertEquals(List.of("phase 1 failed"), eventsI);
    assertTrue(clock.pendingCount() == 0, "no timer left");
  }

  /**
   * Mutated copies of every message of a whole run (phase 1, Quick Mode, DPD) fed to fresh managers
   * at the matching point: no exception escapes, garbage is counted as a drop. Seeded.
   */
  @Test
  void mutatedDatagramsNeverThrow() throws Exception {
    java.util.Random random = new java.util.Random(0x7A5C);
    V1TaskManager i = manager(true, toR, ipsecI, eventsI);
    V1TaskManager r = manager(false, toI, ipsecR, eventsR);
    List<byte[]> toResponder = new ArrayList<>();
    List<byte[]> toInitiator = new ArrayList<>();
    i.start();
    for (int n = 0; n < 6; n++) {
      Deque<byte[]> q = n % 2 == 0 ? toR : toI;
      byte[] d = q.poll();
      (n % 2 == 0 ? toResponder : toInitiator).add(d);
      (n % 2 == 0 ? r : i).receive(d);
    }
    i.initiateQuickMode(
        V1Peers.qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.0.1", "10.0.1.1", 0, 0));
    for (int n = 0; n < 3; n++) {
      Deque<byte[]> q = n % 2 == 0 ? toR : toI;
      byte[] d = q.poll();
      (n % 2 == 0 ? toResponder : toInitiator).add(d);
      (n % 2 == 0 ? r : i).receive(d);
    }
    toResponder.add(i.informational().rUThere());
    long start = System.nanoTime();
    int n = 0;
    while (System.nanoTime() - start < 2_000_000_000L && n < 20_000) {
      boolean responder = random.nextBoolean();
      List<byte[]> pool = responder ? toResponder : toInitiator;
      byte[] d = pool.get(random.nextInt(pool.size())).clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        d[random.nextInt(d.length)] = (byte) random.nextInt(256);
      }
      try {
        (responder ? r : i).receive(d);
      } catch (RuntimeException e) {
        throw new AssertionError(
            "iteration " + n + " input " + org.meshsec.ike.message.Bytes.of(d).toHex(), e);
      }
      toR.clear();
      toI.clear();
      n++;
    }
    assertTrue(i.drops() + r.drops() > 0, "garbage is counted");
    assertEquals(List.of("established", "child"), eventsI, "no exchange failed or ran twice");
    assertEquals(List.of("established", "child"), eventsR);
    assertEquals(1, ipsecR.installed().size());
    assertTrue(n > 100, "only " + n + " iterations");
  }
}
