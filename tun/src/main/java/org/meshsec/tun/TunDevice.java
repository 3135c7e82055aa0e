package org.meshsec.tun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux TUN device (IFF_TUN | IFF_NO_PI: whole IPv4/IPv6 packets, no extra header unless offloads
 * are asked for, see below), opened through {@code /dev/net/tun} with jnr-ffi, optionally
 * multi-queue (IFF_MULTI_QUEUE, one fd per queue), all fds non-blocking. The device is not
 * persistent: the kernel removes the interface when the last fd closes, i.e. on {@link #close()}.
 * Addresses, MTU and routes are set with {@link LinkConfigurator}.
 *
 * <h2>Reading: one queue, one loop, no hand-off</h2>
 *
 * <pre>
 *  kernel: route lookup sends packet to meshsec0 --&gt; tun picks a queue (flow hash)
 *                                                          |
 *            +---------------------------------------------+--------------------+
 *            v  queue 0 fd                                     queue 1 fd       v
 *   epoll set of event loop 0                           epoll set of event loop 1
 *     (level-triggered EPOLLIN, shared with UDP           ...
 *      channels registered on the same loop)
 *            |  readiness
 *            v
 *   EpollQueueReader.handle()            [event-loop thread 0, nothing crosses threads]
 *     loop: read(fd, buf.memoryAddress() + headroom, readSize)  into pooled direct buffers
 *           until EAGAIN or batchSize packets
 *            |  List&lt;ByteBuf&gt; (handler owns the buffers)
 *            v
 *   TunHandler.onPackets(0, batch)       e.g. SPD lookup, ESP seal in place, UDP write+flush
 *                                        on a channel of the same loop
 * </pre>
 *
 * With {@link ReaderMode#EPOLL} (the default when Netty's native epoll loads) each queue's fd is
 * registered on a Netty {@code EpollIoHandler} event loop as an {@code EpollIoHandle} (Netty 4.2's
 * public hook for foreign fds), so a batch is read, processed and sent on one thread, next to the
 * UDP channels of that loop. Pass the daemon's own epoll {@link IoEventLoopGroup} in {@link
 * TunOptions#eventLoopGroup()} to share its loops; {@link #eventLoop(int)} tells which loop reads
 * which queue. With {@link ReaderMode#POLL_THREAD} (the fallback) each queue gets a thread that
 * blocks in poll(2) with a timeout and runs the handler itself; the flow is the same with "event
 * loop" replaced by "poll thread". In both, there is no per-packet thread hand-off: a batch is
 * handed over once, by a method call, on the thread that read it.
 *
 * <h2>Writing</h2>
 *
 * {@link #write(ByteBuf)} calls write(2) on the calling thread (TUN writes do not block: the kernel
 * injects the packet into its stack or drops it); EAGAIN and errors are counted and reported as a
 * {@link WriteResult}. A thread that reads a queue writes to the same queue, which also teaches the
 * kernel's flow steering to send that flow's replies to that queue; other threads pick a queue by
 * thread id.
 *
 * <h2>Offloads</h2>
 *
 * With {@link TunOptions#vnetHdr()} the device is opened with IFF_VNET_HDR and ioctl(TUNSETOFFLOAD)
 * asks for checksum, TSO and USO offloads, falling back to checksum and TSO when the kernel does
 * not know USO (before 6.2); {@link #offloads()} tells what was granted. Every packet read and
 * written then starts with a {@link VirtioNetHdr}, and reads may return TCP super-packets of up to
 * 64 KB (read buffers are sized for them). Cutting them into segments, and merging received
 * segments into super-packets, is the caller's work (org.meshsec.core.offload); this class never
 * looks beyond the header.
 *
 * <h2>Shutdown</h2>
 *
 * {@link #close()} stops the readers (cancels each epoll registration on its loop and waits, or
 * stops and joins the poll threads), then closes the fds once no write is in flight (which removes
 * the interface), then shuts down the event loop group if the device created it.
 *
 * <p>Thread-safety: thread-safe. {@link #write} may be called concurrently from any thread; {@link
 * #start} and {@link #close} are serialised; the handler runs on the reader threads as described.
 */
public final class TunDevice implements TunInterface {
  private static final Logger log = LoggerFactory.getLogger(TunDevice.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  /** The largest IP packet the kernel hands over with TSO: the IP total length limit. */
  public static final int MAX_SUPER_PACKET = 65535;

  private enum State {
    OPEN,
    STARTED,
    CLOSED
  }

  private final String name;
  private final TunOptions options;
  private final TunQueue[] queues;
  private final Counters counters;
  private final Set<TunOffload> offloads;
  private final FastThreadLocal<TunQueue> readerQueue = new FastThreadLocal<>();

  private final Object lock = new Object();
  private State state = State.OPEN; // guarded by lock
  private QueueReader[] readers; // guarded by lock
  private IoEventLoopGroup ownGroup; // guarded by lock
  private volatile ReaderMode activeMode;

  private TunDevice(
      String name,
      TunOptions options,
      TunQueue[] queues,
      Counters counters,
      Set<TunOffload> offloads) {
    this.name = name;
    this.options = options;
    this.queues = queues;
    this.counters = counters;
    this.offloads = offloads;
  }

  /** Opens a single-queue device named {@code name} (may contain {@code %d}) with defaults. */
  public static TunDevice open(String name) throws IOException {
    return open(TunOptions.builder(name).build());
  }

  /**
   * Opens the device: one {@code open(/dev/net/tun)} and one {@code ioctl(TUNSETIFF)} per queue.
   * The interface is created down, with the kernel's default MTU (1500).
   *
   * @throws NativeIoException naming the failed call, with the fix in the message: {@code
   *     /dev/net/tun} missing or not allowed (modprobe tun, container device cgroup), EPERM
   *     (CAP_NET_ADMIN), EBUSY (name taken)
   */
  public static TunDevice open(TunOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    int n = options.queues();
    int[] fds = new int[n];
    int opened = 0;
    String name = options.name();
    Set<TunOffload> offloads = Collections.emptySet();
    try {
      for (int i = 0; i < n; i++) {
        fds[i] = openClone(options.devicePath());
        opened++;
        short flags = (short) (Native.IFF_TUN | Native.IFF_NO_PI);
        if (n > 1) {
          flags |= Native.IFF_MULTI_QUEUE;
        }
        if (i == 0 && !options.attachExisting()) {
          flags |= Native.IFF_TUN_EXCL;
        }
        if (options.vnetHdr()) {
          flags |= Native.IFF_VNET_HDR;
        }
        name = setIff(fds[i], name, flags, options);
        if (options.vnetHdr()) {
          offloads = setOffloads(fds[i], name);
        }
      }
    } catch (IOException | RuntimeException e) {
      for (int i = 0; i < opened; i++) {
        try {
          Native.close(fds[i]);
        } catch (NativeIoException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    Counters counters = new Counters();
    TunQueue[] queues = new TunQueue[n];
    for (int i = 0; i < n; i++) {
      queues[i] = new TunQueue(i, fds[i], name, counters, options);
    }
    if (options.vnetHdr()) {
      log.info("opened TUN device {} with {} queue(s), offloads {}", name, n, offloads);
    } else {
      log.info("opened TUN device {} with {} queue(s)", name, n);
    }
    return new TunDevice(name, options, queues, counters, offloads);
  }

  /**
   * ioctl(TUNSETOFFLOAD) with checksum, TSO and USO; without USO when the kernel refuses it (EINVAL
   * before Linux 6.2); with nothing when it refuses TSO as well. The offloads are a property of the
   * device, so every queue gets the same answer.
   */
  private static Set<TunOffload> setOffloads(int fd, String name) throws NativeIoException {
    EnumSet<TunOffload> all = EnumSet.allOf(TunOffload.class);
    EnumSet<TunOffload> tso = EnumSet.of(TunOffload.CSUM, TunOffload.TSO4, TunOffload.TSO6);
    for (EnumSet<TunOffload> want : List.of(all, tso)) {
      int bits = 0;
      for (TunOffload o : want) {
        bits |= o.flag();
      }
      int res = Native.ioctlValueRaw(fd, Native.TUNSETOFFLOAD, bits);
      if (res >= 0) {
        return Collections.unmodifiableSet(want);
      }
      if (-res != Errno.EINVAL) {
        throw Native.newIoException("ioctl(TUNSETOFFLOAD, " + name + ")", -res, null);
      }
    }
    log.warn("TUN device {}: the kernel refused checksum and TSO offloads", name);
    return Collections.emptySet();
  }

  private static int openClone(String path) throws NativeIoException {
    try {
      return Native.open(path, Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC);
    } catch (NativeIoException e) {
      String hint =
          switch (e.errno()) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                path
                    + " is missing: load the tun module (modprobe tun); in a container, pass the"
                    + " device in (docker run --device /dev/net/tun)";
            case Errno.EPERM, Errno.EACCES ->
                "access to "
                    + path
                    + " denied: run as root, or in a container allow the device"
                    + " (docker run --device /dev/net/tun, or the device cgroup rule 'c 10:200 rwm')";
            default -> null;
          };
      throw hint == null
          ? e
          : new NativeIoException(e.syscall(), e.errno(), Native.strerror(e.errno()), hint);
    }
  }

  private static String setIff(int fd, String name, short flags, TunOptions options)
      throws NativeIoException {
    Pointer ifr = Native.newIfreq(name);
    ifr.putShort(Native.IFREQ_UNION_OFFSET, flags);
    int res = Native.ioctlRaw(fd, Native.TUNSETIFF, ifr);
    if (res < 0) {
      int err = -res;
      String hint =
          switch (err) {
            case Errno.EPERM ->
                "creating TUN interface '"
                    + name
                    + "' needs CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN (setcap"
                    + " cap_net_admin+ep on the java binary, or AmbientCapabilities=CAP_NET_ADMIN in"
                    + " the systemd unit)";
            case Errno.EBUSY ->
                "an interface named '"
                    + name
                    + "' already exists; open another name, or a name pattern such as tun%d"
                    + " (TunOptions.builder), for a new device"
                    + (options.attachExisting()
                        ? ""
                        : ", or TunOptions.Builder.attachExisting(true) to attach to it");
            case Errno.EINVAL ->
                "interface '"
                    + name
                    + "' exists but is not a TUN device of this kind (or the name is invalid)";
            default -> null;
          };
      throw Native.newIoException("ioctl(TUNSETIFF, " + name + ")", err, hint);
    }
    return Native.ifreqName(ifr);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * The offloads the kernel granted (see {@link TunOptions#vnetHdr()}); empty for a device opened
   * without IFF_VNET_HDR. Packets read and written carry a {@link VirtioNetHdr} whenever {@link
   * TunOptions#vnetHdr()} is set, even if this set is empty.
   */
  public Set<TunOffload> offloads() {
    return offloads;
  }

  /** The fd of queue {@code queue} (for tests). */
  int fd(int queue) {
    return queues[queue].fd();
  }

  /** The number of queues (fds). */
  public int queueCount() {
    return queues.length;
  }

  /**
   * The interface MTU, read with ioctl(SIOCGIFMTU).
   *
   * @throws UncheckedIOException if the interface is gone
   */
  @Override
  public int mtu() {
    try {
      int sock = Native.socket(Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
      try {
        Pointer ifr = Native.newIfreq(name);
        Native.ioctl(sock, Native.SIOCGIFMTU, "SIOCGIFMTU, " + name, ifr);
        return ifr.getInt(Native.IFREQ_UNION_OFFSET);
      } finally {
        Native.close(sock);
      }
    } catch (NativeIoException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int headroom() {
    return options.headroom();
  }

  @Override
  public int tailroom() {
    return options.tailroom();
  }

  @Override
  public boolean vnetHdr() {
    return options.vnetHdr();
  }

  @Override
  public WriteResult write(ByteBuf packet) {
    TunQueue q;
    if (queues.length == 1) {
      q = queues[0];
    } else {
      q = readerQueue.getIfExists();
      if (q == null) {
        q = queues[(int) (Thread.currentThread().getId() % queues.length)];
      }
    }
    return q.write(packet);
  }

  /** Like {@link #write(ByteBuf)}, on queue {@code queue}. */
  public WriteResult write(int queue, ByteBuf packet) {
    return queues[queue].write(packet);
  }

  /**
   * Reads one packet from queue {@code queue} into {@code dst} (a direct buffer) at its writer
   * index, without blocking. For callers that drive reading themselves; not allowed once {@link
   * #start} was called.
   *
   * @return the packet length (the writer index advanced by it); 0 if no packet is waiting; -1 if
   *     the packet did not fit (dropped and counted as truncated). The kernel truncates silently,
   *     so a packet that fills all of {@code dst.writableBytes()} counts as not fitting: give
   *     {@code dst} more room than the largest packet (MTU + 1).
   * @throws IOException if the read fails for another reason, or the device is closed
   */
  public int read(int queue, ByteBuf dst) throws IOException {
    synchronized (lock) {
      if (state == State.STARTED) {
        throw new IllegalStateException("read() while the device's readers are running");
      }
    }
    return queues[queue].readOne(dst);
  }

  @Override
  public void start(TunHandler handler) throws IOException {
    Objects.requireNonNull(handler, "handler");
    synchronized (lock) {
      if (state != State.OPEN) {
        throw new IllegalStateException("TUN device " + name + " is " + state);
      }
      int readSize;
      try {
        readSize = readSize();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      checkAllocator();
      for (TunQueue q : queues) {
        q.readSize(readSize);
      }
      ReaderMode mode = resolveMode();
      QueueReader[] started = new QueueReader[queues.length];
      try {
        if (mode == ReaderMode.EPOLL) {
          startEpoll(handler, started);
        } else {
          startPoll(handler, started);
        }
      } catch (IOException | RuntimeException e) {
        stopReaders(started);
        shutdownOwnGroup();
        throw e;
      }
      readers = started;
      activeMode = mode;
      state = State.STARTED;
      log.info("TUN device {}: reading {} queue(s) with {}", name, queues.length, mode);
    }
  }

  /**
   * The largest read: the configured size or the MTU; with IFF_VNET_HDR a header plus a 64 KB
   * super-packet (or the configured size).
   */
  private int readSize() {
    if (options.vnetHdr()) {
      return VirtioNetHdr.LENGTH
          + (options.readBufferSize() > 0 ? options.readBufferSize() : MAX_SUPER_PACKET);
    }
    return options.readBufferSize() > 0 ? options.readBufferSize() : mtu();
  }

  /** Reads go to native addresses: refuse an allocator that cannot give direct buffers. */
  private void checkAllocator() {
    ByteBuf probe = options.allocator().directBuffer(1);
    try {
      if (!probe.isDirect() || !(probe.hasMemoryAddress() || probe.nioBufferCount() == 1)) {
        throw new IllegalArgumentException(
            "TunOptions.allocator must produce direct buffers, got " + probe);
      }
    } finally {
      probe.release();
    }
  }

  private ReaderMode resolveMode() throws IOException {
    return switch (options.readerMode()) {
      case POLL_THREAD -> ReaderMode.POLL_THREAD;
      case EPOLL -> {
        if (!Epoll.isAvailable()) {
          throw new IOException(
              "Netty native epoll is unavailable; use ReaderMode.POLL_THREAD",
              Epoll.unavailabilityCause());
        }
        yield ReaderMode.EPOLL;
      }
      case AUTO -> {
        if (Epoll.isAvailable()) {
          yield ReaderMode.EPOLL;
        }
        if (options.eventLoopGroup() != null) {
          throw new IOException(
              "an event loop group was given but Netty native epoll is unavailable",
              Epoll.unavailabilityCause());
        }
        log.info(
            "Netty native epoll unavailable ({}); reading TUN queues on poll(2) threads",
            String.valueOf(Epoll.unavailabilityCause()));
        yield ReaderMode.POLL_THREAD;
      }
    };
  }

  private void startEpoll(TunHandler handler, QueueReader[] started) throws IOException {
    IoEventLoopGroup group = options.eventLoopGroup();
    if (group == null) {
      ownGroup =
          new MultiThreadIoEventLoopGroup(
              queues.length,
              new DefaultThreadFactory("tun-" + name, true),
              EpollIoHandler.newFactory());
      group = ownGroup;
    }
    for (int i = 0; i < queues.length; i++) {
      IoEventLoop loop = group.next();
      if (!loop.isCompatible(EpollQueueReader.class)) {
        throw new IllegalArgumentException(
            "TunOptions.eventLoopGroup must be an epoll group (MultiThreadIoEventLoopGroup with"
                + " EpollIoHandler.newFactory()), got "
                + loop);
      }
      EpollQueueReader reader = new EpollQueueReader(queues[i], handler, loop, readerQueue);
      reader.register();
      started[i] = reader;
    }
  }

  private void startPoll(TunHandler handler, QueueReader[] started) {
    for (int i = 0; i < queues.length; i++) {
      PollQueueReader reader =
          new PollQueueReader(
              queues[i],
              handler,
              readerQueue,
              options.pollTimeoutMillis(),
              "tun-" + name + "-q" + i);
      reader.start();
      started[i] = reader;
    }
  }

  /** How the queues are read once started: EPOLL or POLL_THREAD; null before {@link #start}. */
  public ReaderMode readerMode() {
    return activeMode;
  }

  /** The event loop reading queue {@code queue}, or null unless started with EPOLL. */
  public IoEventLoop eventLoop(int queue) {
    synchronized (lock) {
      if (readers != null && readers[queue] instanceof EpollQueueReader r) {
        return r.loop();
      }
      return null;
    }
  }

  @Override
  public TunStats stats() {
    return counters.snapshot();
  }

  @Override
  public void close() {
    QueueReader[] toStop;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      toStop = readers;
      readers = null;
    }
    if (toStop != null) {
      stopReaders(toStop);
    }
    for (TunQueue q : queues) {
      q.closeFd();
    }
    synchronized (lock) {
      shutdownOwnGroup();
    }
    log.info("closed TUN device {}", name);
  }

  private static void stopReaders(QueueReader[] readers) {
    for (QueueReader r : readers) {
      if (r != null) {
        r.stop(STOP_TIMEOUT);
      }
    }
  }

  private void shutdownOwnGroup() {
    IoEventLoopGroup group = ownGroup;
    if (group == null) {
      return;
    }
    ownGroup = null;
    io.netty.util.concurrent.Future<?> f = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    boolean onOwnLoop = false;
    for (var executor : group) {
      onOwnLoop |= executor.inEventLoop();
    }
    if (!onOwnLoop && !f.awaitUninterruptibly(STOP_TIMEOUT.toMillis())) {
      log.warn("TUN device {}: event loops did not terminate within {}", name, STOP_TIMEOUT);
    }
  }

  @Override
  public String toString() {
    return "TunDevice(" + name + ", queues=" + queues.length + ")";
  }
}
