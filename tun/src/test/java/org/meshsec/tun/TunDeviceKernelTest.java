package org.meshsec.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TUN devices against the real kernel, in the test JVM's own network namespace: every device has a
 * unique name and its own random 10.x.y.0/24 (and ULA /64), and everything is removed in {@link
 * #cleanUp()}. Needs root (CAP_NET_ADMIN), /dev/net/tun and iproute2; run with {@code -Pfull}.
 */
@Tag("netns")
class TunDeviceKernelTest {
  private static final long TIMEOUT_MS = 5000;

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

  /** A packet the handler saw: queue, thread, bytes (buffer already released). */
  record Seen(int queue, Thread thread, byte[] bytes, int headroom, int tailroom) {}

  @BeforeEach
  void preconditions() {
    KernelTestSupport.requireTunAndNetAdmin();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    assertEquals(0, alloc.metric().usedDirectMemory(), "read buffers leaked");
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    cleanup.add(c);
    return c;
  }

  private TunOptions.Builder options(String name) {
    return TunOptions.builder(name).allocator(alloc);
  }

  private TunDevice open(TunOptions options) throws IOException {
    TunDevice dev = closeLater(TunDevice.open(options));
    return dev;
  }

  /** Brings {@code dev} up with {@code addr/prefix}; undone at clean-up. */
  private void configure(TunDevice dev, InetAddress addr, int prefix) throws IOException {
    LinkConfigurator link = closeLater(new LinkConfigurator(dev.name()));
    link.addAddress(addr, prefix);
    link.up();
  }

  private static TunHandler collectInto(BlockingQueue<Seen> seen) {
    return (queue, packets) -> {
      for (ByteBuf p : packets) {
        byte[] b = new byte[p.readableBytes()];
        p.getBytes(p.readerIndex(), b);
        seen.add(new Seen(queue, Thread.currentThread(), b, p.readerIndex(), p.writableBytes()));
        p.release();
      }
    };
  }

  /** The next UDP packet to {@code dst:port}, skipping anything else the kernel sends. */
  private static Seen awaitUdp(BlockingQueue<Seen> seen, InetAddress dst, int port)
      throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    for (long left; (left = deadline - System.currentTimeMillis()) > 0; ) {
      Seen s = seen.poll(left, TimeUnit.MILLISECONDS);
      if (s == null) {
        break;
      }
      Packets.Udp u = Packets.parseUdp(s.bytes());
      if (u != null && u.dst().equals(dst) && u.dstPort() == port) {
        return s;
      }
    }
    throw new AssertionError("no UDP packet to " + dst + ":" + port + " came out of the TUN");
  }

  /**
   * Sends a datagram to {@code dst:port} from an unbound socket: the kernel picks the source (the
   * TUN's address, since the route to {@code dst} goes through it).
   */
  private static void send(InetAddress dst, int port, byte[] payload) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(dst, port)));
    }
  }

  @Test
  void kernelAssignsNameAndCloseRemovesTheInterface() throws Exception {
    String prefix = KernelTestSupport.uniqueName().substring(0, 10);
    TunDevice dev = TunDevice.open(options(prefix + "%d").build());
    String name = dev.name();
    try {
      assertTrue(name.startsWith(prefix) && name.length() > prefix.length(), name);
      assertTrue(LinkConfigurator.linkExists(name));
      assertEquals(1, dev.queueCount());
      assertEquals(1500, dev.mtu());
      int flags = Native.fcntl(dev.fd(0), Native.F_GETFL, "F_GETFL", 0);
      assertEquals(Native.O_NONBLOCK, flags & Native.O_NONBLOCK, "fd is non-blocking");
    } finally {
      dev.close();
    }
    assertFalse(LinkConfigurator.linkExists(name), "the interface goes with its fd");
    dev.close(); // idempotent
    assertEquals(
        WriteResult.CLOSED, dev.write(Unpooled.wrappedBuffer(new byte[] {0x45, 0, 0, 20})));
    assertThrows(IllegalStateException.class, () -> dev.start((q, p) -> {}));
  }

  @Test
  void mtuFollowsLinkConfiguration() throws Exception {
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).build());
    LinkConfigurator link = closeLater(new LinkConfigurator(dev.name()));
    link.setMtu(1380);
    assertEquals(1380, dev.mtu());
  }

  @ParameterizedTest
  @EnumSource(
      value = ReaderMode.class,
      names = {"EPOLL", "POLL_THREAD"})
  void ipv4UdpBothWays(ReaderMode mode) throws Exception {
    byte[] net = KernelTestSupport.randomNet4();
    InetAddress local = KernelTestSupport.host4(net, 1);
    InetAddress peer = KernelTestSupport.host4(net, 2);
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).readerMode(mode).build());
    configure(dev, local, 24);
    BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    dev.start(collectInto(seen));
    assertEquals(mode, dev.readerMode());

    // Kernel -> TUN: a datagram to the peer is routed into the device.
    byte[] payload = ("hello over " + mode).getBytes(StandardCharsets.US_ASCII);
    send(peer, 40001, payload);
    Seen s = awaitUdp(seen, peer, 40001);
    Packets.Udp u = Packets.parseUdp(s.bytes());
    assertEquals(4, u.version());
    assertEquals(local, u.src());
    assertArrayEquals(payload, u.data());
    assertEquals(TunOptions.DEFAULT_HEADROOM, s.headroom(), "packet read at the headroom offset");
    assertTrue(s.tailroom() >= TunOptions.DEFAULT_TAILROOM);
    if (mode == ReaderMode.EPOLL) {
      IoEventLoop loop = dev.eventLoop(0);
      assertNotNull(loop);
      assertTrue(loop.inEventLoop(s.thread()), "handler runs on the queue's event loop");
    } else {
      assertEquals("tun-" + dev.name() + "-q0", s.thread().getName());
    }

    // TUN -> kernel: a datagram from the peer, in direct, heap and composite buffers.
    try (DatagramSocket rx = new DatagramSocket(new InetSocketAddress(local, 0))) {
      rx.setSoTimeout((int) TIMEOUT_MS);
      byte[] reply = Packets.udp(peer, 40002, local, rx.getLocalPort(), "reply".getBytes());
      ByteBuf direct = alloc.directBuffer(reply.length).writeBytes(reply);
      ByteBuf heap = Unpooled.wrappedBuffer(reply.clone());
      CompositeByteBuf composite = Unpooled.compositeBuffer();
      composite.addComponents(
          true,
          Unpooled.wrappedBuffer(reply, 0, 10),
          alloc.directBuffer(reply.length - 10).writeBytes(reply, 10, reply.length - 10));
      for (ByteBuf b : List.of(direct, heap, composite)) {
        assertEquals(WriteResult.WRITTEN, dev.write(b));
        assertEquals(0, b.refCnt(), "write releases");
        DatagramPacket got = new DatagramPacket(new byte[100], 100);
        rx.receive(got);
        assertEquals("reply", new String(got.getData(), 0, got.getLength()));
        assertEquals(new InetSocketAddress(peer, 40002), got.getSocketAddress());
      }
    }
    TunStats st = dev.stats();
    assertTrue(st.rxPackets() >= 1 && st.rxBatches() >= 1, st.toString());
    assertEquals(3, st.txPackets());
  }

  @Test
  void ipv6UdpBothWays() throws Exception {
    byte[] net = KernelTestSupport.randomNet6();
    InetAddress local = KernelTestSupport.host6(net, 1);
    InetAddress peer = KernelTestSupport.host6(net, 2);
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).build());
    configure(dev, local, 64);
    BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    dev.start(collectInto(seen));

    send(peer, 40003, "six".getBytes());
    Packets.Udp u = Packets.parseUdp(awaitUdp(seen, peer, 40003).bytes());
    assertEquals(6, u.version());
    assertEquals(local, u.src());
    assertArrayEquals("six".getBytes(), u.data());

    try (DatagramSocket rx = new DatagramSocket(new InetSocketAddress(local, 0))) {
      rx.setSoTimeout((int) TIMEOUT_MS);
      byte[] reply = Packets.udp(peer, 40004, local, rx.getLocalPort(), "six back".getBytes());
      assertEquals(WriteResult.WRITTEN, dev.write(Unpooled.wrappedBuffer(reply)));
      DatagramPacket got = new DatagramPacket(new byte[100], 100);
      rx.receive(got);
      assertEquals("six back", new String(got.getData(), 0, got.getLength()));
    }
  }

  @Test
  void manualReadAndTruncatedPackets() throws Exception {
    byte[] net = KernelTestSupport.randomNet4();
    InetAddress peer = KernelTestSupport.host4(net, 2);
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).build());
    configure(dev, KernelTestSupport.host4(net, 1), 24);

    ByteBuf small = alloc.directBuffer(300);
    ByteBuf big = alloc.directBuffer(2000);
    try {
      // Drain what the kernel sent by itself (e.g. IPv6 router solicitations) after link up.
      while (dev.read(0, big.clear()) != 0) {}
      assertEquals(0, dev.read(0, big.clear()), "nothing waiting: EAGAIN is 0, not an exception");
      send(peer, 40005, new byte[600]);
      int n = readUdp(dev, small, peer, 40005);
      assertEquals(-1, n, "628-byte packet into 300 bytes is dropped");
      assertEquals(0, small.readableBytes());
      assertTrue(dev.stats().rxTruncated() >= 1);

      send(peer, 40006, new byte[600]);
      n = readUdp(dev, big, peer, 40006);
      assertEquals(628, n);
      assertEquals(628, big.readableBytes());
    } finally {
      small.release();
      big.release();
    }
  }

  @Test
  void readerDropsPacketsLargerThanTheReadBuffer() throws Exception {
    byte[] net = KernelTestSupport.randomNet4();
    InetAddress peer = KernelTestSupport.host4(net, 2);
    // 228 = 20 (IPv4) + 8 (UDP) + 200.
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).readBufferSize(228).build());
    configure(dev, KernelTestSupport.host4(net, 1), 24);
    BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    dev.start(collectInto(seen));

    send(peer, 40010, new byte[201]);
    send(peer, 40011, new byte[200]);
    Seen s = awaitUdp(seen, peer, 40011);
    assertEquals(228, s.bytes().length, "a packet of exactly the read size is accepted");
    assertTrue(seen.stream().noneMatch(x -> x.bytes().length > 228));
    assertEquals(1, dev.stats().rxTruncated(), "the 229-byte packet was dropped and counted");
  }

  /**
   * Reads until a packet to {@code dst:port} (or a truncated one) comes; returns read()'s value.
   */
  private static int readUdp(TunDevice dev, ByteBuf dst, InetAddress to, int port)
      throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      dst.clear();
      int n = dev.read(0, dst);
      if (n == 0) {
        Thread.sleep(5);
        continue;
      }
      if (n < 0) {
        return n;
      }
      byte[] b = new byte[n];
      dst.getBytes(0, b);
      Packets.Udp u = Packets.parseUdp(b);
      if (u != null && u.dst().equals(to) && u.dstPort() == port) {
        return n;
      }
    }
    throw new AssertionError("no packet to " + to + ":" + port);
  }

  @Test
  void multiQueueSpreadsFlowsOverQueuesAndLoops() throws Exception {
    byte[] net = KernelTestSupport.randomNet4();
    InetAddress peer = KernelTestSupport.host4(net, 2);
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).queues(2).build());
    assertEquals(2, dev.queueCount());
    configure(dev, KernelTestSupport.host4(net, 1), 24);
    BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    dev.start(collectInto(seen));
    assertNotEquals(dev.eventLoop(0), dev.eventLoop(1), "one event loop per queue");

    int flows = 64;
    List<DatagramSocket> senders = new ArrayList<>();
    try {
      for (int i = 0; i < flows; i++) {
        DatagramSocket s = new DatagramSocket();
        senders.add(s);
        s.send(new DatagramPacket(new byte[] {(byte) i}, 1, new InetSocketAddress(peer, 40007)));
      }
      Set<Integer> queues = new HashSet<>();
      Set<Integer> sourcePorts = new HashSet<>();
      for (int i = 0; i < flows; i++) {
        Seen s = awaitUdp(seen, peer, 40007);
        queues.add(s.queue());
        sourcePorts.add(Packets.parseUdp(s.bytes()).srcPort());
        assertTrue(dev.eventLoop(s.queue()).inEventLoop(s.thread()));
      }
      assertEquals(flows, sourcePorts.size());
      assertEquals(Set.of(0, 1), queues, "64 flows hash onto both queues");
    } finally {
      for (DatagramSocket s : senders) {
        s.close();
      }
    }
  }

  @Test
  void sharedEventLoopGroupIsUsedAndNotShutDown() throws Exception {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      byte[] net = KernelTestSupport.randomNet4();
      InetAddress peer = KernelTestSupport.host4(net, 2);
      TunDevice dev =
          TunDevice.open(options(KernelTestSupport.uniqueName()).eventLoopGroup(group).build());
      try {
        configure(dev, KernelTestSupport.host4(net, 1), 24);
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        dev.start(collectInto(seen));
        assertSame(group.next(), dev.eventLoop(0));
        send(peer, 40008, new byte[] {1});
        assertTrue(group.next().inEventLoop(awaitUdp(seen, peer, 40008).thread()));
      } finally {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
          cleanup.get(i).close();
        }
        cleanup.clear();
        dev.close();
      }
      assertFalse(group.isShuttingDown(), "a shared group belongs to its owner");
      assertEquals(42, group.next().submit(() -> 42).get(5, TimeUnit.SECONDS));
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * A shared group shut down under an open device (the daemon closes the device first, but a
   * library user may not): the handler hears that reading stopped, every time. Netty's own close()
   * callback is skipped when the loop sees the shutdown late (zero quiet period), so the reader
   * also listens on the loop's termination; repeated because the late case happens about half the
   * time.
   */
  @RepeatedTest(10)
  void sharedGroupShutDownFirstReportsAReadError() throws Exception {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).eventLoopGroup(group).build());
    AtomicReference<IOException> error = new AtomicReference<>();
    dev.start(
        new TunHandler() {
          @Override
          public void onPackets(int queue, List<ByteBuf> packets) {
            packets.forEach(ByteBuf::release);
          }

          @Override
          public void onReadError(int queue, IOException cause) {
            error.set(cause);
          }
        });
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    // the termination future's listeners run after the group's own, so allow them a moment
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (error.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertNotNull(error.get(), "the handler hears that reading stopped");
    assertTrue(error.get().getMessage().contains("shut down"), error.get().getMessage());
    dev.close();
    assertFalse(LinkConfigurator.linkExists(dev.name()));
  }

  @Test
  void heapAllocatorIsRefused() throws Exception {
    TunDevice dev =
        open(
            TunOptions.builder(KernelTestSupport.uniqueName())
                .allocator(
                    new AbstractByteBufAllocator(false) {
                      @Override
                      protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                        return Unpooled.buffer(initialCapacity, maxCapacity);
                      }

                      @Override
                      protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                        return newHeapBuffer(initialCapacity, maxCapacity);
                      }

                      @Override
                      public boolean isDirectBufferPooled() {
                        return false;
                      }
                    })
                .build());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> dev.start((q, p) -> {}));
    assertTrue(e.getMessage().contains("direct buffers"), e.getMessage());
  }

  /**
   * A handler that throws an Error (the data path out of direct memory under back-pressure) loses
   * its batch but not the queue: reading goes on, on the same event loop or poll thread.
   */
  @ParameterizedTest
  @EnumSource(
      value = ReaderMode.class,
      names = {"EPOLL", "POLL_THREAD"})
  void aHandlerThatThrowsAnErrorDoesNotStopReading(ReaderMode mode) throws Exception {
    byte[] net = KernelTestSupport.randomNet4();
    InetAddress peer = KernelTestSupport.host4(net, 2);
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).readerMode(mode).build());
    configure(dev, KernelTestSupport.host4(net, 1), 24);
    BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    TunHandler collect = collectInto(seen);
    java.util.concurrent.atomic.AtomicBoolean thrown =
        new java.util.concurrent.atomic.AtomicBoolean();
    dev.start(
        (q, packets) -> {
          boolean marker = false;
          for (ByteBuf p : packets) { // IPv4 (20-byte header) + UDP to port 40010
            int at = p.readerIndex();
            marker |=
                p.readableBytes() >= 28
                    && p.getByte(at) == 0x45
                    && p.getByte(at + 9) == 17
                    && p.getUnsignedShort(at + 22) == 40010;
          }
          if (marker && !thrown.getAndSet(true)) {
            packets.forEach(ByteBuf::release);
            throw new OutOfMemoryError("test: no direct memory");
          }
          collect.onPackets(q, packets);
        });
    send(peer, 40010, new byte[] {1});
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (!thrown.get() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(thrown.get(), "the handler saw the first datagram");
    send(peer, 40011, new byte[] {2});
    Seen s = awaitUdp(seen, peer, 40011);
    if (mode == ReaderMode.EPOLL) {
      assertTrue(dev.eventLoop(0).inEventLoop(s.thread()), "on the queue's loop, still alive");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ReaderMode.class,
      names = {"EPOLL", "POLL_THREAD"})
  void closeFromInsideTheHandler(ReaderMode mode) throws Exception {
    byte[] net = KernelTestSupport.randomNet4();
    InetAddress peer = KernelTestSupport.host4(net, 2);
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).readerMode(mode).build());
    configure(dev, KernelTestSupport.host4(net, 1), 24);
    CountDownLatch closed = new CountDownLatch(1);
    dev.start(
        (q, packets) -> {
          packets.forEach(ByteBuf::release);
          dev.close();
          closed.countDown();
        });
    send(peer, 40009, new byte[] {1});
    assertTrue(closed.await(TIMEOUT_MS, TimeUnit.MILLISECONDS), "handler closed the device");
    assertFalse(LinkConfigurator.linkExists(dev.name()));
  }

  @Test
  void writeOfANonIpPacketIsRejectedByTheKernel() throws Exception {
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).build());
    configure(dev, KernelTestSupport.host4(KernelTestSupport.randomNet4(), 1), 24);
    assertEquals(
        WriteResult.REJECTED, dev.write(Unpooled.wrappedBuffer(new byte[] {0x10, 0, 0, 0})));
    assertEquals(WriteResult.REJECTED, dev.write(Unpooled.EMPTY_BUFFER));
    assertEquals(2, dev.stats().txRejected());
  }

  @Test
  void deletingTheInterfaceStopsReadingWithAnError() throws Exception {
    TunDevice dev = open(options(KernelTestSupport.uniqueName()).build());
    AtomicReference<IOException> error = new AtomicReference<>();
    CountDownLatch failed = new CountDownLatch(1);
    dev.start(
        new TunHandler() {
          @Override
          public void onPackets(int queue, List<ByteBuf> packets) {
            packets.forEach(ByteBuf::release);
          }

          @Override
          public void onReadError(int queue, IOException cause) {
            error.set(cause);
            failed.countDown();
          }
        });
    new LinkConfigurator(dev.name()).deleteLink();
    assertTrue(failed.await(TIMEOUT_MS, TimeUnit.MILLISECONDS), "reader reported the loss");
    assertTrue(error.get().getMessage().contains(dev.name()), error.get().getMessage());
  }

  @Test
  void nameOfAnotherInterfaceIsRefusedWithTheReason() {
    NativeIoException busy =
        assertThrows(NativeIoException.class, () -> TunDevice.open(options("lo").build()));
    assertEquals(Errno.EBUSY, busy.errno());
    assertTrue(
        busy.getMessage().startsWith("ioctl(TUNSETIFF, lo) failed: EBUSY (16)"), busy.getMessage());
    assertTrue(busy.getMessage().contains("already exists"), busy.getMessage());
    // The hint names what TunOptions really offers.
    assertTrue(
        busy.getMessage().contains("TunOptions.Builder.attachExisting(true)"), busy.getMessage());
    assertTrue(busy.getMessage().contains("such as tun%d (TunOptions.builder)"), busy.getMessage());

    NativeIoException invalid =
        assertThrows(
            NativeIoException.class,
            () -> TunDevice.open(options("lo").attachExisting(true).build()));
    assertEquals(Errno.EINVAL, invalid.errno());
    assertTrue(invalid.getMessage().contains("not a TUN device"), invalid.getMessage());
  }

  @Test
  void secondDeviceWithTheSameNameIsRefused() throws Exception {
    TunDevice first = open(options(KernelTestSupport.uniqueName()).build());
    NativeIoException e =
        assertThrows(NativeIoException.class, () -> TunDevice.open(options(first.name()).build()));
    assertEquals(Errno.EBUSY, e.errno());
  }

  /** Capabilities are per thread on Linux: drop CAP_NET_ADMIN on one thread and try there. */
  @Test
  void missingCapNetAdminSaysHowToFixIt() throws Exception {
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    String name = KernelTestSupport.uniqueName();
    Thread t =
        new Thread(
            () -> {
              try {
                Caps.dropEffective(12); // CAP_NET_ADMIN
                TunDevice.open(options(name).build()).close();
                outcome.set(new AssertionError("open succeeded without CAP_NET_ADMIN"));
              } catch (Throwable e) {
                outcome.set(e);
              }
            },
            "no-net-admin");
    t.start();
    t.join(TIMEOUT_MS);
    Throwable e = outcome.get();
    assertTrue(e instanceof NativeIoException, String.valueOf(e));
    assertEquals(Errno.EPERM, ((NativeIoException) e).errno());
    assertTrue(
        e.getMessage().startsWith("ioctl(TUNSETIFF, " + name + ") failed: EPERM (1)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("run as root or grant CAP_NET_ADMIN"), e.getMessage());
    assertFalse(LinkConfigurator.linkExists(name));
  }

  /** capget/capset(2) for {@link #missingCapNetAdminSaysHowToFixIt}. */
  static final class Caps {
    /** The libc calls; public for jnr-ffi. */
    public interface Lib {
      int capget(Pointer header, Pointer data);

      int capset(Pointer header, Pointer data);
    }

    private static final Lib LIB =
        LibraryLoader.create(Lib.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());

    /** Removes capability {@code cap} from the calling thread's effective set. */
    static void dropEffective(int cap) {
      jnr.ffi.Runtime rt = jnr.ffi.Runtime.getRuntime(LIB);
      Pointer header = Memory.allocateDirect(rt, 8, true);
      header.putInt(0, 0x20080522); // _LINUX_CAPABILITY_VERSION_3
      header.putInt(4, 0); // this thread
      Pointer data = Memory.allocateDirect(rt, 24, true); // two __user_cap_data_struct
      if (LIB.capget(header, data) != 0 || LIB.capset(header, clear(data, cap)) != 0) {
        throw new IllegalStateException("capget/capset failed: errno " + rt.getLastError());
      }
    }

    private static Pointer clear(Pointer data, int cap) {
      int word = cap / 32;
      data.putInt(word * 12L, data.getInt(word * 12L) & ~(1 << (cap % 32)));
      return data;
    }
  }
}
