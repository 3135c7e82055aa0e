package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.KePayload;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.port.LoopbackNetwork;

/**
 * INVALID_KE_PAYLOAD and COOKIE round trips, the half-open bound, fragmentation of a large
 * IKE_AUTH, and a mutation fuzz of the engine's receive path.
 */
class HostileInputTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static final String INIT =
      "[ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]";

  @Test
  void invalidKePayloadRoundTrip() {
    IkeProposal x25519 = IkeProposal.parse("aes128gcm16-prfsha256-curve25519");
    IkeProposal ecp256 = IkeProposal.parse("aes128gcm16-prfsha256-ecp256");
    t =
        Testbed.custom(
            EngineSettings.DEFAULT,
            (self, other) ->
                Testbed.peer(self, other)
                    .ikeProposals(
                        self == 1 ? new IkeProposal[] {x25519, ecp256} : new IkeProposal[] {ecp256})
                    .child(Testbed.subnetChild(self, other).build())
                    .build());
    t.a.initiate("b");
    // IKE_SA_INIT { SA(x25519 | ecp256), KE(x25519), Ni, ... } -->
    Message first = Exchanges.step(t.net, t.a, t.b, "IKE_SA_INIT request 0 " + INIT);
    assertEquals(31, first.first(KePayload.class).orElseThrow().dhGroup());
    // <-- IKE_SA_INIT { N(INVALID_KE_PAYLOAD(ECP_256)) }, SPIr 0, no state kept
    Message refusal = Exchanges.step(t.net, t.b, t.a, "IKE_SA_INIT response 0 [ N(INVAL_KE) ]");
    assertEquals(0, refusal.header().responderSpi());
    assertTrue(t.b.sas().isEmpty());
    assertEquals(0, t.b.engine.halfOpenCount());
    // IKE_SA_INIT { SA, KE(ecp256), Ni, ... } -->   again with Message ID 0
    Message second = Exchanges.step(t.net, t.a, t.b, "IKE_SA_INIT request 0 " + INIT);
    assertEquals(DhGroup.ECP_256.id(), second.first(KePayload.class).orElseThrow().dhGroup());
    assertEquals(first.header().initiatorSpi(), second.header().initiatorSpi());
    t.net.deliverAll();
    assertEquals(ecp256, t.a.onlySa().proposal());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  /** An IKE_SA_INIT request as a sends it, with another SPIi: a half-open SA at b. */
  private static LoopbackNetwork.Datagram forged(LoopbackNetwork.Datagram init, long spi) {
    byte[] bytes = init.bytes().clone();
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (spi >>> (56 - 8 * i));
    }
    return new LoopbackNetwork.Datagram(init.from(), init.to(), bytes);
  }

  /** a's first IKE_SA_INIT request, captured and not delivered; a's attempt is then dropped. */
  private LoopbackNetwork.Datagram captureInit() {
    t.a.initiate("b");
    LoopbackNetwork.Datagram init = t.net.dropNext();
    t.a.engine.terminate("b");
    t.clock.runPending();
    assertTrue(t.a.sas().isEmpty());
    return init;
  }

  private static Testbed withSettings(EngineSettings forB) {
    return Testbed.custom(
        EngineSettings.DEFAULT,
        forB,
        (self, other) ->
            Testbed.peer(self, other).child(Testbed.subnetChild(self, other).build()).build());
  }

  @Test
  void cookieRoundTripUnderAHalfOpenFlood() {
    t = withSettings(EngineSettings.DEFAULT.withHalfOpen(50, 2));
    LoopbackNetwork.Datagram init = captureInit();
    for (long spi = 1; spi <= 10; spi++) {
      t.net.deliver(forged(init, spi));
    }
    t.net.drop(d -> true); // b's answers to the forged requests go nowhere
    assertEquals(2, t.b.engine.halfOpenCount(), "state only below the COOKIE threshold");
    assertEquals(8, t.b.engine.stats().cookiesSent.get());

    t.a.initiate("b");
    // IKE_SA_INIT { SA, KE, Ni, ... } -->
    Exchanges.step(t.net, t.a, t.b, "IKE_SA_INIT request 0 " + INIT);
    assertEquals(2, t.b.engine.halfOpenCount());
    // <-- IKE_SA_INIT { N(COOKIE) }
    Message cookie = Exchanges.step(t.net, t.b, t.a, "IKE_SA_INIT response 0 [ N(COOKIE) ]");
    assertEquals(0, cookie.header().responderSpi());
    // IKE_SA_INIT { N(COOKIE), SA, KE, Ni, ... } -->
    Exchanges.step(
        t.net,
        t.a,
        t.b,
        "IKE_SA_INIT request 0 [ N(COOKIE) SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP)"
            + " N(HASH_ALG) ]");
    assertEquals(3, t.b.engine.halfOpenCount(), "a valid COOKIE creates state");
    t.net.deliverAll();
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertEquals(2, t.b.engine.halfOpenCount(), "the flood's SAs are still half-open");

    // the flood's SAs expire after the half-open timeout
    t.run(Duration.ofSeconds(31));
    assertEquals(0, t.b.engine.halfOpenCount());
    assertEquals(1, t.b.sas().size(), "only the authenticated SA is left");
  }

  @Test
  void halfOpenSasAreBounded() {
    t = withSettings(EngineSettings.DEFAULT.withHalfOpen(3, 1000));
    LoopbackNetwork.Datagram init = captureInit();
    for (long spi = 1; spi <= 10; spi++) {
      t.net.deliver(forged(init, spi));
    }
    t.net.drop(d -> true);
    assertEquals(3, t.b.engine.halfOpenCount());
    assertEquals(3, t.b.sas().size());
    assertEquals(7, t.b.engine.stats().halfOpenDropped.get());
    // retransmissions of a half-open SA's request are answered, not counted as new
    t.net.deliver(forged(init, 1));
    assertEquals(1, t.net.pending());
    assertEquals(3, t.b.engine.halfOpenCount());
    t.net.drop(d -> true);
    t.run(Duration.ofSeconds(31));
    assertEquals(0, t.b.engine.halfOpenCount());
    assertTrue(t.b.sas().isEmpty());
    // and b accepts again
    t.connect();
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
  }

  @Test
  void datagramsWithAbsurdLengthsAreCounted() {
    t = withSettings(EngineSettings.DEFAULT);
    LoopbackNetwork.Datagram init = captureInit();
    byte[] absurd = init.bytes().clone();
    absurd[IkeHeader.OFFSET_LENGTH] = (byte) 0xFF; // header Length about 4 GB
    t.net.deliver(new LoopbackNetwork.Datagram(init.from(), init.to(), absurd));
    t.net.deliver(new LoopbackNetwork.Datagram(init.from(), init.to(), new byte[27]));
    t.net.deliver(
        new LoopbackNetwork.Datagram(
            init.from(), init.to(), new byte[Message.MAX_MESSAGE_LENGTH + 1]));
    assertEquals(1, t.b.engine.stats().badLength.get());
    assertEquals(1, t.b.engine.stats().tooShort.get());
    assertEquals(1, t.b.engine.stats().tooLong.get());
    assertEquals(1L, t.b.engine.stats().snapshot().get("bad_length"));
    assertEquals(0, t.net.pending(), "nothing answered");
    assertTrue(t.b.sas().isEmpty());
  }

  @Test
  void largeIkeAuthIsFragmentedWhenTheMtuIsSmall() {
    TestPki rsa = new TestPki(KeyType.RSA_2048, 9);
    TestPki.Identity one = rsa.issue("node1.mesh");
    TestPki.Identity two = rsa.issue("node2.mesh");
    EngineSettings small = EngineSettings.DEFAULT.withMaxMessageLength(548);
    t =
        Testbed.custom(
            small,
            (self, other) ->
                Testbed.peer(self, other)
                    .auth(rsa.auth(self == 1 ? one : two))
                    .child(Testbed.subnetChild(self, other).build())
                    .build());
    t.a.initiate("b");
    Exchanges.deliverMessage(t.net);
    Exchanges.deliverMessage(t.net);
    List<LoopbackNetwork.Datagram> fragments = t.net.inFlight();
    assertTrue(fragments.size() >= 4, "IKE_AUTH with two RSA certificates in fragments");
    for (LoopbackNetwork.Datagram d : fragments) {
      assertTrue(d.bytes().length <= 548, "fragment of " + d.bytes().length + " bytes");
      assertEquals(53, d.bytes()[IkeHeader.OFFSET_NEXT_PAYLOAD], "SKF payload");
    }
    // one fragment lost: nothing happens until a retransmits all of them
    t.net.drop(d -> d == fragments.get(1));
    t.net.deliverAll();
    assertEquals(IkeSaState.CONNECTING, t.b.onlySa().state());
    t.run(Duration.ofSeconds(2));
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
  }

  @Test
  void mutatedDatagramsNeverBreakTheEngine() {
    t =
        Testbed.custom(
            EngineSettings.DEFAULT.withHalfOpen(20, 10),
            (self, other) ->
                Testbed.peer(self, other).child(Testbed.subnetChild(self, other).build()).build());
    // record every datagram of a handshake, a child rekey, an IKE rekey and a DPD
    List<LoopbackNetwork.Datagram> corpus = new ArrayList<>();
    t.a.initiate("b");
    record(corpus);
    t.a.engine.rekeyChild("b", "net");
    t.clock.runPending();
    record(corpus);
    t.b.engine.rekey("a");
    t.clock.runPending();
    record(corpus);
    assertTrue(corpus.size() >= 10);

    Random random = new Random(20250101);
    for (int i = 0; i < 3000; i++) {
      LoopbackNetwork.Datagram d = corpus.get(random.nextInt(corpus.size()));
      byte[] bytes = mutate(d.bytes(), random);
      InetSocketAddress to = d.to();
      (to.getAddress().equals(t.a.address) ? t.a : t.b).engine.receive(bytes, to, d.from());
      t.clock.runPending();
      t.net.drop(x -> true);
    }
    t.run(Duration.ofSeconds(40)); // let half-open SAs expire, answer retransmissions

    // still working: the established SAs survive and can be rekeyed
    t.a.engine.rekeyChild("b", "net");
    t.settle();
    IkeSaInfo ia =
        t.a.sas().stream()
            .filter(s -> s.state() == IkeSaState.ESTABLISHED)
            .findFirst()
            .orElseThrow();
    assertEquals(1, ia.children().size());
    Exchanges.assertMirrored(t.a.ipsec, t.b.ipsec);
    assertTrue(
        t.a.engine.stats().malformed.get() + t.b.engine.stats().malformed.get() > 100,
        "the fuzz reached the decoders: " + t.b.engine.stats());
  }

  private void record(List<LoopbackNetwork.Datagram> corpus) {
    while (t.net.pending() > 0) {
      corpus.add(t.net.inFlight().get(0));
      t.net.deliverNext();
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
          b[at] = (byte) r.nextInt(256); // payload headers after the IKE header
        }
      }
      case 4 -> {
        byte[] longer = Arrays.copyOf(b, b.length + 1 + r.nextInt(64));
        r.nextBytes(longer);
        System.arraycopy(b, 0, longer, 0, Math.min(28, b.length));
        b = longer;
      }
      default -> {
        int field = r.nextInt(4);
        int off = new int[] {16, 18, 19, 24}[field];
        b[off + (field == 3 ? r.nextInt(4) : 0)] = (byte) r.nextInt(256);
      }
    }
    return b;
  }
}
