package org.meshsec.core.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.sad.SaState;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SecurityAssociation;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.OpenResult;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.Cancellable;
import org.meshsec.ike.port.IkeNetwork;
import org.meshsec.ike.port.Scheduler;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.task.Ikev2TaskFactory;
import org.meshsec.ike.v1.sa.Ikev1Protocol;

/**
 * The Quick Mode LARVAL race (RFC 2409 section 5.5) against the daemon's real SAD: two IKEv1
 * engines, each over a {@link Sad} through {@link SadIpsecPort}, joined by a queue this test
 * delivers. The initiator installs its pair when it processes message (2) and may send ESP at once;
 * the responder's inbound SA exists as a LARVAL SA from the moment it chose its SPI (getSpi when it
 * sent (2)). Message (3) is held back while the initiator's first ESP packets arrive: they are
 * queued on the LARVAL SA, not dropped, and are delivered in order once (3) makes it MATURE; beyond
 * the queue limit the oldest are dropped and counted.
 */
class Ikev1LarvalRaceTest {
  static final long POLICY = 42;
  static final byte[] PSK = "the larval race key".getBytes(StandardCharsets.US_ASCII);

  record Datagram(byte[] bytes, InetSocketAddress from, InetSocketAddress to) {}

  final ArrayDeque<Datagram> wire = new ArrayDeque<>();

  /** Runs everything inline, on the test's thread; timers never fire (nothing is lost here). */
  static final class InlineScheduler implements Scheduler {
    @Override
    public Instant now() {
      return Instant.parse("2026-01-01T00:00:00Z");
    }

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
      return Cancellable.NONE;
    }
  }

  final class Node {
    final InetAddress address;
    final Sad sad;
    final List<ByteBuf> drained = new ArrayList<>();
    final IkeEngine engine;

    Node(int self, int other, int queueLimit) {
      address = ip("192.0.2." + self);
      sad =
          Sad.builder()
              .random(new Random(self))
              .larvalQueueLimit(queueLimit)
              .inboundDrain((sa, b) -> drained.add(b))
              .build();
      IkeNetwork net = (bytes, local, remote) -> wire.add(new Datagram(bytes, local, remote));
      engine =
          IkeEngine.builder()
              .tasks(new Ikev2TaskFactory())
              .protocol(new Ikev1Protocol())
              .network(net)
              .ipsec(new SadIpsecPort(sad, PeerConfigs.none()))
              .scheduler(new InlineScheduler())
              .random(new SecureRandom())
              .peer(
                  PeerConfig.builder(other == 1 ? "a" : "b")
                      .version(1)
                      .localAddress(address)
                      .remoteAddress(ip("192.0.2." + other))
                      .localId(new PeerIdentity.IpAddress(address))
                      .remoteId(new PeerIdentity.IpAddress(ip("192.0.2." + other)))
                      .auth(AuthConfig.Psk.of(PSK))
                      .ikeProposals(IkeProposal.parse("aes128-sha256-modp2048"))
                      .child(
                          ChildConfig.builder("lan")
                              .policyRef(POLICY)
                              .localTs(TsRange.parse("10.9." + self + ".0/24"))
                              .remoteTs(TsRange.parse("10.9." + other + ".0/24"))
                              .mode(IpsecMode.TUNNEL)
                              .proposals(EspProposal.parse("aes128gcm16"))
                              .build())
                      .build())
              .build();
    }
  }

  static InetAddress ip(String s) {
    return IpPrefix.parse(s).address();
  }

  Node a;
  Node b;

  void deliver(Datagram d) {
    Node to = d.to().getAddress().equals(a.address) ? a : b;
    to.engine.receive(d.bytes(), d.to(), d.from());
  }

  /** Runs the negotiation up to the initiator's Quick Mode (3), which is returned, not sent. */
  Datagram negotiateHoldingMessageThree() {
    assertTrue(a.engine.initiate("b"));
    while (!wire.isEmpty()) {
      Datagram d = wire.poll();
      boolean aInstalled = a.sad.findOutbound(POLICY, b.address) != null;
      if (aInstalled && d.from().getAddress().equals(a.address)) {
        assertTrue(wire.isEmpty(), "(3) is the last message");
        return d;
      }
      deliver(d);
    }
    throw new AssertionError("the initiator never installed its pair");
  }

  /** The initiator's ESP packet number {@code n}: a 4-byte payload carrying n, sealed in place. */
  ByteBuf esp(int n) {
    SecurityAssociation out = a.sad.findOutbound(POLICY, b.address);
    ByteBuf buf = Unpooled.buffer(256);
    buf.writerIndex(64).readerIndex(64);
    buf.writeInt(n);
    assertEquals(EspStatus.OK, out.seal(buf, 4));
    return buf;
  }

  /** The numbers carried by the packets b delivered, opened in delivery order. */
  List<Integer> opened() {
    List<Integer> got = new ArrayList<>();
    for (ByteBuf p : b.drained) {
      SecurityAssociation in = b.sad.findInbound(p.getInt(p.readerIndex()));
      assertEquals(EspStatus.OK, in.open(p, new OpenResult()));
      got.add(p.readInt());
      p.release();
    }
    return got;
  }

  @Test
  void espBeforeQuickModeThreeIsQueuedOnTheLarvalSaAndDeliveredInOrder() {
    a = new Node(1, 2, Sad.DEFAULT_LARVAL_QUEUE_LIMIT);
    b = new Node(2, 1, Sad.DEFAULT_LARVAL_QUEUE_LIMIT);
    Datagram three = negotiateHoldingMessageThree();
    int spi = a.sad.findOutbound(POLICY, b.address).spi();
    SecurityAssociation larval = b.sad.findInbound(spi);
    assertNotNull(larval, "b's inbound SA exists since it chose the SPI");
    assertEquals(SaState.LARVAL, larval.state());

    for (int n = 1; n <= 5; n++) {
      assertNull(b.sad.inbound(spi, esp(n)), "queued, the SAD owns it");
    }
    assertEquals(5, b.sad.findInbound(spi).info().queued());
    assertTrue(b.drained.isEmpty(), "nothing delivered before (3)");

    deliver(three); // QUICK_MODE 3 [ HASH ] --> b: update makes the SA MATURE, the queue drains
    assertEquals(SaState.MATURE, b.sad.findInbound(spi).state());
    assertEquals(List.of(1, 2, 3, 4, 5), opened(), "delivered, in order");
    assertEquals(0, b.sad.findInbound(spi).info().queued());
    assertEquals(5, b.sad.stats().get(XfrmStat.IN_LARVAL_QUEUED), "cumulative, after the drain");
    assertEquals(0, b.sad.stats().get(XfrmStat.IN_LARVAL_QUEUE_DROPS));
    assertEquals(0, b.sad.stats().get(XfrmStat.IN_NO_STATES), "none found no SA");

    ByteBuf later = esp(6); // after (3): straight through
    assertEquals(b.sad.findInbound(spi), b.sad.inbound(spi, later));
    later.release();
  }

  @Test
  void beyondTheQueueLimitTheOldestAreDroppedAndCounted() {
    a = new Node(1, 2, 3);
    b = new Node(2, 1, 3);
    Datagram three = negotiateHoldingMessageThree();
    int spi = a.sad.findOutbound(POLICY, b.address).spi();
    for (int n = 1; n <= 5; n++) {
      assertNull(b.sad.inbound(spi, esp(n)));
    }
    assertEquals(2, b.sad.stats().get(XfrmStat.IN_LARVAL_QUEUE_DROPS));
    deliver(three);
    assertEquals(List.of(3, 4, 5), opened(), "the newest three, in order");
  }
}
