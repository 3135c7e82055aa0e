package org.meshsec.core.datapath;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP side of the data path: one Netty datagram channel per listen address (port 4500 for ESP
 * in UDP and NAT-T IKE, RFC 3948), epoll where available (with recvmmsg batching), NIO otherwise.
 *
 * <p>Inbound: the channels are bound by {@link #bind} but read nothing until {@link #start} names
 * the receiver (so that the socket can exist before the data path that receives from it and sends
 * through it); then each datagram read on a channel's event loop goes straight to the receiver
 * ({@link DataPath#inbound}) on that loop. Outbound: {@link #send} writes without flushing, {@link
 * #flush} flushes every channel once per TUN batch; called on the channel's own loop (the daemon
 * puts the TUN queue and the channels on one loop) this involves no thread hand-off. When a socket
 * stops taking datagrams (EAGAIN), its channel keeps a bounded queue that EPOLLOUT drains, and
 * datagrams beyond the bound are dropped and counted ({@link UdpSendGate}, {@link #sendStats}):
 * sending never stops the TUN reads and never queues without bound.
 *
 * <p><b>UDP offloads</b> (Linux, epoll). Sending: consecutive datagrams sent by one thread to one
 * peer, all of one size but the last (the ESP packets of one TCP super-packet), leave in one
 * sendmsg with UDP_SEGMENT (UDP GSO, Linux 4.18+): the kernel cuts the gathered buffer into
 * datagrams, or hands it whole to a receiver on a veth. Other datagrams of a batch go out with
 * sendmmsg as before. Receiving: UDP_GRO (Linux 5.0+) lets the kernel merge same-size datagrams of
 * one flow into one read, which Netty splits again, so the receiver still sees one datagram at a
 * time. Both are on where Netty's epoll transport supports them, and can be turned off with {@code
 * -Dmeshsec.udp.gso=false} / {@code -Dmeshsec.udp.gro=false} (for measurements).
 *
 * <p><b>io_uring</b> ({@code [datapath] udp_transport = "io_uring"}, {@link #bindIoUring}): the
 * channels are Netty io_uring datagram channels on an io_uring event loop group of their own, with
 * SO_REUSEPORT as above and UDP GSO sends where Netty supports them; Netty's io_uring transport has
 * no UDP_GRO option, so each datagram is one read. The TUN queues stay on the daemon's epoll loops:
 * a datagram sent from a TUN loop is handed to a UDP loop (Netty queues the write as a task), and
 * {@link #send} spreads the sending threads over the sockets instead of taking the caller's own.
 *
 * <p>Thread-safety: thread-safe (Netty channels accept writes from any thread; the GSO run being
 * built lives in a thread local and is written by {@link #flush} on the thread that built it).
 */
public final class UdpTransport implements DataPath.EspOut, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);

  /** Largest datagram we expect (jumbo underlays aside): sizes recvmmsg slots. */
  static final int MAX_DATAGRAM = 9216;

  /** Datagrams per recvmmsg call. */
  static final int RECV_BATCH = 16;

  /** With UDP_GRO a read may hold up to 64 KB of merged datagrams. */
  static final int GRO_SLOT = 65535;

  /** UDP_MAX_SEGMENTS in Linux's include/linux/udp.h: the most segments one GSO send may carry. */
  static final int GSO_MAX_SEGMENTS = 64;

  /** The most bytes of datagrams one GSO send carries (one IP packet before segmentation). */
  static final int GSO_MAX_BYTES = 65535 - 8 - 40;

  static final boolean GSO =
      Epoll.isAvailable()
          && EpollDatagramChannel.isSegmentedDatagramPacketSupported()
          && Boolean.parseBoolean(System.getProperty("meshsec.udp.gso", "true"));

  static final boolean URING_GSO =
      Boolean.parseBoolean(System.getProperty("meshsec.udp.gso", "true"))
          && IoUring.isAvailable()
          && IoUringDatagramChannel.isSegmentedDatagramPacketSupported();

  static final boolean GRO =
      Epoll.isAvailable() && Boolean.parseBoolean(System.getProperty("meshsec.udp.gro", "true"));

  /**
   * SO_SNDBUF asked for each socket (the kernel caps it at net.core.wmem_max, then doubles it);
   * {@code -Dmeshsec.udp.sndbuf=BYTES} changes it, e.g. for a test that needs the socket full soon.
   */
  static final int SNDBUF = Integer.getInteger("meshsec.udp.sndbuf", 4 << 20);

  /** The datagrams of one GSO send being gathered by one thread. */
  private static final class Run {
    Channel ch;
    InetSocketAddress to;
    ByteBuf first;
    CompositeByteBuf gathered;
    int segmentSize;
    int count;
    int bytes;
    boolean closed; // a shorter datagram was added: it must be the last

    /** Channels this thread wrote to since its last {@link #flush}: only those are flushed. */
    Channel[] dirty = new Channel[2];

    int dirtyCount;

    void written(Channel c) {
      for (int i = 0; i < dirtyCount; i++) {
        if (dirty[i] == c) {
          return;
        }
      }
      if (dirtyCount == dirty.length) {
        dirty = java.util.Arrays.copyOf(dirty, dirtyCount * 2);
      }
      dirty[dirtyCount++] = c;
    }

    void reset() {
      ch = null;
      to = null;
      first = null;
      gathered = null;
      count = 0;
      bytes = 0;
      closed = false;
    }
  }

  private final FastThreadLocal<Run> runs =
      new FastThreadLocal<>() {
        @Override
        protected Run initialValue() {
          return new Run();
        }
      };

  private final ByteBufAllocator alloc = io.netty.buffer.PooledByteBufAllocator.DEFAULT;
  private final UdpSendGate gate = new UdpSendGate();
  private final java.util.concurrent.atomic.LongAdder gsoSends =
      new java.util.concurrent.atomic.LongAdder();

  private final List<Channel> channels = new ArrayList<>();
  private volatile Channel v4;
  private volatile Channel v6;

  /** Per address family, one channel per event loop (SO_REUSEPORT), to send from the caller's. */
  private volatile Channel[] v4All = new Channel[0];

  private volatile Channel[] v6All = new Channel[0];
  private final ConcurrentHashMap<InetAddress, InetSocketAddress> endpoints =
      new ConcurrentHashMap<>();
  private final int peerPortDefault;
  private final Inbound inbound = new Inbound(gate);
  private final boolean ioUring;

  /** With io_uring: which socket each sending thread uses, spread round robin. */
  private final FastThreadLocal<Integer> sendSlot =
      new FastThreadLocal<>() {
        private final java.util.concurrent.atomic.AtomicInteger next =
            new java.util.concurrent.atomic.AtomicInteger();

        @Override
        protected Integer initialValue() {
          return next.getAndIncrement();
        }
      };

  private UdpTransport(int peerPortDefault, boolean ioUring) {
    this.peerPortDefault = peerPortDefault;
    this.ioUring = ioUring;
  }

  /**
   * Binds one channel per endpoint and delivers every datagram to {@code sink}.
   *
   * @throws IOException naming the address, when a bind fails (port in use, address not local)
   */
  public static UdpTransport bind(
      IoEventLoopGroup group, List<InetSocketAddress> listen, Receiver sink) throws IOException {
    UdpTransport t = bind(group, listen);
    t.start(sink);
    return t;
  }

  /**
   * Binds one channel per endpoint, not reading yet: datagrams wait in the socket buffers until
   * {@link #start}. Sending works at once.
   *
   * @throws IOException naming the address, when a bind fails (port in use, address not local)
   */
  public static UdpTransport bind(IoEventLoopGroup group, List<InetSocketAddress> listen)
      throws IOException {
    return bind(group, listen, false);
  }

  /**
   * Whether Netty's io_uring transport can run here; otherwise logs why (the kernel refuses it: too
   * old, {@code kernel.io_uring_disabled}, a seccomp filter) and answers false.
   */
  public static boolean ioUringUsable() {
    if (IoUring.isAvailable()) {
      return true;
    }
    Throwable why = IoUring.unavailabilityCause();
    log.warn(
        "[datapath] udp_transport = \"io_uring\": io_uring is not available ({}); the UDP sockets"
            + " use epoll",
        why == null ? "unknown reason" : why.getMessage());
    return false;
  }

  /** A new io_uring event loop group of {@code threads} loops for {@link #bindIoUring}. */
  public static IoEventLoopGroup newIoUringGroup(int threads) {
    return new io.netty.channel.MultiThreadIoEventLoopGroup(threads, IoUringIoHandler.newFactory());
  }

  /**
   * {@link #bind(IoEventLoopGroup, List)} with io_uring datagram channels, on {@code group} from
   * {@link #newIoUringGroup} (check {@link #ioUringUsable} first).
   *
   * @throws IOException naming the address, when a bind fails
   */
  public static UdpTransport bindIoUring(IoEventLoopGroup group, List<InetSocketAddress> listen)
      throws IOException {
    return bind(group, listen, true);
  }

  private static UdpTransport bind(
      IoEventLoopGroup group, List<InetSocketAddress> listen, boolean ioUring) throws IOException {
    UdpTransport t = new UdpTransport(listen.isEmpty() ? 4500 : listen.get(0).getPort(), ioUring);
    boolean epoll = !ioUring && Epoll.isAvailable();
    boolean unix = epoll || ioUring;
    Class<? extends Channel> type =
        ioUring
            ? IoUringDatagramChannel.class
            : epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    // Both wildcards: one dual-stack [::] socket serves IPv4 too (IPv4-mapped addresses, which the
    // JDK turns back into Inet4Address), since binding 0.0.0.0 and [::] on one port needs
    // IPV6_V6ONLY, which neither Netty transport exposes.
    List<InetSocketAddress> binds = new ArrayList<>(listen);
    boolean dualStack = false;
    for (InetSocketAddress a : listen) {
      if (a.getAddress().isAnyLocalAddress() && !(a.getAddress() instanceof Inet4Address)) {
        int port = a.getPort();
        dualStack =
            binds.removeIf(
                b ->
                    b.getAddress().isAnyLocalAddress()
                        && b.getAddress() instanceof Inet4Address
                        && b.getPort() == port);
      }
    }
    int loops = 0;
    for (var ignored : group) {
      loops++;
    }
    // One socket per event loop on the same address (SO_REUSEPORT): the kernel spreads the
    // peers (by 4-tuple hash) over the loops, and each loop sends from its own socket.
    int perAddress = unix ? loops : 1;
    try {
      for (InetSocketAddress first : binds) {
        InetSocketAddress a = perAddress > 1 ? probe(group, type, first) : first;
        for (int copy = 0; copy < perAddress; copy++) {
          Bootstrap b =
              new Bootstrap()
                  .group(group)
                  .channel(type)
                  .option(ChannelOption.SO_RCVBUF, 4 << 20)
                  .option(ChannelOption.SO_SNDBUF, SNDBUF)
                  .option(ChannelOption.AUTO_READ, false)
                  .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UdpSendGate.WATER_MARK)
                  .handler(t.inbound);
          if (perAddress > 1) {
            b.option(UnixChannelOption.SO_REUSEPORT, true);
          }
          if (ioUring) {
            // one buffer cut into MAX_DATAGRAM slots, one recvmsg each (no UDP_GRO option)
            b.option(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                .option(
                    ChannelOption.RECVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(MAX_DATAGRAM * RECV_BATCH));
          } else if (epoll && GRO) {
            // recvmsg into 64 KB: a read may hold several datagrams merged by UDP GRO (Netty reads
            // the segment size only on its recvmsg path, not with recvmmsg, so no recvmmsg here)
            b.option(EpollChannelOption.UDP_GRO, true)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 0)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(GRO_SLOT));
          } else if (epoll) {
            // recvmmsg: one syscall reads up to RECV_BATCH datagrams into one buffer
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                .option(
                    ChannelOption.RECVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(MAX_DATAGRAM * RECV_BATCH));
          }
          Channel ch;
          try {
            ch = b.bind(a).sync().channel();
          } catch (Exception e) {
            throw new IOException(
                "cannot bind UDP "
                    + InetText.endpoint(a)
                    + ": "
                    + e.getMessage()
                    + " (another IPsec daemon on the port, or the address is not on this host?)",
                e);
          }
          t.channels.add(ch);
          if (a.getAddress() instanceof Inet4Address) {
            t.v4 = t.v4 == null ? ch : t.v4;
            t.v4All = append(t.v4All, ch);
          } else {
            t.v6 = t.v6 == null ? ch : t.v6;
            t.v6All = append(t.v6All, ch);
          }
          if (copy > 0) {
            continue;
          }
          // the other copies bind the port this one got (a port 0 bind picks one)
          a =
              new InetSocketAddress(
                  a.getAddress(), ((InetSocketAddress) ch.localAddress()).getPort());
          log.info(
              "listening on UDP {} ({}{}{}{})",
              InetText.endpoint(a),
              ioUring ? "io_uring" : epoll ? "epoll" : "nio",
              (epoll && GSO) || (ioUring && URING_GSO) ? ", GSO" : "",
              epoll && GRO ? ", GRO" : "",
              perAddress > 1 ? ", " + perAddress + " sockets with SO_REUSEPORT" : "");
        }
      }
      if (dualStack && t.v4 == null) {
        t.v4 = t.v6;
        t.v4All = t.v6All;
      }
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  /**
   * Binds {@code a} once without SO_REUSEPORT and closes it again, so that a port another socket
   * (another meshsec on the host, with SO_REUSEPORT too) already holds is refused as before instead
   * of being shared. Returns the address with the port it got (for a port 0 bind).
   */
  private static InetSocketAddress probe(
      IoEventLoopGroup group, Class<? extends Channel> type, InetSocketAddress a)
      throws IOException {
    Channel ch;
    try {
      ch =
          new Bootstrap()
              .group(group)
              .channel(type)
              .option(ChannelOption.AUTO_READ, false)
              .handler(new ChannelInboundHandlerAdapter())
              .bind(a)
              .sync()
              .channel();
    } catch (Exception e) {
      throw new IOException(
          "cannot bind UDP "
              + InetText.endpoint(a)
              + ": "
              + e.getMessage()
              + " (another IPsec daemon on the port, or the address is not on this host?)",
          e);
    }
    int port = ((InetSocketAddress) ch.localAddress()).getPort();
    ch.close().awaitUninterruptibly();
    return new InetSocketAddress(a.getAddress(), port);
  }

  /** Receives each datagram read (takes ownership of {@code payload}). */
  @FunctionalInterface
  public interface Receiver {
    void receive(ByteBuf payload, InetSocketAddress sender);

    /** The end of one read batch (one readiness event) on the calling event loop. */
    default void batchEnd() {}
  }

  /**
   * Starts reading: from now on every datagram goes to {@code sink}, on its channel's event loop.
   * Call once.
   */
  public void start(Receiver sink) {
    if (inbound.sink != null) {
      throw new IllegalStateException("already started");
    }
    inbound.sink = Objects.requireNonNull(sink, "sink");
    for (Channel ch : channels) {
      ch.config().setAutoRead(true);
    }
  }

  @ChannelHandler.Sharable
  private static final class Inbound extends ChannelInboundHandlerAdapter {
    private final UdpSendGate gate;
    private volatile Receiver sink;

    Inbound(UdpSendGate gate) {
      this.gate = gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Receiver sink = this.sink;
      if (msg instanceof DatagramPacket p && sink != null) {
        sink.receive(p.content(), p.sender());
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      Receiver sink = this.sink;
      if (sink != null) {
        sink.batchEnd();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      gate.writabilityChanged(ctx.channel());
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Failed sends arrive here (written with the void promise): counted, logged once at WARN.
      gate.sendFailed(
          cause,
          ctx.channel().localAddress() instanceof InetSocketAddress l ? InetText.endpoint(l) : "-");
    }
  }

  private static Channel[] append(Channel[] all, Channel ch) {
    Channel[] a = java.util.Arrays.copyOf(all, all.length + 1);
    a[all.length] = ch;
    return a;
  }

  /**
   * The channel of the calling event loop among {@code all}, else {@code fallback}; with io_uring
   * (where no sending thread is a UDP loop) one per sending thread, round robin.
   */
  private Channel local(Channel[] all, Channel fallback) {
    if (all.length > 1) {
      if (ioUring) {
        return all[sendSlot.get() % all.length];
      }
      for (Channel c : all) {
        if (c.eventLoop().inEventLoop()) {
          return c;
        }
      }
    }
    return fallback;
  }

  /**
   * {@inheritDoc}
   *
   * <p>With epoll, the event loop of the socket that a thread outside the loops sends through for
   * {@code peer}'s family: run there, a send is written and flushed at once. With io_uring every
   * send is asynchronous: null.
   */
  @Override
  public Executor sendThread(InetAddress peer) {
    if (ioUring) {
      return null;
    }
    Channel ch = peer instanceof Inet4Address ? v4 : v6;
    if (ch == null) {
      ch = v6 != null ? v6 : v4;
    }
    return ch == null ? null : ch.eventLoop();
  }

  @Override
  public void send(ByteBuf esp, InetAddress peer, int peerPort) {
    Channel ch = peer instanceof Inet4Address ? local(v4All, v4) : local(v6All, v6);
    if (ch == null) {
      ch = v6 != null ? local(v6All, v6) : v4; // a dual-stack socket can reach either family
    }
    if (ch == null) {
      esp.release();
      return;
    }
    InetSocketAddress to =
        peerPort == peerPortDefault
            ? endpoints.computeIfAbsent(peer, p -> new InetSocketAddress(p, peerPortDefault))
            : new InetSocketAddress(peer, peerPort);
    Run r = runs.get();
    if (!(GSO && ch instanceof EpollDatagramChannel)
        && !(URING_GSO && ch instanceof IoUringDatagramChannel)) {
      gate.write(ch, new DatagramPacket(esp, to), 1);
      r.written(ch);
      return;
    }
    int len = esp.readableBytes();
    if (r.count > 0
        && (r.ch != ch
            || !r.to.equals(to)
            || r.closed
            || len > r.segmentSize
            || r.count == GSO_MAX_SEGMENTS
            || r.bytes + len > GSO_MAX_BYTES)) {
      emit(r);
    }
    if (r.count == 0) {
      r.ch = ch;
      r.to = to;
      r.first = esp;
      r.segmentSize = len;
      r.count = 1;
      r.bytes = len;
      return;
    }
    if (r.count == 1) {
      r.gathered = alloc.compositeDirectBuffer(GSO_MAX_SEGMENTS);
      r.gathered.addComponent(true, r.first);
      r.first = null;
    }
    r.gathered.addComponent(true, esp);
    r.count++;
    r.bytes += len;
    r.closed = len < r.segmentSize;
  }

  /** Sends made with UDP GSO (each carrying two or more datagrams). */
  public long gsoSends() {
    return gsoSends.sum();
  }

  /**
   * The send side's back-pressure counters (see {@link UdpSendGate} for the rule).
   *
   * @param blocked times a socket stopped taking datagrams (EAGAIN) long enough for its channel's
   *     queue to pass its bound; sending resumes by itself on EPOLLOUT
   * @param droppedFull datagrams dropped because their channel's queue was over its bound
   * @param noBufs sends that failed with ENOBUFS (each one datagram, or one UDP GSO send)
   * @param failed sends that failed with another error (EMSGSIZE, ENETUNREACH, a closed channel)
   */
  public record SendStats(long blocked, long droppedFull, long noBufs, long failed) {}

  /** A snapshot of the send side's back-pressure counters. */
  public SendStats sendStats() {
    return gate.snapshot();
  }

  /** Writes the run gathered so far: one datagram, or one UDP GSO send of several. */
  private void emit(Run r) {
    Channel ch = r.ch;
    r.written(ch);
    if (r.count == 1) {
      gate.write(ch, new DatagramPacket(r.first, r.to), 1);
    } else if (r.count > 1
        && gate.write(ch, new SegmentedDatagramPacket(r.gathered, r.segmentSize, r.to), r.count)) {
      gsoSends.increment();
    }
    r.reset();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Flushes the channels the calling thread wrote to since its last flush, and only those: a
   * flush of another loop's channel from here is a task that wakes that loop (an eventfd write and
   * a context switch) for nothing when that loop has nothing of ours queued.
   */
  @Override
  public void flush() {
    Run r = runs.getIfExists();
    if (r == null) {
      return;
    }
    if (r.count > 0) {
      emit(r);
    }
    for (int i = 0; i < r.dirtyCount; i++) {
      r.dirty[i].flush();
      r.dirty[i] = null;
    }
    r.dirtyCount = 0;
  }

  /** The bound local addresses, for the status command. */
  public List<InetSocketAddress> localAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Channel ch : channels) {
      InetSocketAddress a = (InetSocketAddress) ch.localAddress();
      if (!out.contains(a)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Sends raw bytes (an IKE message, with its non-ESP marker on the NAT-T port) from the channel
   * bound to {@code from} (or a wildcard channel of its family, or any channel of its family) to
   * {@code to}, and flushes. Takes ownership of {@code payload}.
   */
  public void sendRaw(ByteBuf payload, InetAddress from, InetSocketAddress to) {
    Channel pick = null;
    Channel wildcard = null;
    for (Channel ch : channels) {
      InetSocketAddress a = (InetSocketAddress) ch.localAddress();
      if (a == null) {
        continue;
      }
      if (from != null && a.getAddress().equals(from)) {
        pick = ch;
        break;
      }
      if (a.getAddress().isAnyLocalAddress()
          && (wildcard == null
              || (a.getAddress() instanceof Inet4Address)
                  == (to.getAddress() instanceof Inet4Address))) {
        wildcard = ch;
      }
    }
    if (pick == null) {
      pick = wildcard;
    }
    if (pick == null) {
      sendRaw(payload, to);
      return;
    }
    pick.writeAndFlush(new DatagramPacket(payload, to), pick.voidPromise());
  }

  /** Sends raw bytes (an IKE message with its non-ESP marker) to a peer; for the IKE module. */
  public void sendRaw(ByteBuf payload, InetSocketAddress to) {
    Channel ch = to.getAddress() instanceof Inet4Address ? v4 : v6;
    if (ch == null) {
      payload.release();
      return;
    }
    ch.writeAndFlush(new DatagramPacket(payload, to), ch.voidPromise());
  }

  @Override
  public void close() {
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly();
    }
    channels.clear();
  }
}
