package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.port.ExpireKind;

/** The data plane's events reaching the engine: SOFT and HARD expires, unknown SPIs. */
class EngineEventsTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
    assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
  }

  @Test
  void softExpireRekeysThePair() {
    t = Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
    t.connect();
    int old = t.b.ipsec.installed().get(0).sa().inboundSpi();
    t.b.engine.expire(old, ExpireKind.SOFT); // b's data plane counted enough bytes
    t.clock.runPending();
    Exchanges.step(
        t.net, t.b, t.a, "CREATE_CHILD_SA request 0 [ SK { N(REKEY_SA) SA No TSi TSr } ]");
    t.net.deliverAll();
    assertEquals(1, t.b.ipsec.installed().size());
    assertNotEquals(old, t.b.ipsec.installed().get(0).sa().inboundSpi());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void hardExpireDeletesThePairOnBothSides() {
    t = Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
    t.connect();
    int spi = t.a.ipsec.installed().get(0).sa().inboundSpi();
    t.a.engine.expire(spi, ExpireKind.HARD);
    t.clock.runPending();
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 2 [ SK { D } ]");
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL response 2 [ SK { D } ]");
    assertTrue(t.a.ipsec.installed().isEmpty());
    assertTrue(t.b.ipsec.installed().isEmpty());
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    // an expire for an SPI nobody knows changes nothing
    t.a.engine.expire(12345, ExpireKind.HARD);
    t.clock.runPending();
    assertEquals(0, t.net.pending());
  }

  @Test
  void unknownSpiIsReportedToThePeerOnce() {
    t = Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
    t.connect();
    InetSocketAddress from = new InetSocketAddress(t.b.address, 4500);
    t.a.engine.unknownSpi(0x0badcafe, from);
    t.clock.runPending();
    // INFORMATIONAL { N(INVAL_SPI) } -->
    Exchanges.step(t.net, t.a, t.b, "INFORMATIONAL request 2 [ SK { N(INVAL_SPI) } ]");
    Exchanges.step(t.net, t.b, t.a, "INFORMATIONAL response 2 [ SK { } ]");
    t.a.engine.unknownSpi(0x0badcafe, from);
    t.clock.runPending();
    assertEquals(0, t.net.pending(), "rate-limited");
    assertEquals(2, t.a.engine.stats().unknownEspSpi.get());
  }
}
