package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;

/**
 * A datagram whose header has a major version no handler is registered for (RFC 7296 section 3.1:
 * "MUST drop") is counted, and logged once per source within the bad-input rate limit.
 */
class UnknownVersionTest {

  @Test
  void anUnregisteredMajorVersionIsCountedAndLoggedOncePerSource() {
    Testbed t = Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
    byte[] d = new byte[28];
    d[17] = 0x30; // MjVer 3: nobody serves it
    d[27] = 28; // Length
    InetSocketAddress local = new InetSocketAddress(t.b.address, 500);
    InetSocketAddress from = new InetSocketAddress(t.a.address, 500);
    for (int i = 0; i < 3; i++) {
      t.b.engine.receive(d, local, from);
    }
    EngineStats s = t.b.engine.stats();
    assertEquals(3, s.unsupportedVersion.get());
    assertEquals(3, s.malformed.get());
    assertEquals(2, t.b.engine.badInputLog().suppressed(), "one line per source per interval");
    assertEquals(0, s.internalErrors.get());
  }
}
