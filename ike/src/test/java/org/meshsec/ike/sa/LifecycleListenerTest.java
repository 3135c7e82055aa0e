package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;

/** The engine's {@link IkeListener}: what a caller waiting on a negotiation hears, in order. */
class LifecycleListenerTest {

  @Test
  void anEstablishedSaAndItsTerminationAreHeardOnBothSides() {
    Testbed t = Testbed.of(IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM);
    t.connect();
    assertEquals(List.of("CREATED 0", "CONNECTING 0", "ESTABLISHED 1"), t.a.events);
    assertEquals("ESTABLISHED 1", t.b.events.get(t.b.events.size() - 1));

    t.a.engine.terminate("b");
    t.settle();
    assertTrue(t.a.events.contains("DELETING 1"), "a: " + t.a.events);
    assertEquals("destroyed: deleted", last(t.a.events));
    assertEquals("destroyed: deleted by the peer", last(t.b.events));
  }

  @Test
  void aFailedAuthenticationIsHeardWithItsReason() {
    Testbed t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .auth(AuthConfig.Psk.of(("key of node " + self).getBytes()))
                    .child(Testbed.subnetChild(self, other).build())
                    .build());
    t.connect();
    assertTrue(t.a.sas().isEmpty());
    assertTrue(last(t.a.events).startsWith("destroyed: "), "a: " + t.a.events);
    assertTrue(t.a.events.stream().noneMatch(e -> e.startsWith("ESTABLISHED")), "a: " + t.a.events);
  }

  private static String last(List<String> l) {
    return l.get(l.size() - 1);
  }
}
