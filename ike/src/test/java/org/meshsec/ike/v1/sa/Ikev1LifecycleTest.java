package org.meshsec.ike.v1.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeFront;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.sa.VersionProtocol;
import org.meshsec.ike.task.Ikev2TaskFactory;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.task.QuickMode;

/**
 * The IKEv1 lifecycle in virtual time, two engines joined by a loopback network: phase 1
 * re-establishment (a new Main Mode takes over the pairs of the old ISAKMP SA, which is deleted),
 * Quick Mode rekey from either side and at once from both, DPD with ESP as proof of life, lost and
 * duplicated messages during a rekey. Node a = 10.0.0.1, b = 10.0.0.2, one tunnel-mode child "net".
 */
class Ikev1LifecycleTest {
  private static final byte[] PSK =
      "a shared key of the v1 mesh".getBytes(StandardCharsets.US_ASCII);
  private static final IkeProposal IKE = IkeProposal.parse("aes128-sha256-modp2048");
  private static final EspProposal ESP = EspProposal.parse("aes128gcm16");

  private final ManualScheduler clock = new ManualScheduler();
  private final LoopbackNetwork net = new LoopbackNetwork(clock::runPending);

  /** One node: an engine with IKEv1, its data plane fake and its lifecycle events. */
  private final class Node {
    final InetAddress address;
    final MemoryIpsec ipsec;
    final IkeEngine engine;
    final List<String> events = new CopyOnWriteArrayList<>();

    /** The engine's IKEv1 side, for the tests that act on one ISAKMP SA directly. */
    Ikev1Front v1;

    Node(int octet, long seed, PeerConfig peer) {
      address = address(octet);
      ipsec = new MemoryIpsec(0x01000000 * octet + 0x100).clock(clock::now);
      engine =
          IkeEngine.builder()
              .tasks(new Ikev2TaskFactory())
              .protocol(
                  new VersionProtocol() {
                    @Override
                    public int majorVersion() {
                      return Ikev1Protocol.MAJOR_VERSION;
                    }

                    @Override
                    public Side attach(IkeEngine engine, IkeFront front) {
                      v1 = (Ikev1Front) new Ikev1Protocol().attach(engine, front);
                      return v1;
                    }
                  })
              .settings(EngineSettings.DEFAULT)
              .peer(peer)
              .network(net)
              .ipsec(ipsec)
              .scheduler(clock)
              .random(new DeterministicRandom(seed))
              .listener(
                  new IkeListener() {
                    @Override
                    public void ikeSaChanged(IkeSaInfo info) {
                      events.add(info.id() + " " + info.state() + " " + info.children().size());
                    }

                    @Override
                    public void ikeSaDestroyed(IkeSaInfo last, String reason) {
                      events.add(last.id() + " destroyed: " + reason);
                    }
                  })
              .build();
      net.attach(address, engine::receive);
    }

    IkeSaInfo onlySa() {
      List<IkeSaInfo> l = engine.list();
      assertEquals(1, l.size(), "SAs: " + l);
      return l.get(0);
    }

    int inbound() {
      assertEquals(1, ipsec.installed().size(), "pairs: " + ipsec.log());
      return ipsec.installed().get(0).sa().inboundSpi();
    }
  }

