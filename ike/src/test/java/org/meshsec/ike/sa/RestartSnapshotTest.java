package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.RekeySchedule;

/**
 * A hot restart of IKE SAs: an established SA exported from one engine ({@link
 * IkeEngine#exportForRestart}) and restored into a fresh one ({@link IkeEngine#restore}) carries on
 * with the peer without any exchange: its Message IDs continue, so a Child SA rekey, an IKE rekey,
 * a liveness check and a Delete all work on it.
 */
class RestartSnapshotTest {
  private static final Duration WAIT = Duration.ofSeconds(2);
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static PeerConfig config(int self, int other) {
    return Testbed.peer(self, other)
        .ikeLifetime(RekeySchedule.of(Duration.ofHours(3), Duration.ZERO, Duration.ofHours(4)))
        .child(Testbed.subnetChild(self, other).proposals(EspProposal.AES128GCM).build())
        .build();
  }

  /** Established, with one Child SA rekey done so that both Message IDs are above 0. */
  private void established() {
    t =
        Testbed.seeded(
            EngineSettings.DEFAULT, EngineSettings.DEFAULT, RestartSnapshotTest::config, 1, 2);
    t.connect();
    t.b.engine.rekeyChild("a", "net");
    t.settle();
    assertEquals(ChildSaState.INSTALLED, t.a.onlySa().children().get(0).state());
  }

  /**
   * The export waits for each SA's executor, which the virtual-time scheduler runs only when the
   * test says so: it runs on another thread while this one drives the scheduler.
   */
  private List<IkeSaSnapshot> export(TestNode n) {
    CompletableFuture<List<IkeSaSnapshot>> f =
        CompletableFuture.supplyAsync(() -> n.engine.exportForRestart(WAIT));
    while (!f.isDone()) {
      t.clock.runPending();
      Thread.onSpinWait();
    }
    return f.join();
  }

  /** a stops for restart and comes back as a fresh engine with its snapshot restored. */
  private IkeSaSnapshot restartA() {
    List<IkeSaSnapshot> out = export(t.a);
    assertEquals(1, out.size());
    IkeSaSnapshot s = out.get(0);
    long sentBefore = t.net.sentCount();
    t.rebootA(EngineSettings.DEFAULT, config(1, 2), 99);
    assertEquals(Optional.empty(), t.a.engine.restore(s));
    t.settle();
    assertEquals(sentBefore, t.net.sentCount(), "no exchange at the restart");
    return s;
  }

  @Test
  void theSnapshotHoldsWhatTheSaNegotiated() {
    established();
    IkeSaInfo before = t.a.onlySa();
    try (IkeSaSnapshot s = export(t.a).get(0)) {
      assertEquals("b", s.peer());
      assertEquals(before.initiatorSpi(), s.spiI());
      assertEquals(before.responderSpi(), s.spiR());
      assertTrue(s.originalInitiator());
      assertEquals(before.proposal(), s.proposal());
      assertEquals(2, s.nextRequestId(), "IKE_SA_INIT and IKE_AUTH sent");
      assertEquals(2, s.nextResponseId(), "b's CREATE_CHILD_SA and INFORMATIONAL answered");
      assertEquals("node2.mesh", s.peerIdentity().text());
      assertEquals(1, s.children().size());
      assertEquals(before.children().get(0).inboundSpi(), s.children().get(0).inboundSpi());
      assertTrue(s.rekeyIn().compareTo(Duration.ofHours(3)) <= 0);
      assertTrue(s.lifeLeft().compareTo(Duration.ofHours(4)) <= 0);
      assertTrue(s.toString().contains("with b"), s.toString());
    }
  }

