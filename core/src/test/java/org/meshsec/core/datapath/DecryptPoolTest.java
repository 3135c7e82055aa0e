package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

/**
 * The decrypt pool ({@code [datapath] decrypt_workers}) against the inline path: the same ESP
 * arrivals (two SAs interleaved, reordered, duplicated close by and far behind, forged, too old)
 * fed to a receiver that opens each packet on the receiving thread and to one whose helper threads
 * open them all in parallel give the same packets in the same order and the same counters; a full
 * queue drops and counts; closing with packets in flight releases every buffer and stops the
 * threads.
 */
class DecryptPoolTest {
  static final EspSuite SUITE = EspSuite.AES128_GCM16;
  static final IpsecMode MODE = IpsecMode.TUNNEL;
  static final int SPI1 = 0x1000;
  static final int SPI2 = 0x2000;
  static final InetSocketAddress FROM = new InetSocketAddress("192.0.2.1", 4500);

  static final Selector SEL1 =
      Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"));
  static final Selector SEL2 =
      Selector.between(IpPrefix.parse("10.0.2.0/24"), IpPrefix.parse("10.0.3.0/24"));

  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    nodes.forEach(n -> n.dp.close());
  }

  /** Sender a and one receiver, the receiver's builder tuned; a's ESP is captured. */
  private Node receiver(int workers, boolean receiverOpens) throws Exception {
    Node b =
        new Node("b", "192.0.2.2", 0, t -> t.decryptWorkers(workers).receiverOpens(receiverOpens));
    nodes.add(b);
    Node.add(b, Node.in(b, sender(), SEL1, MODE, SUITE, SPI1, Node.key(SUITE, SPI1)));
    Node.add(b, Node.in(b, sender(), SEL2, MODE, SUITE, SPI2, Node.key(SUITE, SPI2)));
    return b;
  }

  private Node sender;
  private final List<byte[]> captured = new ArrayList<>();

  private Node sender() throws Exception {
    if (sender != null) {
      return sender;
    }
    Node a = new Node("a", "192.0.2.1");
    Node peer = new Node("peer", "192.0.2.2");
    a.wire = (esp, from, to) -> captured.add(Node.take(esp));
    Policy p1 = a.protect(SEL1, MODE, SUITE, peer);
    Policy p2 = a.protect(SEL2, MODE, SUITE, peer);
    Node.add(a, Node.out(a, peer, p1, SEL1, MODE, SUITE, SPI1, Node.key(SUITE, SPI1)));
    Node.add(a, Node.out(a, peer, p2, SEL2, MODE, SUITE, SPI2, Node.key(SUITE, SPI2)));
    sender = a;
    return a;
  }

  /** Seals {@code n} UDP packets, each carrying its index, over the two SAs at random. */
  private List<byte[]> seal(int n) throws Exception {
    Node a = sender();
    Random rnd = new Random(42);
    PacketBuilder one = new PacketBuilder().addresses("10.0.0.5", "10.0.1.5");
    PacketBuilder two = new PacketBuilder().addresses("10.0.2.5", "10.0.3.5");
    ByteBuf buf = Unpooled.buffer(2000);
    for (int i = 0; i < n; i++) {
      byte[] payload = new byte[8 + rnd.nextInt(1200)];
      rnd.nextBytes(payload);
      payload[0] = (byte) (i >>> 24);
      payload[1] = (byte) (i >>> 16);
      payload[2] = (byte) (i >>> 8);
      payload[3] = (byte) i;
      int len = (rnd.nextBoolean() ? one : two).udp(buf.clear(), 0, 5000, 6000, payload);
      byte[] ip = new byte[len];
      buf.getBytes(0, ip);
      a.fromTun(ip);
    }
    assertEquals(n, captured.size());
    return new ArrayList<>(captured);
  }

  /**
   * What arrives: reordered pairs, copies right behind and 300 packets later, forged copies (one
   * ICV byte flipped) ahead of the genuine packet, and packets far older than the 1024-packet
   * window. (A forged copy behind its genuine packet is a replay inline but, when the genuine one
   * is still being opened, an ICV failure in the pool: both dropped, counted differently.)
   */
  private static List<byte[]> arrivals(List<byte[]> sealed) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < sealed.size(); i++) {
      if (i % 7 == 3 && i + 1 < sealed.size()) {
        out.add(sealed.get(i + 1));
        out.add(sealed.get(i));
        i++;
        continue;
      }
      if (i % 97 == 0) {
        byte[] forged = sealed.get(i).clone(); // ahead of the genuine one: an ICV failure
        forged[forged.length - 1] ^= 1;
        out.add(forged);
      }
      out.add(sealed.get(i));
      if (i % 5 == 0) {
        out.add(sealed.get(i));
      }
      if (i >= 300 && i % 11 == 0) {
        out.add(sealed.get(i - 300));
      }
      if (i >= 5000 && i % 499 == 0) {
        out.add(sealed.get(i - 5000));
      }
    }
    return out;
  }

  /** Feeds the arrivals in read batches of 16, as one UDP loop would; returns the buffers fed. */
  private static List<ByteBuf> feed(Node b, List<byte[]> arrivals, long maxInFlight)
      throws InterruptedException {
    List<ByteBuf> fed = new ArrayList<>();
    for (int i = 0; i < arrivals.size(); i++) {
      ByteBuf esp = Unpooled.wrappedBuffer(arrivals.get(i).clone());
      fed.add(esp);
      b.dp.inbound(esp, FROM);
      if (i % 16 == 15 || i == arrivals.size() - 1) {
        b.dp.inboundReadComplete();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (b.dp.decryptInFlight() > maxInFlight && System.nanoTime() < deadline) {
          Thread.sleep(0, 100_000);
        }
      }
    }
    return fed;
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(1);
    }
  }

  private static List<byte[]> delivered(Node n) {
    synchronized (n.delivered) {
      return new ArrayList<>(n.delivered);
    }
  }

  @Test
  void parallelOpeningDeliversWhatTheInlinePathDeliversInTheSameOrder() throws Exception {
    List<byte[]> arrivals = arrivals(seal(12_000));
    Node inline = receiver(1, true);
    Node pooled = receiver(4, false); // three helpers open everything, in parallel
    assertEquals(1, inline.dp.decryptWorkers());
    assertEquals(4, pooled.dp.decryptWorkers());

    feed(inline, arrivals, Long.MAX_VALUE);
    List<ByteBuf> fed = feed(pooled, arrivals, 512);
    await(() -> pooled.dp.decryptInFlight() == 0, "the pool to drain");

    List<byte[]> want = delivered(inline);
    List<byte[]> got = delivered(pooled);
    assertTrue(want.size() >= 12_000 - 20, "inline delivered " + want.size());
    assertEquals(want.size(), got.size(), "packets delivered");
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i), got.get(i), "packet " + i + " of the delivery order");
    }
    assertEquals(inline.dp.stats().snapshot(), pooled.dp.stats().snapshot(), "XfrmStats");
    assertTrue(inline.dp.stats().get(XfrmStat.IN_STATE_SEQ_ERROR) > 2000, "replays were sent");
    assertTrue(
        inline.dp.stats().get(XfrmStat.IN_STATE_PROTO_ERROR) > 80,
        "forgeries were sent: " + inline.dp.stats());
    for (int spi : new int[] {SPI1, SPI2}) {
      var a = inline.dp.sad().findInbound(spi).info();
      var b = pooled.dp.sad().findInbound(spi).info();
      assertEquals(a.packets(), b.packets(), "SPI " + spi + " packets");
      assertEquals(a.bytes(), b.bytes(), "SPI " + spi + " bytes");
      assertEquals(a.replayDrops(), b.replayDrops(), "SPI " + spi + " replay drops");
    }
    assertEquals(0, pooled.dp.decryptQueueDrops());
    assertTrue(pooled.dp.decryptedByHelpers() > 0);
    pooled.dp.close();
    for (ByteBuf b : fed) {
      assertEquals(0, b.refCnt(), "every datagram released or delivered");
    }
  }

  @Test
  void aFullQueueDropsAndCountsThenDeliveryResumesInOrder() throws Exception {
    List<byte[]> sealed = seal(3000);
    Node pooled = receiver(3, false);
    CountDownLatch stall = new CountDownLatch(1);
    Thread loop = Thread.currentThread();
    java.util.concurrent.atomic.AtomicInteger byLoop =
        new java.util.concurrent.atomic.AtomicInteger();
    pooled.onDeliver =
        ip -> {
          if (Thread.currentThread() == loop) {
            // whichever thread finishes the head delivers: blocking the feeding thread here
            // would stop the feed (and this test) for good, so only a helper's delivery stalls
            byLoop.incrementAndGet();
            return;
          }
          try {
            stall.await(); // a helper's delivery blocks its ring: nothing after it is delivered
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    List<ByteBuf> fed = feed(pooled, sealed, Long.MAX_VALUE);
    long dropped = pooled.dp.decryptQueueDrops();
    if (dropped == 0) {
      stall.countDown();
      pooled.dp.close();
    }
    assumeTrue(
        dropped > 0, "the feeding thread delivered all " + byLoop.get() + " itself: no stall");
    assertTrue(
        dropped >= 3000 - DecryptPool.RING_SIZE - byLoop.get() - 1,
        "dropped " + dropped + ", delivered by the feeding thread " + byLoop.get());
    assertEquals(dropped, pooled.dp.stats().get(XfrmStat.IN_BUFFER_ERROR));
    pooled.onDeliver = ip -> {};
    stall.countDown();
    await(() -> pooled.dp.decryptInFlight() == 0, "the pool to drain");

    List<byte[]> got = delivered(pooled);
    assertEquals(3000 - dropped, got.size());
    int last = -1;
    for (byte[] ip : got) {
      int index = ((ip[28] & 0xFF) << 24) | ((ip[29] & 0xFF) << 16) | ((ip[30] & 0xFF) << 8);
      index |= ip[31] & 0xFF;
      assertTrue(index > last, index + " after " + last);
      last = index;
    }
    pooled.dp.close();
    for (ByteBuf b : fed) {
      assertEquals(0, b.refCnt());
    }
  }

  @Test
  void closingWithPacketsInFlightReleasesThemAndStopsTheHelpers() throws Exception {
    List<byte[]> sealed = seal(600);
    Node pooled = receiver(3, false);
    CountDownLatch stall = new CountDownLatch(1);
    Thread loop = Thread.currentThread();
    java.util.concurrent.atomic.AtomicInteger byLoop =
        new java.util.concurrent.atomic.AtomicInteger();
    pooled.onDeliver =
        ip -> {
          if (Thread.currentThread() == loop) {
            byLoop.incrementAndGet(); // never block the feeding thread (see above)
            return;
          }
          try {
            stall.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    List<ByteBuf> fed = feed(pooled, sealed, Long.MAX_VALUE);
    if (byLoop.get() > 0) {
      stall.countDown();
      pooled.dp.close();
    }
    assumeTrue(byLoop.get() == 0, "the feeding thread delivered " + byLoop.get() + " itself");
    await(() -> pooled.dp.decryptInFlight() == 600, "the packets to be queued");
    Thread closer = new Thread(pooled.dp::close);
    closer.start();
    Thread.sleep(50);
    stall.countDown(); // the stalled delivery finishes; close stops the rest
    closer.join(30_000);
    assertTrue(!closer.isAlive(), "close returned");
    int delivered = delivered(pooled).size();
    assertTrue(delivered < 600, "packets were still in flight at close: " + delivered);
    assertEquals(600, delivered + pooled.dp.decryptQueueDrops());
    for (ByteBuf b : fed) {
      assertEquals(0, b.refCnt(), "every datagram released or delivered");
    }
    assertEquals(0, pooled.dp.decryptHelpersAlive(), "helper threads stopped");
    // after close, a datagram is dropped and released at once
    ByteBuf late = Unpooled.wrappedBuffer(sealed.get(0).clone());
    pooled.dp.inbound(late, FROM);
    assertEquals(0, late.refCnt());
  }
}
