package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.message.DecodeResult;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.port.LoopbackNetwork;

/**
 * An unanswered exchange is no dead peer while the peer's authenticated traffic arrives (RFC 7296
 * section 2.4): the retransmission give-up of {@code ike.task.MessageChannel} asks the task
 * manager, which keeps retransmitting while ESP or IKE from the peer is recent, ends an unanswered
 * Delete of the IKE SA as a deletion, and counts each dead peer by the exchange that found it. In
 * virtual time, with the default retransmission policy (give-up after 30 s).
 */
class ProofOfLifeTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static Testbed with(DpdConfig dpd) {
    return Testbed.custom(
        EngineSettings.DEFAULT,
        (self, other) ->
            Testbed.peer(self, other)
                .dpd(dpd)
                .child(Testbed.subnetChild(self, other).build())
                .build());
  }

  private static DpdConfig dpd(DpdAction action) {
    return new DpdConfig(Duration.ofSeconds(10), Duration.ZERO, action);
  }

  /**
   * Runs {@code d} in 1 s steps in which everything b sends is lost (a's requests reach b, b's
   * answers never reach a), and ESP from b arrives on a's inbound SA each second if {@code esp}.
   */
  private void runLosingAnswers(Duration d, boolean esp) {
    for (long s = 0; s < d.toSeconds(); s++) {
      if (esp) {
        for (IkeSaInfo sa : t.a.sas()) {
          sa.children().forEach(c -> t.a.ipsec.espReceived(c.inboundSpi()));
        }
      }
      for (int step = 0; step < 10; step++) {
        t.clock.advance(Duration.ofMillis(100));
        deliverLosingAnswers();
      }
    }
  }

  private void deliverLosingAnswers() {
    while (true) {
      t.net.drop(d -> d.from().getAddress().equals(t.b.address));
      if (t.net.pending() == 0) {
        return;
      }
      t.net.deliverNext();
    }
  }

  private long requestsSentBy(TestNode n, ExchangeType type) {
    return n.seen.stream()
        .filter(s -> s.outbound() && s.message().header().isRequest())
        .filter(s -> s.message().header().exchangeType().equals(type))
        .count();
  }

  @Test
  void childRekeyWhoseAnswersAreAllLostKeepsTheSaWhileEspArrivesAndCompletesLater() {
    t = with(DpdConfig.DISABLED);
    t.connect();
    long id = t.a.onlySa().id();
    int oldSpi = t.a.onlySa().children().get(0).inboundSpi();

    t.a.engine.rekeyChild("b", "net");
    runLosingAnswers(Duration.ofSeconds(90), true); // three give-up times
    assertEquals(0, t.a.engine.stats().deadPeers.get(), "ESP proves b alive: " + t.a.engine);
    assertEquals(id, t.a.onlySa().id());
    assertTrue(t.a.onlySa().state().isUsable(), t.a.onlySa().toString());

    // the answers get through again: the retransmitted request is answered from b's cache
    t.run(Duration.ofSeconds(31));
    assertEquals(id, t.a.onlySa().id());
    assertEquals(1, t.a.onlySa().children().size());
    assertNotEquals(oldSpi, t.a.onlySa().children().get(0).inboundSpi(), "the rekey completed");
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(0, t.a.engine.stats().deadPeers.get());
  }

  @Test
  void exchangeUnansweredAfterThePeerFellSilentMeansDeadCountedAsAnUnansweredExchange() {
    t = with(DpdConfig.DISABLED);
    t.connect();
    t.a.engine.rekeyChild("b", "net");
    runLosingAnswers(Duration.ofSeconds(40), true);
    assertEquals(1, t.a.sas().size());
    // ESP stops: dead once the last packet is a give-up time old (plus one retransmission interval)
    runLosingAnswers(Duration.ofSeconds(25), false);
    assertEquals(1, t.a.sas().size(), "ESP 25 s ago still proves b alive");
    runLosingAnswers(Duration.ofSeconds(15), false);
    assertTrue(t.a.sas().isEmpty(), "dead");
    EngineStats s = t.a.engine.stats();
    assertEquals(1, s.deadPeers.get());
    assertEquals(1, s.unansweredExchanges.get());
    assertEquals(0, s.dpdFailures.get());
    assertEquals(0, s.unansweredHandshakes.get());
  }

  @Test
  void peerWhoseEspFlowsButWhoseIkeNeverAnswersIsDeadAfterFourGiveUpTimes() {
    t = with(DpdConfig.DISABLED);
    t.connect();
    t.a.engine.rekeyChild("b", "net");
    runLosingAnswers(Duration.ofSeconds(115), true);
    assertEquals(1, t.a.sas().size());
    runLosingAnswers(Duration.ofSeconds(15), true);
    assertTrue(t.a.sas().isEmpty(), "IKE without an answer for 120 s");
    assertEquals(1, t.a.engine.stats().unansweredExchanges.get());
  }

  @Test
  void dpdCheckWhoseAnswersAreLostIsNoDeathOnceEspResumes() {
    t = with(dpd(DpdAction.CLEAR));
    t.connect();
    long before = requestsSentBy(t.a, ExchangeType.INFORMATIONAL);
    runLosingAnswers(Duration.ofSeconds(12), false); // idle for the DPD delay: a check is sent
    assertTrue(requestsSentBy(t.a, ExchangeType.INFORMATIONAL) > before, "a DPD check");
    runLosingAnswers(Duration.ofSeconds(80), true); // b's ESP resumes, its answers stay lost
    assertEquals(1, t.a.sas().size());
    assertEquals(0, t.a.engine.stats().deadPeers.get());
    t.run(Duration.ofSeconds(20));
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
  }

  @Test
  void dpdCheckUnansweredWhileThePeerIsSilentCountsAsADpdFailure() {
    t = with(dpd(DpdAction.CLEAR));
    t.connect();
    runLosingAnswers(Duration.ofSeconds(60), false);
    assertTrue(t.a.sas().isEmpty());
    EngineStats s = t.a.engine.stats();
    assertEquals(1, s.deadPeers.get());
    assertEquals(1, s.dpdFailures.get());
    assertEquals(0, s.unansweredExchanges.get());
  }

  @Test
  void deleteOfTheIkeSaWhoseAnswersAreLostIsADeletionNotADeadPeer() {
    t = with(dpd(DpdAction.RESTART));
    t.connect();
    t.a.engine.terminate("b");
    runLosingAnswers(Duration.ofSeconds(31), true);
    assertTrue(t.a.sas().isEmpty(), "deleted");
    assertTrue(t.b.sas().isEmpty(), "b got the Delete");
    assertEquals(0, t.a.engine.stats().deadPeers.get(), "no dead peer: " + t.a.engine.stats());
    t.run(Duration.ofMinutes(2));
    assertTrue(t.a.sas().isEmpty(), "a deleted SA is not restarted by the DPD action");
  }

  @Test
  void ikeAuthWhoseAnswersAreLostWhileThePeerSendsRequestsInTheSaIsRetransmittedOn() {
    t = with(DpdConfig.DISABLED);
    t.a.initiate("b");
    t.net.deliverNext(); // IKE_SA_INIT request
    t.net.deliverNext(); // and response
    // b establishes the SA from a's IKE_AUTH, but its answers never reach a; b rekeys the new SA
    // meanwhile, and a refuses (TEMPORARY_FAILURE) while it is not established: b retries
    for (int s = 0; s < 50; s++) {
      if (s == 2) {
        t.b.engine.rekey("a");
      }
      for (int step = 0; step < 10; step++) {
        t.clock.advance(Duration.ofMillis(100));
        t.net.drop(this::ikeAuthAnswerFromB);
        while (t.net.deliverNext() != null) {
          t.net.drop(this::ikeAuthAnswerFromB);
        }
      }
    }
    assertEquals(1, t.a.sas().size(), "b's requests prove it alive: " + t.a.engine.stats());
    assertEquals(0, t.a.engine.stats().deadPeers.get());

    t.run(Duration.ofSeconds(20)); // the answers get through again
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(t.a.onlySa().initiatorSpi(), t.b.onlySa().initiatorSpi());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(0, t.a.engine.stats().deadPeers.get() + t.b.engine.stats().deadPeers.get());
  }

  private boolean ikeAuthAnswerFromB(LoopbackNetwork.Datagram d) {
    if (!d.from().getAddress().equals(t.b.address)) {
      return false;
    }
    byte[] b = d.bytes();
    if (b.length > 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0) {
      b = Arrays.copyOfRange(b, 4, b.length); // the non-ESP marker (RFC 3948 section 2.2)
    }
    DecodeResult<IkeHeader> h = IkeHeader.decode(b);
    return h.isOk()
        && h.orElseThrow().responseFlag()
        && h.orElseThrow().exchangeType().equals(ExchangeType.IKE_AUTH);
  }

  @Test
  void unansweredHandshakeIsCountedAsSuch() {
    t = with(DpdConfig.DISABLED);
    t.net.setUnreachable(t.b.address, true);
    t.a.initiate("b");
    t.run(Duration.ofSeconds(31));
    assertTrue(t.a.sas().isEmpty());
    EngineStats s = t.a.engine.stats();
    assertEquals(1, s.deadPeers.get());
    assertEquals(1, s.unansweredHandshakes.get());
    assertEquals(0, s.dpdFailures.get() + s.unansweredExchanges.get());
  }
}
