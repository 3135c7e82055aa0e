package org.meshsec.ike.v1.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.task.Ikev2TaskFactory;

/**
 * Two engines with IKEv1 peers in one process, in virtual time, joined by a loopback network: the
 * whole path from {@code IkeEngine.initiate} through the front, the ISAKMP SA and its task manager
 * to the data plane fake. Node a = 10.0.0.1, b = 10.0.0.2, one tunnel-mode child between
 * 192.168.1.0/24 and 192.168.2.0/24.
 */
class Ikev1EngineTest {
  private static final byte[] PSK =
      "a shared key of the v1 mesh".getBytes(StandardCharsets.US_ASCII);
  private static final IkeProposal IKE = IkeProposal.parse("aes128-sha256-modp2048");

  private final ManualScheduler clock = new ManualScheduler();
  private final LoopbackNetwork net = new LoopbackNetwork(clock::runPending);

  /** One node: an engine with IKEv1 built in, its data plane fake and its lifecycle events. */
  private final class Node {
    final InetAddress address;
    final MemoryIpsec ipsec;
    final IkeEngine engine;
    final List<String> events = new CopyOnWriteArrayList<>();

    Node(int octet, long seed, PeerConfig peer) {
      address = address(octet);
      ipsec = new MemoryIpsec(0x01000000 * octet + 0x100);
      engine =
          IkeEngine.builder()
              .tasks(new Ikev2TaskFactory())
              .protocol(new Ikev1Protocol())
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
                      events.add(info.state() + " " + info.children().size());
                    }

                    @Override
                    public void ikeSaDestroyed(IkeSaInfo last, String reason) {
                      events.add("destroyed: " + reason);
                    }

                    @Override
                    public void childSaFailed(IkeSaInfo sa, String child, String reason) {
                      events.add("child " + child + " failed: " + reason);
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
  }