  private static InetAddress address(int octet) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) octet});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static PeerConfig.Builder peer(int self, int other) {
    return PeerConfig.builder(other == 1 ? "a" : "b")
        .version(1)
        .localAddress(address(self))
        .remoteAddress(address(other))
        .localId(new PeerIdentity.IpAddress(address(self)))
        .remoteId(new PeerIdentity.IpAddress(address(other)))
        .auth(AuthConfig.Psk.of(PSK))
        .ikeProposals(IKE)
        .child(
            ChildConfig.builder("net")
                .policyRef(42)
                .localTs(TsRange.parse("192.168." + self + ".0/24"))
                .remoteTs(TsRange.parse("192.168." + other + ".0/24"))
                .mode(IpsecMode.TUNNEL)
                .proposals(ESP)
                .build());
  }

  private Node a;
  private Node b;

  private void up(
      UnaryOperator<PeerConfig.Builder> customA, UnaryOperator<PeerConfig.Builder> customB) {
    a = new Node(1, 11, customA.apply(peer(1, 2)).build());
    b = new Node(2, 22, customB.apply(peer(2, 1)).build());
    assertTrue(a.engine.initiate("b"));
    clock.runPending();
    net.deliverAll();
    assertConverged();
    run(Duration.ofMinutes(1));
  }

  private void up() {
    up(x -> x, x -> x);
  }

  /** One ESTABLISHED ISAKMP SA on each side (the same one) with one pair, mirrored. */
  private void assertConverged() {
    IkeSaInfo sa = a.onlySa();
    IkeSaInfo sb = b.onlySa();
    for (IkeSaInfo s : List.of(sa, sb)) {
      assertEquals(IkeSaState.ESTABLISHED, s.state(), s.toString());
      assertEquals(1, s.children().size(), s.toString());
    }
    assertEquals(sa.initiatorSpi(), sb.initiatorSpi(), "CKY-I");
    assertEquals(sa.responderSpi(), sb.responderSpi(), "CKY-R");
    MemoryIpsec.Pair pa = a.ipsec.installed().get(0);
    MemoryIpsec.Pair pb = b.ipsec.installed().get(0);
    assertEquals(1, a.ipsec.installed().size(), a.ipsec.log().toString());
    assertEquals(1, b.ipsec.installed().size(), b.ipsec.log().toString());
    assertEquals(pa.sa().inboundSpi(), pb.sa().outboundSpi());
    assertEquals(pa.sa().outboundSpi(), pb.sa().inboundSpi());
    assertArrayEquals(pa.outboundKeys(), pb.inboundKeys());
    assertEquals(sa.children().get(0).inboundSpi(), pa.sa().inboundSpi());
    assertEquals(sb.children().get(0).inboundSpi(), pb.sa().inboundSpi());
    assertTrue(a.ipsec.reserved().isEmpty() && b.ipsec.reserved().isEmpty(), "no LARVAL SPI left");
    assertEquals(0, a.engine.stats().internalErrors.get() + b.engine.stats().internalErrors.get());
  }

  private void run(Duration d) {
    Duration step = Duration.ofMillis(500);
    for (Duration t = Duration.ZERO; t.compareTo(d) < 0; t = t.plus(step)) {
      clock.advance(step);
      net.deliverAll();
    }
  }

  /** The CKY-I of an ISAKMP datagram. */
  private static long initiatorCookie(LoopbackNetwork.Datagram d) {
    return ByteBuffer.wrap(d.bytes()).getLong(0);
  }

  /** The exchange type of an ISAKMP datagram (RFC 2408 section 3.1: octet 18). */
  private static int exchange(LoopbackNetwork.Datagram d) {
    return d.bytes()[18] & 0xFF;
  }

  // ---------------------------------------------------------------- phase 1 re-establishment

  @Test
  void phase1IsReestablishedBeforeItsLifetimeAndKeepsThePairs() {
    RekeySchedule a10 =
        RekeySchedule.of(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(12));
    RekeySchedule b20 =
        RekeySchedule.of(Duration.ofMinutes(20), Duration.ZERO, Duration.ofMinutes(22));
    up(x -> x.ikeLifetime(a10), x -> x.ikeLifetime(b20));
    IkeSaInfo before = a.onlySa();
    Duration due = Duration.between(before.established(), before.rekeyAt());
    assertTrue(
        due.compareTo(Duration.ofMinutes(9)) >= 0 && due.compareTo(Duration.ofMinutes(10)) <= 0,
        "re-establishment planned at the rekey time less the jitter: " + due);
    int inA = a.inbound();
    int inB = b.inbound();
    int installs = a.ipsec.history().size() + b.ipsec.history().size();

    run(Duration.ofMinutes(10)); // a re-establishes between 9 and 10 min
    assertConverged();
    IkeSaInfo after = a.onlySa();
    assertNotEquals(before.id(), after.id(), "a new ISAKMP SA");
    assertNotEquals(before.initiatorSpi(), after.initiatorSpi(), "new cookies");
    assertEquals(inA, a.inbound(), "the ESP SAs kept running: same SPIs");
    assertEquals(inB, b.inbound());
    assertEquals(
        installs, a.ipsec.history().size() + b.ipsec.history().size(), "nothing reinstalled");
    assertTrue(a.ipsec.deletions().isEmpty() && b.ipsec.deletions().isEmpty(), "no pair deleted");
    assertTrue(
        a.events.contains(before.id() + " " + IkeSaState.REKEYING + " 1"), a.events.toString());
    assertTrue(
        b.events.stream().anyMatch(e -> e.endsWith("destroyed: deleted by the peer")),
        "b's old ISAKMP SA deleted by a's D(ISAKMP): " + b.events);

    // The next Quick Mode rekey runs on the new ISAKMP SA.
    a.engine.expire(inA, ExpireKind.SOFT);
    clock.runPending();
    LoopbackNetwork.Datagram qm1 = net.inFlight().get(0);
    assertEquals(ExchangeType.QUICK_MODE.value(), exchange(qm1));
    assertEquals(after.initiatorSpi(), initiatorCookie(qm1), "Quick Mode under the new cookies");
    net.deliverAll();
    run(QuickMode.MAX_OUTBOUND_HOLD); // the old pair goes when the new outbound SA's hold ends
    assertConverged();
    assertNotEquals(inA, a.inbound(), "rekeyed");
    assertEquals(after.id(), a.onlySa().id());

    // The new SA is re-established in turn; the hard lifetime never strikes.
    run(Duration.ofMinutes(12));
    assertConverged();
    assertTrue(a.events.stream().noneMatch(e -> e.contains("lifetime")), a.events.toString());
  }

  @Test
  void anIsakmpSaNotReplacedIsDeletedAtItsLifetime() {
    RekeySchedule life =
        RekeySchedule.of(Duration.ofMinutes(10), Duration.ZERO, Duration.ofMinutes(12));
    up(x -> x.ikeLifetime(life), x -> x.ikeLifetime(life));
    net.setUnreachable(b.address, true); // the new Main Mode never completes
    run(Duration.ofMinutes(12));
    assertTrue(a.engine.list().isEmpty(), a.engine.list().toString());
    assertTrue(
        a.events.stream().anyMatch(e -> e.endsWith("the ISAKMP SA reached its lifetime")),
        a.events.toString());
    assertTrue(a.ipsec.installed().isEmpty(), "its pairs went with it");
  }

  @Test
  void rekeyCommandReestablishesPhase1FromEitherSide() {
    up();
    for (Node n : List.of(a, b)) {
      IkeSaInfo old = n.onlySa();
      int in = n.inbound();
      assertTrue(n.engine.rekey(n == a ? "b" : "a"));
      clock.runPending();
      net.deliverAll();
      assertConverged();
      assertNotEquals(old.id(), n.onlySa().id());
      assertEquals(in, n.inbound(), "same pair");
      assertEquals(n == a, a.onlySa().originalInitiator(), "the rekeying side initiated it");
      assertTrue(
          n.events.contains(old.id() + " " + IkeSaState.REKEYED + " 0"), n.events.toString());
      clock.advance(Duration.ofMinutes(1));
    }
    assertTrue(b.onlySa().originalInitiator(), "b made the last one");
    // Nothing left waiting: the replaced SAs' grace timers found them gone.
    run(Duration.ofMinutes(1));
    assertConverged();
  }

  @Test
  void aMainModeFromThePeerWithoutInitialContactKeepsThePairs() {
    up();
    int inA = a.inbound();
    // b re-authenticates as strongSwan does: a new Main Mode, no INITIAL-CONTACT; a answers it.
    assertTrue(b.engine.rekey("a"));
    clock.runPending();
    net.deliverAll();
    assertConverged();
    assertEquals(inA, a.inbound());
    assertFalse(a.onlySa().originalInitiator(), "a is the responder of the new SA");
  }

  /**
   * A responder sends its last Main Mode message, (6), before its own new SA is established, so the
   * peer's Delete of the SA it replaces can overtake the end of phase 1 on this side. Here b
   * re-authenticates; the Delete of the old ISAKMP SA reaches a while a's new SA still waits for
   * (5). The pair waits for the new SA instead of going with the old one (which left it on b only).
   */
  @Test
  void aDeleteOvertakingTheEndOfThePeersNewMainModeKeepsThePair() {
    up();
    int inA = a.inbound();
    assertTrue(b.engine.rekey("a"));
    clock.runPending();
    for (int i = 1; i <= 4; i++) {
      assertTrue(net.deliverNext() != null, "(" + i + ")");
    }
    List<LoopbackNetwork.Datagram> five = net.inFlight();
    assertEquals(1, five.size(), "(5) in flight: " + five);
    net.drop(d -> true);
    // What b does once (6) is in: its old SA hands its pair to the new one and sends its Delete.
    List<IsakmpSa> onB = b.v1.sas();
    assertEquals(2, onB.size(), onB.toString());
    IsakmpSa oldB = onB.stream().min(Comparator.comparingLong(IsakmpSa::createdOrder)).get();
    IsakmpSa newB = onB.stream().max(Comparator.comparingLong(IsakmpSa::createdOrder)).get();
    oldB.execute(() -> oldB.release(newB, true));
    clock.runPending();
    assertTrue(net.deliverAll() >= 1, "b's Delete reaches a before (5)");
    assertEquals(inA, a.inbound(), "a keeps the pair for its new ISAKMP SA");

    net.deliver(five.get(0)); // (5): a sends (6) and completes
    run(IsakmpSa.REPLACED_GRACE.plusSeconds(1));
    assertConverged();
    assertEquals(inA, a.inbound());
  }

  @Test
  void bothSidesReestablishingAtOnceConvergeOnOneIsakmpSa() {
    up();
    int inA = a.inbound();
    assertTrue(a.engine.rekey("b"));
    assertTrue(b.engine.rekey("a"));
    clock.runPending(); // both Main Mode (1) in flight
    net.deliverAll();
    // Each side took the peer's Main Mode for a replacement of the old SA and its own for a rival:
    // the redundant new SA goes at once, the old one after the grace (its Delete was the
    // initiator's to send, and each side thought the other initiated).
    run(IsakmpSa.REPLACED_GRACE.plusSeconds(1));
    assertConverged();
    assertEquals(inA, a.inbound(), "the pair survived both re-establishments");
  }

  @Test
  void lostMainModeMessagesInAReestablishmentAreRetransmitted() {
    up();
    int inA = a.inbound();
    assertTrue(a.engine.rekey("b"));
    clock.runPending();
    net.dropNext(); // the new Main Mode (1) lost
    clock.advance(Duration.ofMillis(1100));
    assertEquals(1, net.pending(), "(1) resent");
    net.deliverNext(); // (1) -> b
    net.deliverNext(); // (2) -> a
    net.deliverNext(); // (3) -> b
    net.dropNext(); // (4) lost: b resends it
    run(Duration.ofSeconds(10));
    assertConverged();
    assertEquals(inA, a.inbound());
    assertTrue(b.engine.stats().v1Retransmissions.get() >= 1, "b answered a's resent (3)");
  }

  // ---------------------------------------------------------------- Quick Mode rekey

  @Test
  void childRekeyFromEitherSideReplacesThePair() {
    up();
    for (Node n : List.of(a, b)) {
      int old = n.inbound();
      long sa = n.onlySa().id();
      assertTrue(n.engine.rekeyChild(n == a ? "b" : "a", "net"));
      clock.runPending();
      net.deliverAll();
      MemoryIpsec.Pair fresh = n.ipsec.history().get(n.ipsec.history().size() - 1);
      assertEquals(
          QuickMode.MAX_OUTBOUND_HOLD,
          fresh.sa().outboundHold(),
          "the initiator's new outbound SA is held behind the old one");
      assertTrue(
          n.ipsec.deletions().stream().noneMatch(d -> d.inboundSpi() == old),
          "the old pair carries the traffic during the hold");
      Node other = n == a ? b : a;
      assertEquals(
          Duration.ZERO,
          other.ipsec.history().get(other.ipsec.history().size() - 1).sa().outboundHold(),
          "the responder installs on (3): no hold");
      run(QuickMode.MAX_OUTBOUND_HOLD);
      assertConverged();
      assertNotEquals(old, n.inbound(), "a new pair");
      assertEquals(sa, n.onlySa().id(), "on the same ISAKMP SA");
      assertTrue(
          n.ipsec.deletions().stream().anyMatch(d -> d.inboundSpi() == old),
          "the old pair deleted: " + n.ipsec.deletions());
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void simultaneousQuickModeRekeysConvergeOnOnePair() {
    up();
    int oldA = a.inbound();
    a.engine.rekeyChild("b", "net");
    b.engine.rekeyChild("a", "net");
    clock.runPending(); // both Quick Mode (1) in flight
    assertEquals(2, net.pending());
    net.deliverAll();
    run(QuickMode.MAX_OUTBOUND_HOLD);
    assertConverged();
    assertNotEquals(oldA, a.inbound());
    assertEquals(3, a.ipsec.history().size(), "two new pairs were made, one deleted");
  }

  @Test
  void simultaneousSoftExpiresConvergeOnOnePair() {
    up();
    a.engine.expire(a.inbound(), ExpireKind.SOFT);
    b.engine.expire(b.inbound(), ExpireKind.SOFT);
    clock.runPending();
    // Interleave: (1)a, (1)b, then the rest.
    net.deliverAll();
    run(Duration.ofSeconds(5));
    assertConverged();
  }

  @Test
  void lostAndDuplicatedQuickModeMessagesInARekey() {
    up();
    int old = a.inbound();
    a.engine.rekeyChild("b", "net");
    clock.runPending();
    net.dropNext(); // (1) lost: resent after 1 s
    run(Duration.ofSeconds(2));
    assertEquals(0, net.pending());
    // Now (1) reached b and (2) reached a... unless: redo with (2) duplicated and (3) lost.
    assertConverged();
    assertNotEquals(old, a.inbound());

    int second = a.inbound();
    a.engine.rekeyChild("b", "net");
    clock.runPending();
    net.deliverNext(); // (1) -> b
    LoopbackNetwork.Datagram m2 = net.inFlight().get(0);
    net.deliverNext(); // (2) -> a: a installs, sends (3) and D(ESP old)
    net.deliver(m2); // (2) again: a answers with its (3) once more, nothing installed twice
    net.dropNext(); // (3) lost
    net.deliverAll(); // the Delete and the second (3)
    run(Duration.ofSeconds(5));
    assertConverged();
    assertNotEquals(second, a.inbound());
    assertTrue(a.engine.stats().v1Retransmissions.get() >= 1);
  }

  // ---------------------------------------------------------------- DPD (RFC 3706)

  @Test
  void dpdDeclaresASilentPeerDeadAndClearsThePair() {
    DpdConfig dpd = new DpdConfig(Duration.ofSeconds(10), Duration.ofSeconds(30), DpdAction.CLEAR);
    up(x -> x.dpd(dpd), x -> x);
    net.setUnreachable(b.address, true);
    run(Duration.ofSeconds(60));
    assertTrue(a.engine.list().isEmpty(), a.engine.list().toString());
    assertTrue(a.ipsec.installed().isEmpty());
    assertEquals(1, a.engine.stats().deadPeers.get());
  }

  @Test
  void noRUThereWhileEspArrives() {
    DpdConfig dpd = new DpdConfig(Duration.ofSeconds(10), Duration.ofSeconds(30), DpdAction.CLEAR);
    up(x -> x.dpd(dpd), x -> x);
    int in = a.inbound();
    long before = net.sentCount();
    // The peer's IKE is silent (even unreachable), but ESP from it keeps arriving.
    net.setUnreachable(b.address, true);
    for (int i = 0; i < 120; i++) {
      a.ipsec.espReceived(in);
      run(Duration.ofSeconds(1));
    }
    assertEquals(before, net.sentCount(), "no R-U-THERE sent");
    assertEquals(IkeSaState.ESTABLISHED, a.onlySa().state());
    assertEquals(0, a.engine.stats().deadPeers.get());
    // ESP stops: R-U-THERE after the delay, dead after the timeout.
    run(Duration.ofSeconds(60));
    assertTrue(net.sentCount() > before);
    assertTrue(a.engine.list().isEmpty());
  }
}
