package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;

/** The harness behind the handshake benchmark completes a handshake in either IKE version. */
class HandshakeHarnessTest {

  @Test
  void ikev2HandshakeInFourMessages() {
    HandshakeHarness.Result r =
        new HandshakeHarness(
                IkeProposal.parse("aes128-sha256-modp2048"),
                EspProposal.AES128GCM,
                new SecureRandom(),
                2)
            .handshake();
    assertEquals(4, r.datagrams());
    assertEquals(2, r.initiator().version());
  }

  @Test
  void ikev1MainModeAndQuickMode() {
    HandshakeHarness h =
        new HandshakeHarness(
            IkeProposal.parse("aes128-sha256-modp2048"),
            EspProposal.AES128GCM,
            new SecureRandom(),
            1);
    for (int i = 0; i < 3; i++) {
      HandshakeHarness.Result r = h.handshake();
      // RFC 2409: 6 Main Mode + 3 Quick Mode messages, and the INITIAL-CONTACT notify in an
      // Informational exchange of its own (RFC 2407 section 4.6.3.3)
      assertEquals(10, r.datagrams());
      assertEquals(1, r.initiator().version());
      assertEquals(1, r.responder().version());
    }
  }
}
