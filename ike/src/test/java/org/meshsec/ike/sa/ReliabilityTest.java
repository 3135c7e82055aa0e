package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.MemoryIpsec;

/**
 * retransmission and the response cache, stale and future Message IDs, dead peer detection,
 * INITIAL_CONTACT from a rebooted peer.
 */
class ReliabilityTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static Testbed withDpd(DpdAction action) {
    return withDpd(action, true);
  }

  private static Testbed withDpd(DpdAction action, boolean onB) {
    return Testbed.custom(
        EngineSettings.DEFAULT,
        (self, other) ->
            Testbed.peer(self, other)
                .dpd(
                    self == 1 || onB
                        ? new DpdConfig(Duration.ofSeconds(10), Duration.ZERO, action)
                        : DpdConfig.DISABLED)
                .child(Testbed.subnetChild(self, other).build())
                .build());
  }

  private static Testbed plain() {
    return Testbed.custom(
        EngineSettings.DEFAULT,
        (self, other) ->
            Testbed.peer(self, other).child(Testbed.subnetChild(self, other).build()).build());
  }

  @Test
  void lostRequestIsRetransmittedAndLostResponseComesFromTheCache() {
    t = plain();
    t.a.initiate("b");

    // IKE_SA_INIT request 0 -->   (lost)
    assertNotNull(t.net.dropNext());
    t.clock.advance(Duration.ofMillis(999));
    assertEquals(0, t.net.pending(), "no retransmission before 1 s");
    t.clock.advance(Duration.ofMillis(1));
    // IKE_SA_INIT request 0 -->   (retransmission #1, after 1 s)
    Exchanges.step(
        t.net,
        t.a,
        t.b,
        "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    assertEquals(1, t.a.engine.stats().retransmits.get());

    // <-- IKE_SA_INIT response 0   (lost)
    assertNotNull(t.net.dropNext());
    t.clock.advance(Duration.ofMillis(1800));
    // IKE_SA_INIT request 0 -->   (retransmission #2, 1.8 s later): answered from the cache
    t.net.deliverNext();
    assertEquals(1, t.b.engine.stats().retransmittedRequests.get());
    assertEquals(1, t.b.sas().size(), "the retransmission did not create a second SA");
    // <-- IKE_SA_INIT response 0
    t.net.deliverNext();
    // IKE_AUTH request 1 -->
    Exchanges.step(
        t.net, t.a, t.b, "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } ]");
    // <-- IKE_AUTH response 1   (lost)
    assertNotNull(t.net.dropNext());
    t.clock.advance(Duration.ofSeconds(1));
    // IKE_AUTH request 1 -->   (retransmission): b resends its response, installs nothing new
    t.net.deliverNext();
    assertEquals(2, t.b.engine.stats().retransmittedRequests.get());
    assertEquals(1, t.b.ipsec.history().size());
    // <-- IKE_AUTH response 1
    Exchanges.step(t.net, t.b, t.a, "IKE_AUTH response 1 [ SK { IDr AUTH SA TSi TSr } ]");

    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(1, t.a.ipsec.history().size());
    t.run(Duration.ofSeconds(60));
    assertEquals(0, t.net.pending(), "nothing retransmitted after the answer");
    assertEquals(3, t.a.engine.stats().retransmits.get());
  }

  @Test
  void staleAndFutureMessageIdsAreDropped() {
    t = withDpd(DpdAction.CLEAR, false);
    t.a.initiate("b");
    t.net.deliverNext(); // IKE_SA_INIT request
    t.net.deliverNext(); // IKE_SA_INIT response
    LoopbackNetwork.Datagram authRequest = t.net.inFlight().get(0);
    t.net.deliverAll(); // IKE_AUTH request and response
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());

    // a 10 s idle: INFORMATIONAL request 2 { } --> (DPD)
    t.clock.advance(Duration.ofSeconds(10));
    LoopbackNetwork.Datagram dpd = t.net.inFlight().get(0);
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 2 [ SK { } ]");
    // <-- INFORMATIONAL response 2 { }
    LoopbackNetwork.Datagram dpdResponse = t.net.inFlight().get(0);
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL response 2 [ SK { } ]");

    long dropped = t.b.engine.stats().unexpectedMessageIds.get();
    // the IKE_AUTH request (Message ID 1) again: stale, below the window: no answer
    t.net.deliver(authRequest);
    assertEquals(0, t.net.pending());
    assertEquals(dropped + 1, t.b.engine.stats().unexpectedMessageIds.get());

    // the DPD request (2) again: the previous request, answered from the cache
    t.net.deliver(dpd);
    assertEquals(1, t.net.pending());
    assertEquals(1, t.b.engine.stats().retransmittedRequests.get());
    t.net.deliverNext();

    // a future Message ID (9): dropped before decryption
    byte[] future = dpd.bytes().clone();
    future[IkeHeader.OFFSET_MESSAGE_ID + 3] = 9;
    t.net.deliver(new LoopbackNetwork.Datagram(dpd.from(), dpd.to(), future));
    assertEquals(0, t.net.pending());
    assertEquals(dropped + 2, t.b.engine.stats().unexpectedMessageIds.get());

    // a stale response at a: dropped
    long aDropped = t.a.engine.stats().unexpectedMessageIds.get();
    t.net.deliver(dpdResponse);
    assertEquals(aDropped + 1, t.a.engine.stats().unexpectedMessageIds.get());

    // the SA still works: the next DPD uses Message ID 3
    t.clock.advance(Duration.ofSeconds(10));
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 3 [ SK { } ]");
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL response 3 [ SK { } ]");
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
  }

  @Test
  void deadPeerIsDetectedAndItsSasClearedExactlyOnce() {
    t = withDpd(DpdAction.CLEAR);
    t.connect();
    assertEquals(1, t.a.ipsec.installed().size());
    int inbound = t.a.ipsec.installed().get(0).sa().inboundSpi();
    int outbound = t.a.ipsec.installed().get(0).sa().outboundSpi();

    // traffic keeps the SA alive: a DPD after 10 idle seconds, answered
    t.run(Duration.ofSeconds(11));
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());

    t.net.setUnreachable(t.b.address, true); // b is gone
    t.run(Duration.ofSeconds(15)); // DPD request and its retransmissions, no answer
    assertEquals(1, t.a.sas().size());
    t.run(Duration.ofSeconds(40)); // the 30 s give-up time passes
    assertTrue(t.a.sas().isEmpty(), "a cleared the IKE SA");
    assertEquals(1, t.a.engine.stats().deadPeers.get());
    assertTrue(t.a.ipsec.installed().isEmpty());
    List<MemoryIpsec.Deletion> deletions = t.a.ipsec.deletions();
    assertEquals(1, deletions.size(), "the pair was deleted exactly once: " + deletions);
    assertEquals(inbound, deletions.get(0).inboundSpi());
    assertEquals(outbound, deletions.get(0).outboundSpi());

    t.run(Duration.ofMinutes(5));
    assertEquals(1, t.a.ipsec.deletions().size(), "nothing deleted twice");
    assertTrue(t.a.sas().isEmpty(), "CLEAR does not reconnect");
  }

  @Test
  void deadPeerWithRestartReconnectsWhenThePeerIsBack() {
    t = withDpd(DpdAction.RESTART);
    t.connect();
    t.net.setUnreachable(t.b.address, true);
    t.run(Duration.ofSeconds(45));
    assertEquals(1, t.a.engine.stats().deadPeers.get());
    // a is retrying; b comes back and b's own DPD has cleared its side meanwhile
    t.net.setUnreachable(t.b.address, false);
    t.run(Duration.ofSeconds(60));
    IkeSaInfo ia = t.a.onlySa();
    assertEquals(IkeSaState.ESTABLISHED, ia.state());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    assertEquals(1, ia.children().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void initialContactFromARebootedPeerRemovesTheOldSas() {
    t = plain();
    t.connect();
    IkeSaInfo old = t.b.onlySa();
    int oldInbound = old.children().get(0).inboundSpi();

    // a reboots: a fresh engine, no state, same address and configuration
    PeerConfig config = Testbed.peer(1, 2).child(Testbed.subnetChild(1, 2).build()).build();
    t.rebootA(EngineSettings.DEFAULT, config, 99);
    t.a.initiate("b");
    t.net.deliverNext(); // IKE_SA_INIT request
    t.net.deliverNext(); // IKE_SA_INIT response
    // IKE_AUTH { IDi, IDr, AUTH, N(INIT_CONTACT), SA, TSi, TSr } -->
    Exchanges.step(
        t.net, t.a, t.b, "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } ]");
    t.net.deliverAll();

    IkeSaInfo fresh = t.b.onlySa();
    assertNotEquals(old.id(), fresh.id(), "the old IKE SA is gone");
    assertEquals(IkeSaState.ESTABLISHED, fresh.state());
    assertEquals(1, t.b.ipsec.installed().size(), "only the new pair is installed on b");
    assertTrue(
        t.b.ipsec.deletions().stream().anyMatch(d -> d.inboundSpi() == oldInbound),
        "the old pair was deleted from b's data plane");
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }
}
