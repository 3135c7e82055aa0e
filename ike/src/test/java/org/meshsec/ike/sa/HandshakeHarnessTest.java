package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.DeterministicRandom;

class HandshakeHarnessTest {

  @Test
  void oneHandshakeTakesFourDatagrams() {
    HandshakeHarness h =
        new HandshakeHarness(
            IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM, new DeterministicRandom(7));
    HandshakeHarness.Result r = h.handshake();
    assertEquals(4, r.datagrams());
    assertEquals(
        r.initiator().children().get(0).inboundSpi(),
        r.responder().children().get(0).outboundSpi());
  }
}
