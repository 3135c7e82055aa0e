package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.DecodeResult;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NoncePayload;
import org.meshsec.ike.message.SaPayload;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;

/**
 * Child SA and IKE SA rekeying by either side, make-before-break, simultaneous rekeys (lowest-nonce
 * rule) and lifetimes with jitter.
 */
class RekeyTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static Testbed established(long seedA, long seedB, EspProposal esp) {
    Testbed t =
        Testbed.seeded(
            EngineSettings.DEFAULT,
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .child(Testbed.subnetChild(self, other).proposals(esp).build())
                    .build(),
            seedA,
            seedB);
    t.connect();
    return t;
  }

  private static int inbound(TestNode n) {
    List<MemoryIpsec.Pair> p = n.ipsec.installed();
    assertEquals(1, p.size(), n + " pairs: " + p);
    return p.get(0).sa().inboundSpi();
  }

  /** Asserts {@code log} installs {@code fresh} before it deletes {@code old}. */
  private static void assertMakeBeforeBreak(TestNode n, int fresh, int old) {
    List<String> log = n.ipsec.log();
    int install = -1;
    int delete = -1;
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(String.format("install %08x", fresh))) {
        install = i;
      }
      if (log.get(i).startsWith(String.format("delete %08x", old))) {
        delete = i;
      }
    }
    assertTrue(install >= 0 && delete > install, n + ": new pair first, then old deleted: " + log);
  }

  @Test
  void childRekeyByInitiatorIsMakeBeforeBreak() {
    t = established(1, 2, EspProposal.AES128GCM);
    int oldA = inbound(t.a);
    int oldB = inbound(t.b);
    t.a.engine.rekeyChild("b", "net");
    t.clock.runPending();

    // CREATE_CHILD_SA { N(REKEY_SA), SA, Ni, TSi, TSr } -->
    Exchanges.step(
        t.net, t.a, t.b, "CREATE_CHILD_SA request 2 [ SK { N(REKEY_SA) SA No TSi TSr } ]");
    assertEquals(2, t.b.ipsec.installed().size(), "b installed the new pair, kept the old one");
    assertEquals(ChildSaState.REKEYED, t.b.onlySa().children().get(0).state());
    // <-- CREATE_CHILD_SA { SA, Nr, TSi, TSr }
    Exchanges.step(t.net, t.b, t.a, "CREATE_CHILD_SA response 2 [ SK { SA No TSi TSr } ]");
    assertEquals(2, t.a.ipsec.installed().size(), "a installed the new pair, kept the old one");
    // INFORMATIONAL { D(ESP, old) } -->
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 3 [ SK { D } ]");
    assertEquals(1, t.b.ipsec.installed().size());
    // <-- INFORMATIONAL { D(ESP, old) }
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL response 3 [ SK { D } ]");

    int newA = inbound(t.a);
    int newB = inbound(t.b);
    assertNotEquals(oldA, newA);
    assertNotEquals(oldB, newB);
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertMakeBeforeBreak(t.a, newA, oldA);
    assertMakeBeforeBreak(t.b, newB, oldB);
    assertEquals(ChildSaState.INSTALLED, t.a.onlySa().children().get(0).state());
    assertEquals(1, t.a.onlySa().children().size());
  }

  @Test
  void childRekeyByResponderWithPfs() {
    t = established(1, 2, EspProposal.parse("aes256gcm16-curve25519"));
    int oldA = inbound(t.a);
    t.b.engine.rekeyChild("a", "net");
    t.clock.runPending();
    // the original responder's first request on this IKE SA: Message ID 0
    // CREATE_CHILD_SA { N(REKEY_SA), SA, Ni, KEi, TSi, TSr } -->
    Exchanges.step(
        t.net, t.b, t.a, "CREATE_CHILD_SA request 0 [ SK { N(REKEY_SA) SA No KE TSi TSr } ]");
    // <-- CREATE_CHILD_SA { SA, Nr, KEr, TSi, TSr }
    Exchanges.step(t.net, t.a, t.b, "CREATE_CHILD_SA response 0 [ SK { SA No KE TSi TSr } ]");
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL request 1 [ SK { D } ]");
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL response 1 [ SK { D } ]");
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertMakeBeforeBreak(t.a, inbound(t.a), oldA);
    assertEquals(1, t.b.onlySa().children().size());
  }

  @Test
  void ikeRekeyMovesTheChildren() {
    t = established(1, 2, EspProposal.AES128GCM);
    IkeSaInfo old = t.a.onlySa();
    int child = inbound(t.a);
    t.a.engine.rekey("b");
    t.clock.runPending();

    // CREATE_CHILD_SA { SA(IKE), Ni, KEi } -->
    Exchanges.step(t.net, t.a, t.b, "CREATE_CHILD_SA request 2 [ SK { SA No KE } ]");
    // <-- CREATE_CHILD_SA { SA(IKE), Nr, KEr }
    Exchanges.step(t.net, t.b, t.a, "CREATE_CHILD_SA response 2 [ SK { SA No KE } ]");
    // INFORMATIONAL { D(IKE) } -->   on the old IKE SA
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 3 [ SK { D } ]");
    // <-- INFORMATIONAL { }
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL response 3 [ SK { } ]");

    IkeSaInfo fresh = t.a.onlySa();
    IkeSaInfo freshB = t.b.onlySa();
    assertNotEquals(old.initiatorSpi(), fresh.initiatorSpi());
    assertNotEquals(old.responderSpi(), fresh.responderSpi());
    assertEquals(fresh.initiatorSpi(), freshB.initiatorSpi());
    assertEquals(fresh.responderSpi(), freshB.responderSpi());
    assertEquals(IkeSaState.ESTABLISHED, fresh.state());
    assertEquals(IkeSaState.ESTABLISHED, freshB.state());
    assertEquals(1, fresh.children().size(), "the child moved to the new IKE SA");
    assertEquals(child, fresh.children().get(0).inboundSpi());
    assertEquals(1, t.a.ipsec.history().size(), "the child was not reinstalled");
    assertTrue(t.a.ipsec.deletions().isEmpty(), "nor deleted");

    // the new IKE SA works and starts at Message ID 0: rekey the child over it
    t.a.engine.rekeyChild("b", "net");
    t.clock.runPending();
    Exchanges.step(
        t.net, t.a, t.b, "CREATE_CHILD_SA request 0 [ SK { N(REKEY_SA) SA No TSi TSr } ]");
    t.net.deliverAll();
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void ikeRekeyByTheOriginalResponder() {
    t = established(1, 2, EspProposal.AES128GCM);
    t.b.engine.rekey("a");
    t.clock.runPending();
    Exchanges.step(t.net, t.b, t.a, "CREATE_CHILD_SA request 0 [ SK { SA No KE } ]");
    Exchanges.step(t.net, t.a, t.b, "CREATE_CHILD_SA response 0 [ SK { SA No KE } ]");
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL request 1 [ SK { D } ]");
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL response 1 [ SK { } ]");
    IkeSaInfo fresh = t.b.onlySa();
    assertTrue(fresh.originalInitiator(), "the rekey's initiator is the new SA's initiator");
    assertEquals(fresh.initiatorSpi(), t.a.onlySa().initiatorSpi());
    assertEquals(1, fresh.children().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  /** The lower of the two nonces of an exchange: request and response. */
  private static Bytes lowest(Message request, Message response) {
    Bytes ni = request.first(NoncePayload.class).orElseThrow().nonce();
    Bytes nr = response.first(NoncePayload.class).orElseThrow().nonce();
    return Bytes.compareNonces(ni, nr) <= 0 ? ni : nr;
  }

  private static int spiOf(Message m) {
    return (int) m.first(SaPayload.class).orElseThrow().proposals().get(0).spi().toLong();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3, 5, 8})
  void simultaneousChildRekeyLeavesExactlyOnePair(long seed) {
    t = established(seed, seed + 100, EspProposal.AES128GCM);
    t.a.engine.rekeyChild("b", "net");
    t.b.engine.rekeyChild("a", "net");
    t.clock.runPending();
    assertEquals(2, t.net.pending(), "both requests in flight");
    // CREATE_CHILD_SA { N(REKEY_SA), SA, Ni, TSi, TSr } -->   (a's)
    Message requestA =
        Exchanges.step(
            t.net, t.a, t.b, "CREATE_CHILD_SA request 2 [ SK { N(REKEY_SA) SA No TSi TSr } ]");
    Message responseB = t.b.lastSent(); // b answered a's request at once
    // <-- CREATE_CHILD_SA { N(REKEY_SA), SA, Ni, TSi, TSr }   (b's, crossing)
    t.net.deliverNext();
    Message requestB = t.a.lastReceived();
    Message responseA = t.a.lastSent();
    t.net.deliverAll(); // both responses, then the deletes

    // exchange "a" holds a's inbound SPI of its request, exchange "b" a's SPI of its response
    boolean aWins =
        Bytes.compareNonces(lowest(requestA, responseB), lowest(requestB, responseA)) > 0;
    int survivorAtA = aWins ? spiOf(requestA) : spiOf(responseA);
    assertEquals(survivorAtA, inbound(t.a), "the pair of the exchange without the lowest nonce");
    assertEquals(1, t.b.ipsec.installed().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(3, t.a.ipsec.history().size(), "old, a's new, b's new were installed");
    assertEquals(1, t.a.onlySa().children().size());
    assertEquals(1, t.b.onlySa().children().size());
    assertEquals(ChildSaState.INSTALLED, t.a.onlySa().children().get(0).state());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3, 5, 8})
  void simultaneousIkeRekeyLeavesExactlyOneIkeSa(long seed) {
    t = established(seed, seed + 100, EspProposal.AES128GCM);
    int child = inbound(t.a);
    t.a.engine.rekey("b");
    t.b.engine.rekey("a");
    t.clock.runPending();
    assertEquals(2, t.net.pending());
    t.net.deliverAll();

    IkeSaInfo ia = t.a.onlySa();
    IkeSaInfo ib = t.b.onlySa();
    assertEquals(ia.initiatorSpi(), ib.initiatorSpi());
    assertEquals(ia.responderSpi(), ib.responderSpi());
    assertEquals(IkeSaState.ESTABLISHED, ia.state());
    assertEquals(IkeSaState.ESTABLISHED, ib.state());
    assertEquals(1, ia.children().size(), "the child is on the surviving IKE SA");
    assertEquals(child, ia.children().get(0).inboundSpi());
    assertEquals(1, ib.children().size());
    assertEquals(1, t.a.ipsec.history().size());
    assertTrue(t.a.ipsec.deletions().isEmpty());

    // and the survivor works
    t.a.engine.rekeyChild("b", "net");
    t.settle();
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(1, t.a.ipsec.installed().size());
  }

  /**
   * A collision where b's answers to a's rekey are lost for a while: if b wins, b deletes the old
   * SA, which ends a's rekey, so a never learns of the SA b created for it and cannot delete it
   * (section 2.8.2); b deletes it itself after the give-up time. Either way the pair ends with one
   * IKE SA and no dead peer.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void collisionWhoseLoserNeverLearnsOfItsSaLeavesOneIkeSa(long seed) {
    t = established(seed, seed + 100, EspProposal.AES128GCM);
    t.a.engine.rekey("b");
    t.b.engine.rekey("a");
    t.clock.runPending();
    assertEquals(2, t.net.pending());
    for (int ms = 0; ms < 3000; ms += 100) {
      t.net.drop(d -> rekeyAnswerFromB(t, d));
      while (t.net.deliverNext() != null) {
        t.net.drop(d -> rekeyAnswerFromB(t, d));
      }
      t.clock.advance(Duration.ofMillis(100));
    }
    t.run(Duration.ofSeconds(70)); // a retransmission gets through; b's clean-up if b won
    IkeSaInfo ia = t.a.onlySa();
    IkeSaInfo ib = t.b.onlySa();
    assertEquals(ia.initiatorSpi(), ib.initiatorSpi());
    assertEquals(IkeSaState.ESTABLISHED, ia.state());
    assertEquals(IkeSaState.ESTABLISHED, ib.state());
    assertEquals(1, ia.children().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(0, t.a.engine.stats().deadPeers.get() + t.b.engine.stats().deadPeers.get());
  }

  private static boolean rekeyAnswerFromB(Testbed t, LoopbackNetwork.Datagram d) {
    if (!d.from().getAddress().equals(t.b.address)) {
      return false;
    }
    byte[] b = d.bytes();
    if (b.length > 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0) {
      b = Arrays.copyOfRange(b, 4, b.length); // the non-ESP marker (RFC 3948 section 2.2)
    }
    DecodeResult<IkeHeader> h = IkeHeader.decode(b);
    if (!h.isOk()) {
      throw new AssertionError("not IKE: " + h);
    }
    return h.isOk()
        && h.orElseThrow().responseFlag()
        && h.orElseThrow().exchangeType().equals(ExchangeType.CREATE_CHILD_SA);
  }

  @Test
  void rekeyCollidingWithAChildRekeyIsRetried() {
    t = established(1, 2, EspProposal.AES128GCM);
    t.a.engine.rekeyChild("b", "net");
    t.b.engine.rekey("a");
    t.clock.runPending();
    t.net.deliverAll();
    // b's IKE rekey met a's active Child SA exchange: TEMPORARY_FAILURE, retried 1..5 s later
    t.run(Duration.ofSeconds(6));
    IkeSaInfo ia = t.a.onlySa();
    IkeSaInfo ib = t.b.onlySa();
    assertEquals(ia.initiatorSpi(), ib.initiatorSpi());
    assertTrue(ib.originalInitiator(), "b's rekey went through on the retry");
    assertEquals(1, ia.children().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void lifetimesRekeyWithJitterAndKeepOnePair() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .ikeLifetime(
                        RekeySchedule.of(
                            Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(6)))
                    .child(
                        Testbed.subnetChild(self, other)
                            .lifetime(
                                RekeySchedule.of(
                                    Duration.ofMinutes(1),
                                    Duration.ofSeconds(10),
                                    Duration.ofSeconds(70)))
                            .build())
                    .build());
    t.connect();
    for (int minute = 1; minute <= 12; minute++) {
      t.run(Duration.ofMinutes(1));
      assertEquals(1, t.a.sas().size(), "minute " + minute);
      assertEquals(1, t.a.onlySa().children().size(), "minute " + minute);
      Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    }
    int rekeys = t.a.ipsec.history().size() - 1;
    assertTrue(rekeys >= 11 && rekeys <= 15, "child rekeyed about once a minute: " + rekeys);
    assertNotEquals(ManualScheduler.EPOCH, t.a.onlySa().established(), "IKE SA rekeyed too");
    assertEquals(0, t.a.engine.stats().deadPeers.get());
  }

  @Test
  void hardLifetimeWithoutRekeyDeletesThePair() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .child(
                        Testbed.subnetChild(self, other)
                            .lifetime(
                                RekeySchedule.of(
                                    Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2)))
                            .build())
                    .build());
    t.connect();
    t.run(Duration.ofMinutes(3));
    assertTrue(t.a.ipsec.installed().isEmpty());
    assertTrue(t.b.ipsec.installed().isEmpty());
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state(), "the IKE SA stays");
  }

  @Test
  void oldPairIsNotDeletedBeforeTheNewOneIsInstalledEvenIfTheResponseIsLost() {
    t = established(1, 2, EspProposal.AES128GCM);
    int oldA = inbound(t.a);
    t.a.engine.rekeyChild("b", "net");
    t.clock.runPending();
    t.net.deliverNext(); // request
    t.net.dropNext(); // response lost
    assertEquals(List.of(), t.a.ipsec.deletions(), "a keeps the old pair while waiting");
    t.run(Duration.ofSeconds(2)); // retransmission, cached response, delete
    assertMakeBeforeBreak(t.a, inbound(t.a), oldA);
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }
}
