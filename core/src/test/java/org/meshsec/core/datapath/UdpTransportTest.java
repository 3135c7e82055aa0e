package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The UDP side binds first and reads only once its receiver (the data path) exists. */
class UdpTransportTest {
  final IoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());

  @AfterEach
  void tearDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Test
  void aDatagramThatArrivesBeforeStartIsDeliveredAfterIt() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpTransport t = UdpTransport.bind(group, List.of(new InetSocketAddress(lo, 0)));
    try (DatagramSocket s = new DatagramSocket(0, lo)) {
      int port = t.localAddresses().get(0).getPort();
      byte[] hello = {0, 0, 0, 0, 'h', 'i'};
      s.send(new DatagramPacket(hello, hello.length, lo, port));
      Thread.sleep(100); // in the socket buffer, nobody reading
      LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
      t.start(
          (payload, from) -> {
            got.add(ByteBufUtil.getBytes(payload));
            payload.release();
          });
      byte[] first = got.poll(5, TimeUnit.SECONDS);
      assertNotNull(first, "held until start, then read");
      assertArrayEquals(hello, first);
      assertThrows(IllegalStateException.class, () -> t.start((p, f) -> p.release()));
    } finally {
      t.close();
    }
  }

  /**
   * Datagrams sent to one peer in one batch arrive intact and in order, whatever their sizes: runs
   * of one size (and a shorter last one) leave as one UDP GSO send where the kernel has it, and the
   * receiver, with UDP GRO, still gets them one at a time.
   */
  @Test
  void aBatchOfDatagramsArrivesInOrderWithGsoAndGro() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpTransport tx = UdpTransport.bind(group, List.of(new InetSocketAddress(lo, 0)));
    UdpTransport rx = UdpTransport.bind(group, List.of(new InetSocketAddress(lo, 0)));
    try {
      LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
      rx.start(
          (payload, from) -> {
            got.add(ByteBufUtil.getBytes(payload));
            payload.release();
          });
      int port = rx.localAddresses().get(0).getPort();
      int[] sizes = new int[70];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = i < 50 ? 1200 : i < 52 ? 700 : i < 60 ? 1400 : 1400 - i;
      }
      List<byte[]> sent = new java.util.ArrayList<>();
      group
          .next()
          .submit(
              () -> {
                for (int i = 0; i < sizes.length; i++) {
                  byte[] d = new byte[sizes[i]];
                  new java.util.Random(i).nextBytes(d);
                  sent.add(d);
                  ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(d.length);
                  b.writeBytes(d);
                  tx.send(b, lo, port);
                }
                tx.flush();
              })
          .get(5, TimeUnit.SECONDS);
      for (int i = 0; i < sizes.length; i++) {
        byte[] d = got.poll(5, TimeUnit.SECONDS);
        assertNotNull(d, "datagram " + i);
        assertArrayEquals(sent.get(i), d, "datagram " + i + " of " + sizes[i] + " bytes");
      }
      if (UdpTransport.GSO) {
        // 50 x 1200 + 700 (a shorter one ends a run); 700 alone (1400 is longer);
        // 8 x 1400 + 1340; then 1339 + 1338, 1337 + 1336, 1335 + 1334, 1333 + 1332; 1331 alone
        assertEquals(6, tx.gsoSends(), "GSO sends");
      }
      assertTrue(got.isEmpty());
    } finally {
      tx.close();
      rx.close();
    }
  }

  /**
   * A send the kernel refuses (EMSGSIZE: larger than any UDP datagram) drops that datagram, is
   * counted as a failed send, and the next datagram goes out as usual.
   */
  @Test
  void aRefusedSendIsCountedAndTheNextDatagramGoesOut() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpTransport tx = UdpTransport.bind(group, List.of(new InetSocketAddress(lo, 0)));
    try (DatagramSocket rx = new DatagramSocket(0, lo)) {
      rx.setSoTimeout(5000);
      int port = rx.getLocalPort();
      group
          .next()
          .submit(
              () -> {
                ByteBuf tooBig = PooledByteBufAllocator.DEFAULT.directBuffer(70_000);
                tooBig.writeZero(70_000);
                tx.send(tooBig, lo, port);
                tx.flush();
                ByteBuf ok = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                ok.writeLong(0x0102030405060708L);
                tx.send(ok, lo, port);
                tx.flush();
              })
          .get(5, TimeUnit.SECONDS);
      DatagramPacket p = new DatagramPacket(new byte[100], 100);
      rx.receive(p);
      assertEquals(8, p.getLength(), "the next datagram arrived");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (tx.sendStats().failed() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(new UdpTransport.SendStats(0, 0, 0, 1), tx.sendStats());
    } finally {
      tx.close();
    }
  }

  /**
   * With several event loops each gets its own socket on the one address (SO_REUSEPORT); the status
   * shows the address once, and datagrams from several senders all arrive.
   */
  @Test
  void oneSocketPerLoopOnOneAddress() throws Exception {
    IoEventLoopGroup two =
        new MultiThreadIoEventLoopGroup(
            2, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpTransport t = UdpTransport.bind(two, List.of(new InetSocketAddress(lo, 0)));
    try {
      assertEquals(1, t.localAddresses().size(), t.localAddresses().toString());
      int port = t.localAddresses().get(0).getPort();
      LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
      t.start(
          (payload, from) -> {
            got.add(ByteBufUtil.getBytes(payload));
            payload.release();
          });
      for (int i = 0; i < 16; i++) {
        try (DatagramSocket s = new DatagramSocket(0, lo)) {
          byte[] d = {0, 0, 0, 0, (byte) i};
          s.send(new DatagramPacket(d, d.length, lo, port));
        }
      }
      for (int i = 0; i < 16; i++) {
        assertNotNull(got.poll(5, TimeUnit.SECONDS), "datagram " + i);
      }
      // SO_REUSEPORT does not let a second transport (a second daemon) share the port
      assertThrows(
          IOException.class,
          () -> UdpTransport.bind(two, List.of(new InetSocketAddress(lo, port))).close());
    } finally {
      t.close();
      two.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /**
   * A thread that is not a UDP loop (IKE's, a test's) sends through the socket of {@link
   * UdpTransport#sendThread}'s loop, and its own {@link UdpTransport#flush} pushes what it wrote
   * (each thread flushes the channels it wrote to); the same from that loop itself.
   */
  @Test
  void aForeignThreadsFlushPushesItsOwnWritesAndTheSendThreadIsALoopOfTheGroup() throws Exception {
    IoEventLoopGroup two =
        new MultiThreadIoEventLoopGroup(
            2, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpTransport tx = UdpTransport.bind(two, List.of(new InetSocketAddress(lo, 0)));
    UdpTransport rx = UdpTransport.bind(group, List.of(new InetSocketAddress(lo, 0)));
    try {
      LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
      rx.start(
          (payload, from) -> {
            got.add(ByteBufUtil.getBytes(payload));
            payload.release();
          });
      int port = rx.localAddresses().get(0).getPort();
      java.util.concurrent.Executor loop = tx.sendThread(lo);
      assertNotNull(loop);
      assertTrue(
          java.util.stream.StreamSupport.stream(two.spliterator(), false).anyMatch(e -> e == loop),
          "the send thread is one of the transport's loops");
      ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(3);
      b.writeBytes(new byte[] {1, 2, 3});
      tx.send(b, lo, port); // from the test thread
      tx.flush();
      assertArrayEquals(new byte[] {1, 2, 3}, got.poll(5, TimeUnit.SECONDS));
      ((io.netty.util.concurrent.EventExecutor) loop)
          .submit(
              () -> {
                ByteBuf c = PooledByteBufAllocator.DEFAULT.directBuffer(3);
                c.writeBytes(new byte[] {4, 5, 6});
                tx.send(c, lo, port);
                tx.flush();
              })
          .get(5, TimeUnit.SECONDS);
      assertArrayEquals(new byte[] {4, 5, 6}, got.poll(5, TimeUnit.SECONDS));
      tx.flush(); // nothing written since: nothing to do
      assertTrue(got.isEmpty());
    } finally {
      tx.close();
      rx.close();
      two.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /**
   * {@code [datapath] udp_transport = "io_uring"}: two sockets per address on io_uring loops (the
   * port still refused to a second transport), a batch sent from a thread that is not a UDP loop
   * (as a TUN loop sends) arriving intact and in order, with UDP GSO where Netty's io_uring
   * transport supports it. Needs a kernel that allows io_uring.
   */
  @Test
  void ioUringSocketsCarryABatchInOrder() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        io.netty.channel.uring.IoUring.isAvailable(), "io_uring refused by this kernel");
    assertTrue(UdpTransport.ioUringUsable());
    IoEventLoopGroup uring = UdpTransport.newIoUringGroup(2);
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpTransport tx = UdpTransport.bindIoUring(uring, List.of(new InetSocketAddress(lo, 0)));
    UdpTransport rx = UdpTransport.bindIoUring(uring, List.of(new InetSocketAddress(lo, 0)));
    try {
      assertEquals(1, rx.localAddresses().size(), rx.localAddresses().toString());
      LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
      rx.start(
          (payload, from) -> {
            got.add(ByteBufUtil.getBytes(payload));
            payload.release();
          });
      int port = rx.localAddresses().get(0).getPort();
      List<byte[]> sent = new java.util.ArrayList<>();
      group
          .next()
          .submit(
              () -> {
                for (int i = 0; i < 40; i++) {
                  byte[] d = new byte[i < 30 ? 1200 : 1400 - i];
                  new java.util.Random(i).nextBytes(d);
                  sent.add(d);
                  ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(d.length);
                  b.writeBytes(d);
                  tx.send(b, lo, port);
                }
                tx.flush();
              })
          .get(5, TimeUnit.SECONDS);
      for (int i = 0; i < 40; i++) {
        byte[] d = got.poll(5, TimeUnit.SECONDS);
        assertNotNull(d, "datagram " + i);
        assertArrayEquals(sent.get(i), d, "datagram " + i);
      }
      assertThrows(
          IOException.class,
          () -> UdpTransport.bindIoUring(uring, List.of(new InetSocketAddress(lo, port))).close());
    } finally {
      tx.close();
      rx.close();
      uring.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