  private static InetAddress address(int octet) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) octet});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static PeerConfig.Builder peer(int self, int other, EspProposal esp) {
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
                .proposals(esp)
                .build());
  }

  private Node a;
  private Node b;

  private void nodes(
      EspProposal esp,
      UnaryOperator<PeerConfig.Builder> customA,
      UnaryOperator<PeerConfig.Builder> customB) {
    a = new Node(1, 11, customA.apply(peer(1, 2, esp)).build());
    b = new Node(2, 22, customB.apply(peer(2, 1, esp)).build());
  }

  private void nodes(EspProposal esp) {
    nodes(esp, x -> x, x -> x);
  }

  private void initiate() {
    assertTrue(a.engine.initiate("b"));
    clock.runPending();
  }

  /** Both ends hold one ESTABLISHED ISAKMP SA with one pair, keys mirrored. */
  private void assertMirroredPair(String mode) {
    IkeSaInfo sa = a.onlySa();
    IkeSaInfo sb = b.onlySa();
    for (IkeSaInfo s : List.of(sa, sb)) {
      assertEquals(IkeSaState.ESTABLISHED, s.state(), s.toString());
      assertEquals(1, s.version());
      assertEquals(mode, s.mode());
      assertEquals(1, s.children().size(), s.toString());
    }
    assertEquals(sa.initiatorSpi(), sb.initiatorSpi(), "CKY-I");
    assertEquals(sa.responderSpi(), sb.responderSpi(), "CKY-R");
    MemoryIpsec.Pair pa = a.ipsec.installed().get(0);
    MemoryIpsec.Pair pb = b.ipsec.installed().get(0);
    assertEquals(pa.sa().inboundSpi(), pb.sa().outboundSpi());
    assertEquals(pa.sa().outboundSpi(), pb.sa().inboundSpi());
    assertArrayEquals(pa.outboundKeys(), pb.inboundKeys());
    assertArrayEquals(pa.inboundKeys(), pb.outboundKeys());
    assertEquals(4500, pa.sa().remote().getPort(), "ESP always in UDP 4500");
    assertEquals(List.of(TsRange.parse("192.168.2.0/24")), pa.sa().remoteTs());
    assertTrue(a.ipsec.reserved().isEmpty() && b.ipsec.reserved().isEmpty());
  }

  // ID_PROT 0 [ SA V ] -->  <-- [ SA ]   [ KE No ] -->  <-- [ KE No ]   [ E{ ID HASH } ] -->
  // <-- [ E{ ID HASH } ]   QUICK_MODE [ E{ HASH SA No ID ID } ] -->  <-- [...]  [ E{ HASH } ] -->
  @Test
  void mainModeThenQuickMode() {
    nodes(EspProposal.parse("aes128gcm16"));
    initiate();
    assertEquals(
        List.of(IkeSaState.CONNECTING), a.engine.list().stream().map(IkeSaInfo::state).toList());
    net.deliverAll();
    assertMirroredPair("main");
    assertTrue(a.onlySa().originalInitiator());
    assertFalse(b.onlySa().originalInitiator());
    assertEquals(0, a.engine.stats().v1Dropped.get() + b.engine.stats().v1Dropped.get());
    assertEquals(0, a.engine.stats().internalErrors.get() + b.engine.stats().internalErrors.get());
    assertEquals(0, b.engine.halfOpenCount(), "established: no longer half-open");
    // NAT-T (RFC 3947): both announced it; each faked its own NAT-D (forced encapsulation), so
    // each sees the other "behind a NAT", and IKE floated to 4500 after message (4).
    for (IkeSaInfo s : List.of(a.onlySa(), b.onlySa())) {
      assertTrue(s.natLocal() && s.natRemote(), s.toString());
      assertEquals(4500, s.local().getPort(), s.toString());
      assertEquals(4500, s.remote().getPort(), s.toString());
    }
  }

  @Test
  void withoutForcedEncapsulationAndNoNatIkeStaysOnPort500() {
    nodes(EspProposal.parse("aes128gcm16"), x -> x.forceEncap(false), x -> x.forceEncap(false));
    initiate();
    net.deliverAll();
    assertMirroredPair("main");
    assertFalse(a.onlySa().natLocal() || a.onlySa().natRemote());
    assertEquals(500, a.onlySa().local().getPort());
    assertEquals(4500, a.ipsec.installed().get(0).sa().remote().getPort(), "ESP still in UDP 4500");
  }

  @Test
  void quickModeWithPfs() {
    nodes(EspProposal.parse("aes256-sha256-modp2048"));
    initiate();
    net.deliverAll();
    assertMirroredPair("main");
    assertEquals(
        "aes256", a.ipsec.installed().get(0).sa().suite().toString().substring(0, 6).toLowerCase());
  }

  @Test
  void aggressiveModeOnlyWhenTheResponderAllowsIt() {
    nodes(EspProposal.parse("aes128gcm16"), x -> x.aggressive(true), x -> x);
    initiate();
    net.deliverAll();
    assertEquals(1, b.engine.stats().v1AggressiveRefused.get());
    assertTrue(b.engine.list().isEmpty(), "no state for a refused Aggressive Mode");
    assertEquals(IkeSaState.CONNECTING, a.onlySa().state());

    nodes(EspProposal.parse("aes128gcm16"), x -> x.aggressive(true), x -> x.aggressive(true));
    initiate();
    net.deliverAll();
    assertMirroredPair("aggressive");
  }

  @Test
  void lostMessagesAreRetransmittedWithBackOff() {
    nodes(EspProposal.parse("aes128gcm16"));
    initiate();
    net.dropNext(); // message (1) lost
    clock.advance(Duration.ofMillis(900));
    assertEquals(0, net.pending(), "not resent before the first timeout");
    clock.advance(Duration.ofMillis(200));
    assertEquals(1, net.pending(), "resent after 1 s");
    net.deliverNext(); // (1) -> b
    net.dropNext(); // (2) lost: b resends it, a's (1) retransmission is answered from b's cache
    clock.advance(Duration.ofSeconds(3));
    net.deliverAll();
    assertMirroredPair("main");
    assertTrue(
        b.engine.stats().v1Retransmissions.get() + a.engine.stats().v1Retransmissions.get() >= 1);
  }

  @Test
  void duplicatedMessagesAreAnsweredNotProcessedTwice() {
    nodes(EspProposal.parse("aes128gcm16"));
    initiate();
    net.deliverNext(); // (1)
    net.deliverNext(); // (2)
    LoopbackNetwork.Datagram m3 = net.inFlight().get(0);
    net.deliverNext(); // (3)
    net.deliver(m3); // (3) again: b answers with its (4) once more
    assertEquals(1, b.engine.stats().v1Retransmissions.get());
    net.deliverAll();
    assertMirroredPair("main");
  }

  @Test
  void forgedDatagramWithTheRightCookiesIsDroppedAndCounted() {
    nodes(EspProposal.parse("aes128gcm16"));
    initiate();
    net.deliverNext(); // (1)
    net.deliverNext(); // (2)
    LoopbackNetwork.Datagram m3 = net.inFlight().get(0);
    net.deliver(new LoopbackNetwork.Datagram(m3.from(), m3.to(), garbled(m3.bytes())));
    assertEquals(1, b.engine.stats().v1Dropped.get(), "garbage with the right cookies");
    assertEquals(IkeSaState.CONNECTING, b.onlySa().state());
    net.deliverAll();
    assertMirroredPair("main");
  }

  /** The datagram with the start of its payload chain overwritten so that it does not decode. */
  private static byte[] garbled(byte[] d) {
    byte[] g = d.clone();
    for (int i = 28; i < Math.min(g.length, 40); i++) {
      g[i] = (byte) 0xFF;
    }
    return g;
  }

  @Test
  void dpdDeclaresASilentPeerDead() {
    DpdConfig dpd = new DpdConfig(Duration.ofSeconds(10), Duration.ofSeconds(30), DpdAction.CLEAR);
    nodes(EspProposal.parse("aes128gcm16"), x -> x.dpd(dpd), x -> x.dpd(dpd));
    initiate();
    net.deliverAll();
    assertMirroredPair("main");
    // A live peer answers R-U-THERE: nothing happens.
    run(Duration.ofSeconds(35));
    assertEquals(IkeSaState.ESTABLISHED, a.onlySa().state());
    net.setUnreachable(b.address, true);
    run(Duration.ofSeconds(60));
    assertTrue(a.engine.list().isEmpty(), "a gave up on b: " + a.engine.list());
    assertTrue(
        a.events.contains("destroyed: peer dead: no R-U-THERE-ACK within the DPD timeout"),
        a.events.toString());
    assertEquals(1, a.engine.stats().deadPeers.get());
    assertTrue(a.ipsec.installed().isEmpty(), "the pair went with the SA");
  }

  @Test
  void initialContactDropsTheOldSas() {
    nodes(EspProposal.parse("aes128gcm16"));
    initiate();
    net.deliverAll();
    assertMirroredPair("main");
    int oldInbound = b.ipsec.installed().get(0).sa().inboundSpi();
    // a reboots: a fresh engine on its address, with no memory of the old SAs.
    a = new Node(1, 33, peer(1, 2, EspProposal.parse("aes128gcm16")).build());
    initiate();
    net.deliverAll();
    IkeSaInfo now = b.onlySa();
    assertEquals(IkeSaState.ESTABLISHED, now.state());
    assertEquals(1, b.ipsec.installed().size(), "only the new pair: " + b.ipsec.log());
    assertNotEquals(oldInbound, b.ipsec.installed().get(0).sa().inboundSpi());
    assertTrue(b.events.contains("destroyed: peer sent INITIAL-CONTACT"), b.events.toString());
  }

  // ---------------------------------------------------------------- failures (RFC 2408 3.14.1)

  /** b offers no phase 1 transform a proposed: b says so at once, unprotected, and a gives up. */
  @Test
  void phase1NoProposalChosenIsNotifiedAndEndsTheInitiatorAtOnce() {
    nodes(
        EspProposal.parse("aes128gcm16"),
        x -> x,
        x -> x.ikeProposals(IkeProposal.parse("aes256-sha384-modp3072")));
    initiate();
    net.deliverAll(); // (1) -> b, b's N(NO-PROPOSAL-CHOSEN) -> a: no timer ran
    assertTrue(a.engine.list().isEmpty(), a.engine.list().toString());
    assertTrue(
        a.events.contains("destroyed: phase 1 failed: peer sent NO-PROPOSAL-CHOSEN"),
        a.events.toString());
    assertTrue(b.engine.list().isEmpty());
  }

  /**
   * b refuses a's identity in Main Mode (5), when both hold the phase 1 keys: b's notification is
   * encrypted with them (HASH(1) of RFC 2409 section 5.7) and a gives up at once.
   */
  @Test
  void phase1RefusalAfterTheKeyExchangeIsNotifiedProtected() {
    nodes(
        EspProposal.parse("aes128gcm16"),
        x -> x,
        x -> x.remoteId(new PeerIdentity.IpAddress(address(9))));
    initiate();
    net.deliverAll();
    assertTrue(a.engine.list().isEmpty(), a.engine.list().toString());
    assertTrue(
        a.events.contains("destroyed: phase 1 failed: peer sent INVALID-ID-INFORMATION"),
        a.events.toString());
    assertEquals(1, b.engine.stats().errorsSent.get());
  }

  /** A Quick Mode b refuses ends at once on a, whose reserved SPI is released; the SAs stay. */
  @Test
  void quickModeNoProposalChosenIsNotifiedProtectedAndFailsTheChild() {
    nodes(
        EspProposal.parse("aes128gcm16"),
        x -> x,
        x -> x.children(List.of(child(2, 1, "net", 2, EspProposal.parse("aes256gcm16")))));
    initiate();
    net.deliverAll();
    assertTrue(
        a.events.contains("child net failed: peer sent NO-PROPOSAL-CHOSEN"), a.events.toString());
    assertEquals(IkeSaState.ESTABLISHED, a.onlySa().state());
    assertEquals(IkeSaState.ESTABLISHED, b.onlySa().state());
    assertTrue(a.ipsec.reserved().isEmpty(), "a's LARVAL SPI released");
    assertTrue(a.ipsec.installed().isEmpty() && b.ipsec.installed().isEmpty());
    assertEquals(0, a.engine.stats().v1Dropped.get(), "the protected notification was read");
  }

  /**
   * Two Quick Modes b refuses in the same second: one notification only (one per second per peer
   * address), so a forged or repeated failure cannot make b a reflector.
   */
  @Test
  void errorNotificationsAreRateLimitedPerPeerAddress() {
    EspProposal esp = EspProposal.parse("aes128gcm16");
    EspProposal other = EspProposal.parse("aes256gcm16");
    nodes(
        esp,
        x -> x.children(List.of(child(1, 2, "net", 2, esp), child(1, 2, "second", 20, esp))),
        x -> x.children(List.of(child(2, 1, "net", 2, other), child(2, 1, "second", 20, other))));
    initiate();
    net.deliverAll();
    assertEquals(1, b.engine.stats().errorsSent.get());
    assertEquals(
        1, a.events.stream().filter(e -> e.contains("peer sent NO-PROPOSAL-CHOSEN")).count());
  }

  /** IDs outside b's selectors: INVALID-ID-INFORMATION, heard by a's initiate. */
  @Test
  void quickModeWithUnacceptableIdsIsRefusedWithInvalidIdInformation() {
    nodes(
        EspProposal.parse("aes128gcm16"),
        x -> x,
        x -> x.children(List.of(child(2, 1, "net", 99, EspProposal.parse("aes128gcm16")))));
    initiate();
    net.deliverAll();
    assertTrue(
        a.events.contains("child net failed: peer sent INVALID-ID-INFORMATION"),
        a.events.toString());
  }

  /**
   * b has two children for a; a asks for the second one's selectors: b answers with that child, not
   * with its first (which would refuse the IDs).
   */
  @Test
  void responderAnswersWithTheChildWhoseSelectorsContainTheIds() {
    EspProposal esp = EspProposal.parse("aes128gcm16");
    nodes(
        esp,
        x -> x.children(List.of(child(1, 2, "second", 20, esp))),
        x -> x.children(List.of(child(2, 1, "net", 2, esp), child(2, 1, "second", 20, esp))));
    initiate();
    net.deliverAll();
    assertEquals(1, b.ipsec.installed().size(), b.events.toString());
    assertEquals("second", b.onlySa().children().get(0).name());
    assertEquals(
        List.of(TsRange.parse("192.168.20.0/24")), b.ipsec.installed().get(0).sa().localTs());
  }

  // ---------------------------------------------------------------- receive-path fuzz

  /**
   * Seeded mutations of every datagram of a live exchange (phase 1, Quick Mode, informationals:
   * INITIAL-CONTACT, R-U-THERE and its ACK) fed to the engines in virtual time, for Main Mode and
   * for Aggressive Mode: no exception escapes (none counted as an internal error), the drop
   * counters move, and afterwards the engines still negotiate a fresh ISAKMP SA with its pair. A
   * fixed number of iterations, not a time budget: a loaded machine runs the same inputs.
   */
  @Test
  void mutatedDatagramsNeverBreakTheEngine() {
    DpdConfig dpd = new DpdConfig(Duration.ofSeconds(10), Duration.ofSeconds(30), DpdAction.CLEAR);
    for (boolean aggressive : new boolean[] {false, true}) {
      nodes(
          EspProposal.parse("aes128gcm16"),
          x -> x.aggressive(aggressive).dpd(dpd),
          x -> x.aggressive(true).dpd(dpd));
      List<LoopbackNetwork.Datagram> corpus = new ArrayList<>();
      assertTrue(a.engine.initiate("b"));
      clock.runPending();
      record(corpus);
      for (int i = 0; i < 24; i++) { // 12 s: R-U-THERE and R-U-THERE-ACK
        clock.advance(Duration.ofMillis(500));
        record(corpus);
      }
      assertTrue(corpus.size() >= 10, corpus.toString());
      long before = dropCounters();

      Random random = new Random(aggressive ? 0xA66 : 0x3A1);
      for (int i = 0; i < 1500; i++) {
        LoopbackNetwork.Datagram d = corpus.get(random.nextInt(corpus.size()));
        byte[] bytes = mutate(d.bytes(), random);
        Node to = d.to().getAddress().equals(a.address) ? a : b;
        to.engine.receive(bytes, d.to(), d.from());
        clock.runPending();
        net.drop(x -> true);
      }
      assertTrue(dropCounters() - before > 500, "the fuzz reached the receive path");
      run(Duration.ofSeconds(90)); // half-open SAs of mutated (1)s give up
      assertEquals(
          0, a.engine.stats().internalErrors.get() + b.engine.stats().internalErrors.get());

      // Still working: a new ISAKMP SA with its pair comes up.
      a.engine.terminate("b");
      clock.runPending();
      net.deliverAll();
      run(Duration.ofSeconds(5));
      assertTrue(a.engine.list().isEmpty() && b.engine.list().isEmpty(), b.engine.list() + "");
      initiate();
      net.deliverAll();
      assertMirroredPair(aggressive ? "aggressive" : "main");
    }
  }

  private long dropCounters() {
    long n = 0;
    for (Node x : List.of(a, b)) {
      n +=
          x.engine.stats().v1Dropped.get()
              + x.engine.stats().malformed.get()
              + x.engine.stats().unknownSpi.get()
              + x.engine.stats().v1Retransmissions.get();
    }
    return n;
  }

  private void record(List<LoopbackNetwork.Datagram> corpus) {
    while (net.pending() > 0) {
      corpus.add(net.inFlight().get(0));
      net.deliverNext();
    }
  }

  private static byte[] mutate(byte[] original, Random r) {
    byte[] b = original.clone();
    switch (r.nextInt(6)) {
      case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
      case 1 -> {
        for (int i = 0; i < 1 + r.nextInt(8); i++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
      }
      case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
      case 3 -> {
        int at = 28 + r.nextInt(Math.max(1, b.length - 28));
        if (at < b.length) {
          b[at] = (byte) r.nextInt(256); // payload headers and bodies after the ISAKMP header
        }
      }
      case 4 -> {
        byte[] longer = Arrays.copyOf(b, b.length + 1 + r.nextInt(64));
        r.nextBytes(longer);
        System.arraycopy(b, 0, longer, 0, Math.min(28, b.length));
        b = longer;
      }
      default -> {
        // a header field: next payload, version, exchange type, flags, Message ID, length
        int at = new int[] {16, 17, 18, 19, 20, 24, 27}[r.nextInt(7)];
        if (at < b.length) {
          b[at] = (byte) r.nextInt(256);
        }
      }
    }
    return b;
  }

  /**
   * A child between this node's 192.168.{self}.0/24 (or, for b, 192.168.{net}.0/24) and the other
   * side's; {@code net} names b's subnet.
   */
  private static ChildConfig child(int self, int other, String name, int net, EspProposal esp) {
    String ours = "192.168." + (self == 2 ? net : 1) + ".0/24";
    String theirs = "192.168." + (other == 2 ? net : 1) + ".0/24";
    return ChildConfig.builder(name)
        .policyRef(42)
        .localTs(TsRange.parse(ours))
        .remoteTs(TsRange.parse(theirs))
        .mode(IpsecMode.TUNNEL)
        .proposals(esp)
        .build();
  }

  /**
   * The Quick Mode LARVAL window (RFC 2409 section 5.5): the responder reserves its inbound SPI
   * (getSpi: a LARVAL inbound SA in core's SAD) when it sends (2) and installs (MATURE) only when
   * (3) verifies, while the initiator may send ESP as soon as it processed (2).
   */
  @Test
  void quickModeResponderHoldsALarvalSpiUntilMessageThree() {
    nodes(EspProposal.parse("aes128gcm16"));
    initiate();
    // Main Mode (6 messages), a's N(INITIAL-CONTACT), then Quick Mode (1) -> b: b reserves its
    // SPI and sends (2).
    for (int i = 0; i < 8 && b.ipsec.reserved().isEmpty(); i++) {
      net.deliverNext();
    }
    assertEquals(1, b.ipsec.reserved().size(), "LARVAL inbound SPI reserved");
    int larval = b.ipsec.reserved().iterator().next();
    net.deliverNext(); // (2) -> a: a installs both directions and sends (3)
    assertEquals(1, a.ipsec.installed().size());
    assertEquals(
        larval, a.ipsec.installed().get(0).sa().outboundSpi(), "a sends to the LARVAL SPI");
    assertTrue(b.ipsec.installed().isEmpty(), "b not MATURE before (3)");
    net.deliverNext(); // (3) -> b
    assertEquals(larval, b.ipsec.installed().get(0).sa().inboundSpi(), "the reserved SPI matured");
    assertTrue(b.ipsec.reserved().isEmpty());
  }

  @Test
  void terminateDeletesBothSides() {
    nodes(EspProposal.parse("aes128gcm16"));
    initiate();
    net.deliverAll();
    assertMirroredPair("main");
    assertTrue(a.engine.terminate("b"));
    clock.runPending();
    net.deliverAll();
    assertTrue(a.engine.list().isEmpty());
    assertTrue(b.engine.list().isEmpty(), b.engine.list().toString());
    assertTrue(a.ipsec.installed().isEmpty() && b.ipsec.installed().isEmpty());
    assertTrue(b.events.contains("destroyed: deleted by the peer"), b.events.toString());
  }

  private void run(Duration d) {
    Duration step = Duration.ofMillis(500);
    for (Duration t = Duration.ZERO; t.compareTo(d) < 0; t = t.plus(step)) {
      clock.advance(step);
      net.deliverAll();
    }
  }
}
