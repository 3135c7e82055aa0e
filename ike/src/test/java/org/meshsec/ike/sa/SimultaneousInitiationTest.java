package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;

/**
 * Case 3, the headline of a mesh: nodes that initiate to each other at the same moment end with
 * exactly one IKE SA and one Child SA pair per policy.
 */
class SimultaneousInitiationTest {
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void noInternalErrors() {
    for (TestNode n : nodes) {
      assertEquals(0, n.engine.stats().internalErrors.get(), n + ": " + n.engine.stats());
    }
  }

  private Testbed pair(long seedA, long seedB) {
    Testbed t =
        Testbed.seeded(
            EngineSettings.DEFAULT,
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .child(Testbed.subnetChild(self, other).build())
                    .child(Testbed.hostChild().build())
                    .build(),
            seedA,
            seedB);
    nodes.add(t.a);
    nodes.add(t.b);
    return t;
  }

  private static void assertOneIkeSaAndOnePairPerPolicy(TestNode x, TestNode y, int policies) {
    IkeSaInfo ix = x.onlySa();
    IkeSaInfo iy = y.onlySa();
    assertEquals(IkeSaState.ESTABLISHED, ix.state());
    assertEquals(IkeSaState.ESTABLISHED, iy.state());
    assertEquals(ix.initiatorSpi(), iy.initiatorSpi());
    assertEquals(ix.responderSpi(), iy.responderSpi());
    assertEquals(policies, ix.children().size(), x + ": " + ix.children());
    assertEquals(policies, iy.children().size(), y + ": " + iy.children());
    assertEquals(policies, x.ipsec.installed().size(), x + " data plane");
    assertEquals(
        policies,
        x.ipsec.installed().stream().map(p -> p.sa().policyRef()).distinct().count(),
        "one pair per policy");
    Exchanges.assertMirrored(x.ipsec, y.ipsec);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void bothInitiateAtOnce(long seed) {
    Testbed t = pair(seed, seed * 31 + 7);
    t.a.engine.initiate("b");
    t.b.engine.initiate("a");
    t.clock.runPending();
    assertEquals(2, t.net.pending(), "two IKE_SA_INIT requests cross");
    t.net.deliverAll();
    t.run(Duration.ofSeconds(5));

    assertOneIkeSaAndOnePairPerPolicy(t.a, t.b, 2);
    assertTrue(
        t.a.engine.stats().duplicatesDeleted.get() + t.b.engine.stats().duplicatesDeleted.get()
            >= 1,
        "one side deleted the redundant SA");
    for (TestNode n : List.of(t.a, t.b)) {
      boolean claimedFirstContact =
          n.seen.stream()
              .anyMatch(
                  s -> s.outbound() && s.message().notify(NotifyType.INITIAL_CONTACT).isPresent());
      assertFalse(claimedFirstContact, n + " knew of the other SA and sent no INITIAL_CONTACT");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void bothAcquireAtOnce(long seed) {
    Testbed t = pair(seed, seed + 1000);
    t.a.engine.acquire(Testbed.POLICY, t.b.address);
    t.b.engine.acquire(Testbed.POLICY, t.a.address);
    t.settle();
    t.run(Duration.ofSeconds(5));
    assertOneIkeSaAndOnePairPerPolicy(t.a, t.b, 1);
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23})
  void bothAcquireTheSameSecondChildAtOnce(long seed) {
    Testbed t = pair(seed, seed + 1000);
    t.a.engine.acquire(Testbed.POLICY, t.b.address);
    t.settle();
    assertOneIkeSaAndOnePairPerPolicy(t.a, t.b, 1);
    // CREATE_CHILD_SA for the host policy from both sides at once
    t.a.engine.acquire(Testbed.POLICY + 1, t.b.address);
    t.b.engine.acquire(Testbed.POLICY + 1, t.a.address);
    t.clock.runPending();
    assertEquals(2, t.net.pending(), "two CREATE_CHILD_SA requests cross");
    t.net.deliverAll();
    assertEquals(
        1,
        t.a.engine.stats().duplicatesDeleted.get() + t.b.engine.stats().duplicatesDeleted.get(),
        "the redundant pair was deleted by its creator");
    t.run(Duration.ofSeconds(2));
    assertOneIkeSaAndOnePairPerPolicy(t.a, t.b, 2);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void fourNodeMeshStartingTogetherHasOneSaPerPair(long seed) {
    ManualScheduler clock = new ManualScheduler();
    LoopbackNetwork net = new LoopbackNetwork(clock::runPending);
    int size = 4;
    for (int self = 1; self <= size; self++) {
      List<PeerConfig> peers = new ArrayList<>();
      for (int other = 1; other <= size; other++) {
        if (other != self) {
          ChildConfig host =
              Testbed.hostChild().policyRef(100 + other).startAction(StartAction.START).build();
          peers.add(Testbed.peer(self, other).child(host).build());
        }
      }
      nodes.add(
          new TestNode(
              "n" + self, self, clock, net, EngineSettings.DEFAULT, seed * 100 + self, peers));
    }
    for (TestNode n : nodes) {
      n.engine.start();
    }
    clock.runPending();
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMillis(100));
      net.deliverAll();
    }
    for (TestNode n : nodes) {
      List<IkeSaInfo> sas = n.sas();
      assertEquals(size - 1, sas.size(), n + ": one IKE SA per peer: " + sas);
      assertEquals(size - 1, sas.stream().map(IkeSaInfo::peer).distinct().count(), n + " peers");
      for (IkeSaInfo sa : sas) {
        assertEquals(IkeSaState.ESTABLISHED, sa.state());
        assertEquals(1, sa.children().size(), n + " -> " + sa.peer());
      }
      assertEquals(size - 1, n.ipsec.installed().size(), n + " data plane");
    }
    for (TestNode x : nodes) {
      for (MemoryIpsec.Pair p : x.ipsec.installed()) {
        TestNode y =
            nodes.stream()
                .filter(n -> n.address.equals(p.sa().remote().getAddress()))
                .findFirst()
                .orElseThrow();
        MemoryIpsec.Pair mirror = y.ipsec.byInbound(p.sa().outboundSpi()).orElseThrow();
        assertEquals(p.sa().inboundSpi(), mirror.sa().outboundSpi());
      }
    }
  }
}
