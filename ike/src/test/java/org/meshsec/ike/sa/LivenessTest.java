package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Message;

/**
 * Liveness that repairs and does not feed on itself: ESP for an unknown SPI from a configured peer
 * we hold no IKE SA with starts one with INITIAL_CONTACT (RFC 7296 section 2.4); ESP from the peer
 * is proof of life, so no DPD check is sent while it flows (section 2.4, RFC 3706 section 5.1);
 * failed initiations and DPD restarts are retried with back-off, and duplicates still converge.
 */
class LivenessTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static Testbed with(DpdConfig dpdA, DpdConfig dpdB, StartAction start) {
    return Testbed.custom(
        EngineSettings.DEFAULT,
        (self, other) ->
            Testbed.peer(self, other)
                .dpd(self == 1 ? dpdA : dpdB)
                .child(Testbed.subnetChild(self, other).startAction(start).build())
                .build());
  }

  private static DpdConfig dpd(DpdAction action) {
    return new DpdConfig(Duration.ofSeconds(10), Duration.ZERO, action);
  }

  /** The times at which {@code n} sent the first copy of an IKE_SA_INIT request. */
  private final List<Instant> initTimes = new ArrayList<>();

  private void recordInits(TestNode n, int from) {
    for (int i = from; i < n.seen.size(); i++) {
      Message m = n.seen.get(i).message();
      if (n.seen.get(i).outbound()
          && m.header().isRequest()
          && m.header().exchangeType().equals(ExchangeType.IKE_SA_INIT)) {
        initTimes.add(t.clock.now());
      }
    }
  }

  /** Runs {@code d} in 100 ms steps, noting a's IKE_SA_INIT requests as they are sent. */
  private void runNotingInits(Duration d) {
    Duration step = Duration.ofMillis(100);
    for (Duration x = Duration.ZERO; x.compareTo(d) < 0; x = x.plus(step)) {
      int before = t.a.seen.size();
      t.clock.advance(step);
      recordInits(t.a, before);
      before = t.a.seen.size();
      t.net.deliverAll();
      recordInits(t.a, before);
    }
  }

  private long informationalRequestsSentBy(TestNode n) {
    return n.seen.stream()
        .filter(s -> s.outbound() && s.message().header().isRequest())
        .filter(s -> s.message().header().exchangeType().equals(ExchangeType.INFORMATIONAL))
        .count();
  }

  // ---------------------------------------------------------------- unknown SPI repair

  @Test
  void espFromAPeerThatKeptItsSasAfterOurRestartStartsAnIkeSaWithInitialContact() {
    t = with(DpdConfig.DISABLED, DpdConfig.DISABLED, StartAction.TRAP);
    t.connect();
    IkeSaInfo old = t.b.onlySa();
    int staleSpi = old.children().get(0).outboundSpi(); // b still sends ESP with it

    // a restarts: no state, same address and configuration
    PeerConfig config =
        Testbed.peer(1, 2)
            .child(Testbed.subnetChild(1, 2).startAction(StartAction.TRAP).build())
            .build();
    t.rebootA(EngineSettings.DEFAULT, config, 99);
    InetSocketAddress fromB = new InetSocketAddress(t.b.address, 4500);

    // ESP from b for an SPI a lost, twice at once: one initiation
    t.a.engine.unknownSpi(staleSpi, fromB);
    t.a.engine.unknownSpi(staleSpi, fromB);
    t.clock.runPending();
    assertEquals(1, t.a.engine.stats().unknownSpiRepairs.get());
    assertEquals(1, t.a.sas().size());
    // IKE_SA_INIT -->, <-- IKE_SA_INIT
    t.net.deliverNext();
    t.net.deliverNext();
    // IKE_AUTH { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } -->
    Exchanges.step(
        t.net, t.a, t.b, "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } ]");
    t.net.deliverAll();

    IkeSaInfo fresh = t.b.onlySa();
    assertNotEquals(old.id(), fresh.id(), "b dropped its stale IKE SA");
    assertEquals(IkeSaState.ESTABLISHED, fresh.state());
    assertEquals(1, t.b.ipsec.installed().size(), "only the new pair on b");
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);

    // more stale ESP in flight: now answered inside the IKE SA (INVALID_SPI), no new initiation
    t.a.engine.unknownSpi(staleSpi, fromB);
    t.clock.runPending();
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 2 [ SK { N(INVAL_SPI) } ]");
    t.net.deliverAll();
    assertEquals(1, t.a.engine.stats().unknownSpiRepairs.get());
    assertEquals(1, t.a.sas().size());
  }

  @Test
  void unknownSpiRepairsAreRateLimitedPerPeerAndIgnoreUnconfiguredSenders() {
    t = with(DpdConfig.DISABLED, DpdConfig.DISABLED, StartAction.TRAP);
    t.net.setUnreachable(t.b.address, true); // the repair cannot complete
    InetSocketAddress fromB = new InetSocketAddress(t.b.address, 4500);
    t.a.engine.unknownSpi(0x1234, new InetSocketAddress(TestNode.address(9), 4500));
    t.clock.runPending();
    assertTrue(t.a.sas().isEmpty(), "no peer at 10.0.0.9");

    t.a.engine.unknownSpi(0x1234, fromB);
    t.clock.runPending();
    assertEquals(1, t.a.engine.stats().unknownSpiRepairs.get());
    t.run(Duration.ofSeconds(31)); // the initiation gives up
    assertTrue(t.a.sas().isEmpty());
    t.a.engine.unknownSpi(0x1234, fromB);
    t.clock.runPending();
    assertEquals(2, t.a.engine.stats().unknownSpiRepairs.get(), "10 s later: again");
    t.a.engine.unknownSpi(0x1234, fromB);
    t.clock.runPending();
    assertEquals(2, t.a.engine.stats().unknownSpiRepairs.get());
  }

  @Test
  void invalidSpiRateLimitForgetsOldSpisAndHoldsABoundedNumber() {
    t = with(DpdConfig.DISABLED, DpdConfig.DISABLED, StartAction.TRAP);
    t.connect();
    InetSocketAddress fromB = new InetSocketAddress(t.b.address, 4500);
    long before = informationalRequestsSentBy(t.a);

    // ESP with 3000 random SPIs from b's address within a second: at most 1024 remembered and told
    int n = 3 * SaManager.INVALID_SPI_MEMORY;
    for (int i = 0; i < n; i++) {
      t.a.engine.unknownSpi(0x100000 + i, fromB);
    }
    t.clock.runPending();
    t.net.deliverAll(10 * n);
    assertEquals(SaManager.INVALID_SPI_MEMORY, t.a.engine.manager().invalidSpisRemembered());
    assertEquals(
        before + SaManager.INVALID_SPI_MEMORY,
        informationalRequestsSentBy(t.a),
        "one INVALID_SPI per remembered SPI, none for the others");

    // a minute later the old entries expire: one new SPI leaves one entry, and an old SPI can be
    // told again
    t.run(Duration.ofSeconds(61));
    t.a.engine.unknownSpi(0x100000, fromB);
    t.settle();
    assertEquals(1, t.a.engine.manager().invalidSpisRemembered());
    assertEquals(before + SaManager.INVALID_SPI_MEMORY + 1, informationalRequestsSentBy(t.a));
    t.a.engine.unknownSpi(0x100000, fromB);
    t.settle();
    assertEquals(before + SaManager.INVALID_SPI_MEMORY + 1, informationalRequestsSentBy(t.a));
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
  }

  // ---------------------------------------------------------------- DPD proof of life

  @Test
  void espFromThePeerIsProofOfLifeSoNoDpdCheckIsSentWhileItFlows() {
    t = with(dpd(DpdAction.CLEAR), DpdConfig.DISABLED, StartAction.TRAP);
    t.connect();
    int inbound = t.a.ipsec.installed().get(0).sa().inboundSpi();
    long before = informationalRequestsSentBy(t.a);

    // two minutes of ESP from b (one packet a second), while b's IKE is unreachable (loss)
    t.net.setUnreachable(t.b.address, true);
    for (int s = 0; s < 120; s++) {
      t.a.ipsec.espReceived(inbound);
      t.run(Duration.ofSeconds(1));
    }
    assertEquals(before, informationalRequestsSentBy(t.a), "no DPD while ESP flows in");
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(0, t.a.engine.stats().deadPeers.get());

    // ESP stops: a DPD check 10 s after the last packet, and after 30 s without answer, dead
    t.run(Duration.ofSeconds(10));
    assertEquals(before + 1, informationalRequestsSentBy(t.a));
    t.run(Duration.ofSeconds(31));
    assertTrue(t.a.sas().isEmpty());
    assertEquals(1, t.a.engine.stats().dpdFailures.get());
  }

  // ---------------------------------------------------------------- back-off

  @Test
  void deadPeerRestartsBackOffForeverAndBothSidesConvergeOnOneIkeSa() {
    t = with(dpd(DpdAction.RESTART), dpd(DpdAction.RESTART), StartAction.TRAP);
    t.connect();
    t.net.setUnreachable(t.b.address, true); // a partition of 10 minutes
    runNotingInits(Duration.ofMinutes(10));
    assertEquals(1, t.a.engine.stats().dpdFailures.get(), "one DPD failure, then failed attempts");
    assertTrue(initTimes.size() >= 6, "a keeps trying: " + initTimes);
    for (int i = 1; i < initTimes.size(); i++) {
      Duration gap = Duration.between(initTimes.get(i - 1), initTimes.get(i));
      // each attempt retransmits for 30 s, then waits; the wait is capped at 60 s
      assertTrue(gap.compareTo(Duration.ofSeconds(30)) > 0, "gap " + i + ": " + gap);
      assertTrue(gap.compareTo(Duration.ofSeconds(91)) < 0, "gap " + i + ": " + gap);
    }
    Duration first = Duration.between(initTimes.get(0), initTimes.get(1));
    Duration late =
        Duration.between(initTimes.get(initTimes.size() - 2), initTimes.get(initTimes.size() - 1));
    assertTrue(late.compareTo(first) > 0, "the waits grow: " + first + " then " + late);
    assertTrue(t.a.engine.stats().backoffRestarts.get() >= 6);

    // the partition heals: both sides' retries meet; exactly one IKE SA and one pair remain
    t.net.setUnreachable(t.b.address, false);
    t.run(Duration.ofMinutes(3));
    IkeSaInfo ia = t.a.onlySa();
    IkeSaInfo ib = t.b.onlySa();
    assertEquals(IkeSaState.ESTABLISHED, ia.state());
    assertEquals(IkeSaState.ESTABLISHED, ib.state());
    assertEquals(1, ia.children().size());
    assertEquals(1, ib.children().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    long restarts = t.a.engine.stats().backoffRestarts.get();
    t.run(Duration.ofMinutes(5));
    assertEquals(restarts, t.a.engine.stats().backoffRestarts.get(), "no retry once up");
  }

  @Test
  void startActionStartIsRetriedWithoutTrafficUntilThePeerAnswers() {
    t = with(DpdConfig.DISABLED, DpdConfig.DISABLED, StartAction.START);
    t.net.setUnreachable(t.b.address, true);
    t.a.engine.start();
    runNotingInits(Duration.ofMinutes(5));
    assertTrue(initTimes.size() >= 4, "a keeps trying: " + initTimes);
    assertTrue(t.a.sas().size() <= 1);

    t.net.setUnreachable(t.b.address, false);
    t.run(Duration.ofMinutes(2));
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(1, t.a.ipsec.installed().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void aFailedTrafficTriggeredInitiationIsRetriedInSecondsWhilePacketsWait() {
    t = with(DpdConfig.DISABLED, DpdConfig.DISABLED, StartAction.TRAP);
    t.net.setUnreachable(t.b.address, true);
    t.a.ipsec.acquirePending(Testbed.POLICY, t.b.address, true);
    t.a.engine.acquire(Testbed.POLICY, t.b.address);
    int seen = t.a.seen.size();
    t.clock.runPending();
    recordInits(t.a, seen);
    runNotingInits(Duration.ofSeconds(35));
    assertEquals(2, initTimes.size(), "retried: " + initTimes);
    Duration gap = Duration.between(initTimes.get(0), initTimes.get(1));
    // 30 s of retransmissions, then a wait of at most 1 s (not another acquire timeout)
    assertTrue(gap.compareTo(Duration.ofSeconds(31)) <= 0, "gap " + gap);

    // an acquire while a retry waits joins it instead of initiating at once
    runNotingInits(Duration.ofSeconds(30)); // the second attempt fails too
    int attempts = initTimes.size();
    t.a.engine.acquire(Testbed.POLICY, t.b.address);
    int n = t.a.seen.size();
    t.clock.runPending();
    recordInits(t.a, n);
    assertEquals(attempts, initTimes.size(), "no extra initiation during the wait");

    // no packets wait any more: the retries stop
    t.a.ipsec.acquirePending(Testbed.POLICY, t.b.address, false);
    runNotingInits(Duration.ofMinutes(3));
    assertTrue(initTimes.size() <= attempts + 1, "retries stopped: " + initTimes);
    t.net.setUnreachable(t.b.address, false);
    t.run(Duration.ofMinutes(1));
    assertTrue(t.a.sas().isEmpty());
    assertFalse(t.a.engine.isShuttingDown());
  }

  // ---------------------------------------------------------------- trap race

  /**
   * Both nodes acquire at once (trap mode), so two IKE SAs with a Child SA each come up and the
   * redundant one is deleted. A packet sent on a pair after the peer dropped its inbound SA is lost
   * (XfrmInNoStates), and the peer drops it as soon as our Delete arrives: so from the moment the
   * deleting side's Delete request exists, it must send on the surviving pair only, while its own
   * inbound SA of the dying pair stays to receive what the peer sent before it saw the Delete.
   * Checked after every datagram of the whole exchange.
   */
  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16})
  void whenBothAcquireAtOnceNoPacketIsSentOnAPairThePeerIsDeleting(long seed) {
    t =
        Testbed.seeded(
            EngineSettings.DEFAULT,
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other).child(Testbed.subnetChild(self, other).build()).build(),
            seed,
            seed + 1000);
    t.a.engine.acquire(Testbed.POLICY, t.b.address);
    t.b.engine.acquire(Testbed.POLICY, t.a.address);
    int deleting = 0;
    for (int step = 0; step < 200; step++) {
      t.clock.runPending();
      deleting += checkDeletingSidesStoppedSending(t.a) + checkDeletingSidesStoppedSending(t.b);
      if (t.net.pending() == 0) {
        t.clock.advance(Duration.ofMillis(100));
        if (t.net.pending() == 0) {
          break;
        }
      }
      t.net.deliverNext();
    }
    assertTrue(deleting > 0, "a duplicate was deleted");
    IkeSaInfo ia = t.a.onlySa();
    assertEquals(IkeSaState.ESTABLISHED, ia.state());
    assertEquals(1, ia.children().size());
    assertEquals(1, t.a.ipsec.installed().size());
    assertTrue(t.a.ipsec.sendsOn(ia.children().get(0).inboundSpi()));
    assertTrue(t.b.ipsec.sendsOn(t.b.onlySa().children().get(0).inboundSpi()));
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  /** The pairs of {@code n} being deleted by {@code n}: none may still send; returns how many. */
  private static int checkDeletingSidesStoppedSending(TestNode n) {
    int found = 0;
    for (IkeSaInfo sa : n.sas()) {
      for (ChildSaInfo c : sa.children()) {
        boolean dying = sa.state() == IkeSaState.DELETING || c.state() == ChildSaState.DELETING;
        if (dying && n.ipsec.byInbound(c.inboundSpi()).isPresent()) {
          found++;
          assertFalse(
              n.ipsec.sendsOn(c.inboundSpi()),
              n + " still sends on a pair whose Delete it sent: " + sa + " " + c);
        }
      }
    }
    return found;
  }
}
