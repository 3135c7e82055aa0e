package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;

/**
 * IKE_SA_INIT + IKE_AUTH with a pre-shared key and the first Child SA, both suites, initiated by
 * command and by an acquire, and a wrong key.
 */
class PskHandshakeTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  @Test
  void aesGcmCurve25519Initiated() {
    t = Testbed.of(IkeProposal.parse("aes128gcm16-prfsha256-curve25519"), EspProposal.AES128GCM);
    t.a.initiate("b");

    // IKE_SA_INIT { SA, KE, Ni, N(NATD_S_IP), N(NATD_D_IP), N(FRAG_SUP), N(HASH_ALG) } -->
    Exchanges.step(
        t.net,
        t.a,
        t.b,
        "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    assertEquals(IkeSaState.CONNECTING, t.b.onlySa().state());
    assertEquals(1, t.b.engine.halfOpenCount());

    // <-- IKE_SA_INIT { SA, KE, Nr, N(NATD_S_IP), N(NATD_D_IP), N(FRAG_SUP), N(HASH_ALG) }
    Exchanges.step(
        t.net,
        t.b,
        t.a,
        "IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    assertEquals(IkeSaState.CONNECTING, t.a.onlySa().state());
    assertEquals(4500, t.net.inFlight().get(0).from().getPort(), "initiator moved to 4500");
    assertEquals(4500, t.net.inFlight().get(0).to().getPort());

    // IKE_AUTH { IDi, IDr, AUTH, N(INIT_CONTACT), SA, TSi, TSr } -->
    Exchanges.step(
        t.net, t.a, t.b, "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } ]");
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    assertEquals(0, t.b.engine.halfOpenCount());
    assertEquals(1, t.b.ipsec.installed().size(), "responder installs before answering");

    // <-- IKE_AUTH { IDr, AUTH, SA, TSi, TSr }
    Exchanges.step(t.net, t.b, t.a, "IKE_AUTH response 1 [ SK { IDr AUTH SA TSi TSr } ]");
    assertEquals(0, t.net.pending());

    IkeSaInfo ia = t.a.onlySa();
    IkeSaInfo ib = t.b.onlySa();
    assertEquals(IkeSaState.ESTABLISHED, ia.state());
    assertEquals(IkeSaState.ESTABLISHED, ib.state());
    assertTrue(ia.originalInitiator());
    assertFalse(ib.originalInitiator());
    assertEquals(ia.initiatorSpi(), ib.initiatorSpi());
    assertEquals(ia.responderSpi(), ib.responderSpi());
    assertEquals(IkeProposal.AES128GCM_SHA256_X25519, ia.proposal());
    assertEquals(ia.proposal(), ib.proposal());
    assertEquals(4500, ia.local().getPort());
    assertEquals(4500, ib.local().getPort());
    assertEquals("b", ia.peer());
    assertEquals("a", ib.peer());

    ChildSaInfo ca = ia.children().get(0);
    ChildSaInfo cb = ib.children().get(0);
    assertEquals(ca.inboundSpi(), cb.outboundSpi());
    assertEquals(ca.outboundSpi(), cb.inboundSpi());
    assertEquals(ChildSaState.INSTALLED, ca.state());
    assertEquals(List.of(TsRange.parse("192.168.1.0/24")), ca.localTs());
    assertEquals(List.of(TsRange.parse("192.168.2.0/24")), ca.remoteTs());
    assertEquals(IpsecMode.TUNNEL, ca.mode());
    assertEquals(EspSuite.AES128_GCM16, ca.suite());

    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    MemoryIpsec.Pair pa = t.a.ipsec.installed().get(0);
    assertEquals(Testbed.POLICY, pa.sa().policyRef());
    assertEquals(4500, pa.sa().local().getPort(), "ESP always in UDP on 4500");
    assertEquals(4500, pa.sa().remote().getPort());
    assertEquals(t.b.address, pa.sa().remote().getAddress());
    assertTrue(t.a.ipsec.reserved().isEmpty());
    assertTrue(t.b.ipsec.reserved().isEmpty());
  }

  @Test
  void aesCbcModp3072InitiatedByAcquireOnTheOtherNode() {
    t =
        Testbed.of(
            IkeProposal.parse("aes256-sha256-modp3072"),
            new EspProposal(EspSuite.AES256_CBC_SHA256, DhGroup.NONE, false));
    // b's data plane has a packet for the policy towards a: b initiates
    t.b.engine.acquire(Testbed.POLICY, t.a.address);
    t.clock.runPending();

    // IKE_SA_INIT { SA, KE, Ni, N(NATD_S_IP), N(NATD_D_IP), N(FRAG_SUP), N(HASH_ALG) } -->
    Message init =
        Exchanges.step(
            t.net,
            t.b,
            t.a,
            "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    assertEquals(
        384,
        init.first(org.meshsec.ike.message.KePayload.class)
            .orElseThrow()
            .keyExchangeData()
            .length(),
        "MODP-3072 public value");
    // <-- IKE_SA_INIT { SA, KE, Nr, N(NATD_S_IP), N(NATD_D_IP), N(FRAG_SUP), N(HASH_ALG) }
    Exchanges.step(
        t.net,
        t.a,
        t.b,
        "IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    // IKE_AUTH { IDi, IDr, AUTH, N(INIT_CONTACT), SA, TSi, TSr } -->
    Exchanges.step(
        t.net, t.b, t.a, "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } ]");
    // <-- IKE_AUTH { IDr, AUTH, SA, TSi, TSr }
    Exchanges.step(t.net, t.a, t.b, "IKE_AUTH response 1 [ SK { IDr AUTH SA TSi TSr } ]");

    IkeSaInfo ib = t.b.onlySa();
    assertTrue(ib.originalInitiator());
    assertEquals(IkeProposal.parse("aes256-sha256-modp3072"), ib.proposal());
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(EspSuite.AES256_CBC_SHA256, ib.children().get(0).suite());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(1, t.a.ipsec.installed().size());

    // a second acquire for the same policy creates nothing new
    t.b.engine.acquire(Testbed.POLICY, t.a.address);
    t.clock.runPending();
    assertEquals(0, t.net.pending());
    assertEquals(1, t.b.onlySa().children().size());
  }

  @Test
  void transportModeHostToHost() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) -> Testbed.peer(self, other).child(Testbed.hostChild().build()).build());
    t.a.initiate("b");
    Exchanges.step(
        t.net,
        t.a,
        t.b,
        "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    Exchanges.step(
        t.net,
        t.b,
        t.a,
        "IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]");
    // IKE_AUTH { IDi, IDr, AUTH, N(INIT_CONTACT), N(USE_TRANSP), SA, TSi, TSr } -->
    Exchanges.step(
        t.net,
        t.a,
        t.b,
        "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) N(USE_TRANSP) SA TSi TSr } ]");
    // <-- IKE_AUTH { IDr, AUTH, N(USE_TRANSP), SA, TSi, TSr }
    Exchanges.step(
        t.net, t.b, t.a, "IKE_AUTH response 1 [ SK { IDr AUTH N(USE_TRANSP) SA TSi TSr } ]");
    ChildSaInfo c = t.a.onlySa().children().get(0);
    assertEquals(IpsecMode.TRANSPORT, c.mode());
    assertEquals(List.of(TsRange.host(t.a.address)), c.localTs());
    assertEquals(List.of(TsRange.host(t.b.address)), c.remoteTs());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void responderNarrowsTrafficSelectors() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .child(
                        self == 1
                            ? Testbed.subnetChild(1, 2)
                                .remoteTs(TsRange.parse("192.168.0.0/16"))
                                .build()
                            : Testbed.subnetChild(2, 1).build())
                    .build());
    t.connect();
    // a proposed 192.168.1.0/24 === 192.168.0.0/16; b narrows the /16 to its 192.168.2.0/24
    ChildSaInfo ca = t.a.onlySa().children().get(0);
    assertEquals(List.of(TsRange.parse("192.168.1.0/24")), ca.localTs());
    assertEquals(List.of(TsRange.parse("192.168.2.0/24")), ca.remoteTs());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void wrongPreSharedKeyFailsAuthenticationAndInstallsNothing() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .auth(AuthConfig.Psk.of(("key of node " + self).getBytes()))
                    .child(Testbed.subnetChild(self, other).build())
                    .build());
    t.a.initiate("b");
    t.net.deliverNext(); // IKE_SA_INIT request
    t.net.deliverNext(); // IKE_SA_INIT response
    // IKE_AUTH { IDi, IDr, AUTH, N(INIT_CONTACT), SA, TSi, TSr } -->
    Exchanges.step(
        t.net, t.a, t.b, "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } ]");
    assertTrue(t.b.sas().isEmpty(), "responder dropped the SA");
    // <-- IKE_AUTH { N(AUTHENTICATION_FAILED) }
    Message refusal =
        Exchanges.step(t.net, t.b, t.a, "IKE_AUTH response 1 [ SK { N(AUTH_FAILED) } ]");
    assertTrue(refusal.notify(NotifyType.AUTHENTICATION_FAILED).isPresent());
    assertTrue(t.a.sas().isEmpty(), "initiator dropped the SA");
    for (TestNode n : List.of(t.a, t.b)) {
      assertTrue(n.ipsec.history().isEmpty(), n + " installed nothing");
      assertTrue(n.ipsec.reserved().isEmpty(), n + " released its reserved SPI");
    }
    assertEquals(0, t.b.engine.halfOpenCount());
  }

  @Test
  void childRefusedInIkeAuthLeavesTheIkeSaUp() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .child(
                        self == 1
                            ? Testbed.subnetChild(1, 2)
                                .remoteTs(TsRange.parse("172.16.0.0/12"))
                                .build()
                            : Testbed.subnetChild(2, 1).build())
                    .build());
    t.a.initiate("b");
    t.net.deliverNext();
    t.net.deliverNext();
    Exchanges.step(
        t.net, t.a, t.b, "IKE_AUTH request 1 [ SK { IDi IDr AUTH N(INIT_CONTACT) SA TSi TSr } ]");
    // <-- IKE_AUTH { IDr, AUTH, N(TS_UNACCEPTABLE) }
    Exchanges.step(t.net, t.b, t.a, "IKE_AUTH response 1 [ SK { IDr AUTH N(TS_UNACCEPT) } ]");
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    assertTrue(t.a.onlySa().children().isEmpty());
    assertTrue(t.a.ipsec.history().isEmpty());
    assertTrue(t.a.ipsec.reserved().isEmpty(), "a released the SPI it had reserved");
    assertTrue(t.b.ipsec.history().isEmpty());
  }

  @Test
  void noCommonIkeProposal() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .ikeProposals(
                        IkeProposal.parse(
                            self == 1
                                ? "aes128gcm16-prfsha256-curve25519"
                                : "aes256-sha384-ecp384"))
                    .child(Testbed.subnetChild(self, other).build())
                    .build());
    t.a.initiate("b");
    t.net.deliverNext();
    // <-- IKE_SA_INIT { N(NO_PROPOSAL_CHOSEN) }
    Exchanges.step(t.net, t.b, t.a, "IKE_SA_INIT response 0 [ N(NO_PROP) ]");
    assertTrue(t.a.sas().isEmpty());
    assertTrue(t.b.sas().isEmpty());
  }

  @Test
  void terminateDeletesTheIkeSaAndItsChildrenOnBothSides() {
    t = Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
    t.connect();
    int inbound = t.a.ipsec.installed().get(0).sa().inboundSpi();
    assertTrue(t.a.engine.terminate("b"));
    t.clock.runPending();
    // INFORMATIONAL { D(IKE) } -->
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 2 [ SK { D } ]");
    assertTrue(t.b.sas().isEmpty());
    // <-- INFORMATIONAL { }
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL response 2 [ SK { } ]");
    assertTrue(t.a.sas().isEmpty());
    for (TestNode n : List.of(t.a, t.b)) {
      assertTrue(n.ipsec.installed().isEmpty());
      assertEquals(1, n.ipsec.deletions().size(), n + " deleted its pair once");
    }
    assertEquals(inbound, t.a.ipsec.deletions().get(0).inboundSpi());
  }

  @Test
  void natDetectionIsFakedToForceEncapsulation() {
    t = Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
    t.connect();
    assertTrue(t.a.onlySa().natRemote(), "b's faked source hash reads as a NAT at b");
    assertTrue(t.b.onlySa().natRemote(), "a's faked source hash reads as a NAT at a");
    assertFalse(t.a.onlySa().natLocal(), "destination hashes are real");
    assertFalse(t.b.onlySa().natLocal());

    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .forceEncap(false)
                    .child(Testbed.subnetChild(self, other).build())
                    .build());
    t.connect();
    assertFalse(t.a.onlySa().natRemote());
    assertFalse(t.b.onlySa().natRemote());
  }
}