  @Test
  void aRestoredSaRekeysItsChildAndItselfAndDeletes() {
    established();
    IkeSaInfo b = t.b.onlySa();
    int oldChild = t.a.onlySa().children().get(0).inboundSpi();
    IkeSaSnapshot s = restartA();
    IkeSaInfo a = t.a.onlySa();
    assertEquals(IkeSaState.ESTABLISHED, a.state());
    assertEquals(b.initiatorSpi(), a.initiatorSpi());
    assertEquals(1, a.children().size());

    // a liveness check from the peer is answered on the restored SA (Message ID continuity)
    CompletableFuture<Boolean> alive = t.b.engine.probe("a", Duration.ofSeconds(5));
    t.run(Duration.ofMillis(500));
    assertTrue(alive.getNow(false), "the peer's liveness check was answered");
    // and ours is answered by the peer
    CompletableFuture<Boolean> back = t.a.engine.probe("b", Duration.ofSeconds(5));
    t.run(Duration.ofMillis(500));
    assertTrue(back.getNow(false), "our liveness check was answered");

    // CREATE_CHILD_SA (rekey of the resumed child) --> and back
    t.a.engine.rekeyChild("b", "net");
    t.settle();
    List<ChildSaInfo> kids = t.a.onlySa().children();
    assertEquals(1, kids.size(), "a: " + kids);
    assertNotEquals(oldChild, kids.get(0).inboundSpi());
    assertEquals(1, t.b.onlySa().children().size());

    // CREATE_CHILD_SA (IKE rekey) --> and back
    t.a.engine.rekey("b");
    t.settle();
    assertNotEquals(a.initiatorSpi(), t.a.onlySa().initiatorSpi());
    assertEquals(t.a.onlySa().initiatorSpi(), t.b.onlySa().initiatorSpi());

    // INFORMATIONAL { D(IKE) } -->: the peer honours it
    t.a.engine.terminate("b");
    t.settle();
    assertEquals(List.of(), t.a.sas());
    assertEquals(List.of(), t.b.sas());
    s.close();
  }

  @Test
  void thePeersRequestsReachTheRestoredResponderSide() {
    established();
    restartA();
    // b (the original responder) rekeys the Child SA: a answers with the next Message ID
    t.b.engine.rekeyChild("a", "net");
    t.settle();
    assertEquals(1, t.a.onlySa().children().size());
    assertEquals(0, t.b.engine.stats().unexpectedMessageIds.get());
    assertEquals(0, t.a.engine.stats().unexpectedMessageIds.get());
    // and deletes the IKE SA
    t.b.engine.terminate("a");
    t.settle();
    assertEquals(List.of(), t.a.sas());
  }

  @Test
  void anSaWithAnExchangeUnderWayIsNotExported() {
    established();
    t.a.engine.rekeyChild("b", "net");
    t.clock.runPending(); // the request is sent, its answer not delivered
    assertEquals(List.of(), export(t.a));
  }

  @Test
  void keysThatDoNotFitTheProposalAreRefused() {
    established();
    IkeSaSnapshot s = export(t.a).get(0);
    t.rebootA(EngineSettings.DEFAULT, config(1, 2), 99);
    try (IkeSaSnapshot cut =
        new IkeSaSnapshot(
            s.peer(),
            s.originalInitiator(),
            s.spiI(),
            s.spiR(),
            s.proposal(),
            org.meshsec.esp.SecretBytes.wrap(new byte[7]),
            s.nonceI(),
            s.nonceR(),
            s.nextRequestId(),
            s.nextResponseId(),
            s.peerIdType(),
            s.peerIdData(),
            s.local(),
            s.remote(),
            s.natHere(),
            s.natThere(),
            s.peerFragmentation(),
            s.age(),
            s.rekeyIn(),
            s.lifeLeft(),
            s.children())) {
      assertEquals(Optional.of("its keys do not fit its proposal"), t.a.engine.restore(cut));
    }
    assertEquals(List.of(), t.a.sas());
    s.close();
  }

  @Test
  void aSnapshotForAnUnknownPeerIsRefused() {
    established();
    IkeSaSnapshot s = export(t.a).get(0);
    t.rebootA(
        EngineSettings.DEFAULT,
        Testbed.peer(1, 3).child(Testbed.subnetChild(1, 3).build()).build(),
        99);
    assertTrue(t.a.engine.restore(s).isPresent());
    assertEquals(List.of(), t.a.sas());
    assertTrue(t.b.engine.restore(s).isPresent(), "b has no peer named b");
    s.close();
  }
}
