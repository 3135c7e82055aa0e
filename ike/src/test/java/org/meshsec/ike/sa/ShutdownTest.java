package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.message.ExchangeType;

/**
 * {@link IkeEngine#shutdown()}: a stopping node deletes its IKE SAs (RFC 7296 section 1.4.1) and
 * creates no new IKE SA or Child SA, as initiator or responder, so that its peer keeps nothing
 * towards a node that is gone.
 */
class ShutdownTest {

  private static Testbed testbed() {
    return Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
  }

  @Test
  void shutdownDeletesEverySaAndCompletes() {
    Testbed t = testbed();
    t.connect();
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());

    CompletableFuture<Void> done = t.b.engine.shutdown();
    assertFalse(done.isDone(), "the Delete is not answered yet");
    t.settle();

    assertTrue(done.isDone());
    assertTrue(t.a.sas().isEmpty(), "a: " + t.a.sas());
    assertTrue(t.b.sas().isEmpty(), "b: " + t.b.sas());
    assertTrue(t.a.ipsec.installed().isEmpty());
    assertTrue(t.b.ipsec.installed().isEmpty());
    assertTrue(t.b.engine.shutdown().isDone(), "idempotent");
  }

  @Test
  void aShuttingDownNodeAnswersNoIkeSaInit() {
    Testbed t = testbed();
    t.connect();
    t.b.engine.shutdown();
    t.settle();
    int installedBefore = t.b.ipsec.history().size();
    long initAnswersBefore = initAnswers(t.b);

    t.a.initiate("b"); // the peer tries again while b is still up
    t.run(Duration.ofSeconds(40)); // a retransmits, then gives up

    assertTrue(t.b.sas().isEmpty(), "b: " + t.b.sas());
    assertTrue(t.a.sas().isEmpty(), "a: " + t.a.sas());
    assertEquals(installedBefore, t.b.ipsec.history().size(), "b installed nothing new");
    assertTrue(t.b.engine.stats().refusedShuttingDown.get() >= 1);
    assertEquals(initAnswersBefore, initAnswers(t.b), "b answered the new IKE_SA_INIT");

    // nor does b start anything itself
    t.b.engine.initiate("a");
    t.b.engine.start();
    t.b.engine.acquire(Testbed.POLICY, t.a.address);
    t.settle();
    assertTrue(t.b.sas().isEmpty(), "b: " + t.b.sas());
  }

  @Test
  void aHalfOpenSaIsNotAuthenticatedOnceShutdownBegins() {
    Testbed t = testbed();
    t.a.initiate("b");
    Exchanges.step(t.net, t.a, t.b, Exchanges.summary(t.a.lastSent()));
    // b answered IKE_SA_INIT and holds a half-open SA; now it begins to stop
    t.b.engine.shutdown();
    t.settle(); // a's IKE_AUTH reaches b
    t.run(Duration.ofSeconds(40));

    assertTrue(t.b.sas().isEmpty(), "b: " + t.b.sas());
    assertTrue(t.a.sas().isEmpty(), "a: " + t.a.sas());
    assertTrue(t.b.ipsec.history().isEmpty(), "b installed a pair");
    assertTrue(t.b.events.stream().noneMatch(e -> e.startsWith("ESTABLISHED")), "b: " + t.b.events);
    assertEquals(0, t.b.engine.halfOpenCount());
  }

  @Test
  void anInitiatorWhoseIkeAuthIsInFlightDeletesTheSaOnceEstablished() {
    Testbed t = testbed();
    t.a.initiate("b");
    Exchanges.step(t.net, t.a, t.b, Exchanges.summary(t.a.lastSent()));
    Exchanges.step(t.net, t.b, t.a, Exchanges.summary(t.b.lastSent()));
    // a's IKE_AUTH request is in flight: b will establish the SA, so a must delete it
    CompletableFuture<Void> done = t.a.engine.shutdown();
    t.settle();

    assertTrue(done.isDone());
    assertTrue(t.b.events.contains("ESTABLISHED 1"), "b: " + t.b.events);
    assertTrue(t.a.sas().isEmpty(), "a: " + t.a.sas());
    assertTrue(t.b.sas().isEmpty(), "b: " + t.b.sas());
    assertTrue(t.a.ipsec.installed().isEmpty());
    assertTrue(t.b.ipsec.installed().isEmpty());
  }

  @Test
  void aCreateChildSaOnAnSaBeingDeletedIsRefused() {
    Testbed t = testbed();
    t.connect();
    int installedBefore = t.b.ipsec.history().size();

    t.a.engine.rekeyChild("b", "net"); // CREATE_CHILD_SA request in flight to b
    t.clock.runPending();
    t.b.engine.shutdown();
    t.settle();

    List<String> answers =
        t.b.seen.stream()
            .filter(s -> s.outbound())
            .map(s -> Exchanges.summary(s.message()))
            .filter(s -> s.startsWith("CREATE_CHILD_SA response"))
            .toList();
    assertEquals(1, answers.size(), "b's answers: " + answers);
    assertTrue(answers.get(0).contains("N(TEMP_FAIL)"), answers.get(0));
    assertEquals(installedBefore, t.b.ipsec.history().size(), "b installed nothing new");
    t.run(Duration.ofSeconds(40));
    assertTrue(t.a.sas().isEmpty(), "a: " + t.a.sas());
    assertTrue(t.b.sas().isEmpty(), "b: " + t.b.sas());
    assertTrue(t.a.ipsec.installed().isEmpty());
    assertTrue(t.b.ipsec.installed().isEmpty());
  }

  /**
   * The shutdown landing between the front creating a responder SA for an admitted IKE_SA_INIT and
   * the SA's first task (the two run on different threads): the shutdown's task runs first and
   * destroys the SA, which then must neither answer nor keep its half-open slot, and the shutdown
   * completes.
   */
  @Test
  void aResponderSaDestroyedByTheShutdownBeforeItsFirstTaskFreesItsHalfOpenSlot() {
    Testbed t = testbed();
    SaManager m = t.b.engine.manager();
    InetSocketAddress local = new InetSocketAddress(t.b.address, 500);
    InetSocketAddress remote = new InetSocketAddress(t.a.address, 500);
    // Ikev2Front's steps for an admitted IKE_SA_INIT, up to queueing the SA's first task
    IkeSa sa = m.newResponder(0x1234L, t.b.engine.peers(), local, remote);
    m.halfOpenLimit().opened(sa, t.a.address, true);
    assertEquals(1, t.b.engine.halfOpenCount());
    CompletableFuture<Void> done = t.b.engine.shutdown(); // queues sa.shutdown on sa's executor
    sa.execute(sa::acceptAsResponder); // the front's task, after it
    t.settle();
    t.run(Duration.ofSeconds(40));

    assertTrue(done.isDone());
    assertEquals(IkeSaState.DESTROYED, sa.state());
    assertEquals(0, t.b.engine.halfOpenCount(), "the half-open slot given back");
    assertEquals(0, t.b.engine.stats().internalErrors.get());
    assertTrue(t.b.seen.stream().noneMatch(TestNode.Seen::outbound), "b sent nothing");
  }

  /** How many IKE_SA_INIT responses {@code n} sent. */
  private static long initAnswers(TestNode n) {
    return n.seen.stream()
        .filter(TestNode.Seen::outbound)
        .map(TestNode.Seen::message)
        .filter(m -> m.header().exchangeType().equals(ExchangeType.IKE_SA_INIT))
        .filter(m -> !m.header().isRequest())
        .count();
  }
}
