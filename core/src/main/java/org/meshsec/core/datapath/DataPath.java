package org.meshsec.core.datapath;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.offload.GroCoalescer;
import org.meshsec.core.offload.GsoSegmenter;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.core.packet.ParseStatus;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SecurityAssociation;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.spd.Spd;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.core.stats.XfrmStats;
import org.meshsec.esp.EspOverhead;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.OpenResult;
import org.meshsec.esp.encap.UdpEncap;
import org.meshsec.tun.VirtioNetHdr;

/**
 * The packet path between the TUN side (clear IP packets) and the UDP side (ESP in UDP, RFC 3948),
 * over the {@link Spd} and the {@link Sad}.
 *
 * <pre>
 *  outbound(ip):  parse -------------------------------- malformed      -&gt; OutError
 *                 Spd.lookup(OUT) ---------------------- none           -&gt; OutNoPols
 *                   DISCARD -&gt; OutPolBlock;  BYPASS -&gt; {@link ClearOut}
 *                   PROTECT -&gt; Sad.outbound(policy, peer) -- no SA       -&gt; queued (LARVAL), ACQUIRE
 *                 tunnel: next header 4 / 41, whole packet;  transport: IP header stripped
 *                 sa.seal (under the SA's lock: seq, IV, pad, encrypt, ICV) -&gt; {@link EspOut}
 *
 *  inbound(udp):  UdpEncap.classify --------------------- keepalive     -&gt; ignored
 *                   IKE -&gt; {@link IkeIn} (marker stripped);  malformed -&gt; InHdrError
 *                 Sad.inbound(spi) ---------------------- unknown       -&gt; InNoStates, {@link UnknownSpi}
 *                                                          LARVAL        -&gt; queued until MATURE
 *                 sa.open (replay check, ICV, decrypt, replay commit; counted by the SA)
 *                 tunnel: inner packet as is;  transport: IP header rebuilt from the SA's selector
 *                 parse inner ---------------------------- malformed     -&gt; InHdrError
 *                 sa.permits(inner) ---------------------- no            -&gt; InTmplMismatch
 *                 {@link InnerOut} (the TUN device)
 * </pre>
 *
 * <p><b>Buffers.</b> {@link #outbound} and {@link #inbound} take ownership of their buffer: it is
 * passed on to exactly one port (which then owns it) or released. ESP is built in place in front of
 * the payload, so TUN buffers should have {@link #HEADROOM} bytes before the packet and {@link
 * #TAILROOM} after it; a buffer without that room is copied once into one that has it.
 *
 * <p><b>Thread-safety.</b> Thread-safe: any number of threads (event loops reading TUN queues and
 * UDP sockets) may call {@link #outbound} and {@link #inbound} at once. Per-thread scratch state
 * (the parsed header, the open result) lives in thread locals; per-SA ordering and the replay
 * window are protected by each SA's lock inside {@link SecurityAssociation#seal} / {@link
 * SecurityAssociation#open}. The LARVAL drains run on the thread that installed the SA. With {@link
 * Builder#decryptWorkers} above 1, {@link #inbound} hands ESP of MATURE SAs to a {@link
 * DecryptPool}: opened on several threads, delivered to the {@link InnerOut} in the order each
 * receiving thread got them, by whichever thread completes the next one (so the {@link InnerOut}
 * must accept calls from any thread); {@link #close} stops it.
 *
 * <p><b>Wiring.</b> The {@link Sad} is built first and given to {@link #builder}; packets it queues
 * on LARVAL SAs and pending acquires reach this path once {@link #drainInbound} and {@link
 * #drainOutbound} are registered with {@link Sad#setDrains}.
 */
public final class DataPath {

  /** Room to leave in front of a TUN packet: ESP header + the largest IV (CBC, 16). */
  public static final int HEADROOM = 8 + 16;

  /** Room to leave after a TUN packet: max padding (15) + pad length + next header + max ICV. */
  public static final int TAILROOM = 15 + 2 + 32;

  /** Where sealed ESP packets go: a UDP socket. Takes ownership of {@code esp}. */
  public interface EspOut {
    /** Queues one datagram (the readable bytes are ESP, starting at the SPI) for the peer. */
    void send(ByteBuf esp, InetAddress peer, int peerPort);

    /** Pushes queued datagrams to the socket (called at the end of a batch). */
    default void flush() {}

    /**
     * The executor whose thread hands datagrams for {@code peer} to the socket synchronously (other
     * threads' sends are queued to it); null if every thread's sends are equal.
     */
    default Executor sendThread(InetAddress peer) {
      return null;
    }
  }

  /** Where decrypted inner packets go: the TUN device. Takes ownership of {@code ip}. */
  @FunctionalInterface
  public interface InnerOut {
    void deliver(ByteBuf ip);
  }

  /** Where BYPASS packets go (sent in the clear over the underlay). Takes ownership. */
  @FunctionalInterface
  public interface ClearOut {
    void send(ByteBuf ip);
  }

  /** Where IKE messages received on the ESP port go (non-ESP marker removed). Takes ownership. */
  @FunctionalInterface
  public interface IkeIn {
    void receive(ByteBuf ike, InetSocketAddress from);
  }

  /**
   * Told about ESP for an SPI we do not know (the "one-sided SA"), so key management can send
   * INVALID_SPI (RFC 7296 section 2.21.4) at a rate it chooses. Must not block.
   */
  @FunctionalInterface
  public interface UnknownSpi {
    void onUnknownSpi(int spi, InetSocketAddress from);
  }

  /** Largest IPv4 + TCP header: the most a segment carries besides its gso_size payload. */
  private static final int MAX_SEGMENT_HEADERS = 60 + 60;

  /** Super-packets announcing more segments than this are dropped (gso_size absurdly small). */
  static final int MAX_SEGMENTS = 1024;

  /** Flows with a GRO run open at once, per thread. */
  static final int GRO_FLOWS = 8;

  private final class Scratch {
    final PacketInfo info = new PacketInfo();
    final PacketInfo inner = new PacketInfo();
    final OpenResult result = new OpenResult();
    ByteBuf[] segments = new ByteBuf[64];
    private GroCoalescer gro;

    GroCoalescer gro() {
      if (gro == null) {
        gro = new GroCoalescer(alloc, GRO_FLOWS);
      }
      return gro;
    }
  }

  private final Spd spd;
  private final Sad sad;
  private final XfrmStats stats;
  private final ByteBufAllocator alloc;
  private final EspOut espOut;
  private final InnerOut innerOut;
  private final ClearOut clearOut;
  private final IkeIn ikeIn;
  private final UnknownSpi unknownSpi;
  private final int pathMtu;
  private final int mssClampMtu;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  private final Consumer<ByteBuf> innerSink;
  private final DecryptPool pool;
  private volatile boolean tunVnetHdr;

  private DataPath(Builder b) {
    this.spd = b.spd;
    this.sad = b.sad;
    this.alloc = b.alloc;
    this.espOut = b.espOut;
    this.innerOut = b.innerOut;
    this.clearOut = b.clearOut;
    this.ikeIn = b.ikeIn;
    this.unknownSpi = b.unknownSpi;
    this.pathMtu = b.pathMtu;
    this.mssClampMtu = b.mssClampMtu;
    this.stats = sad.stats();
    this.innerSink = innerOut::deliver;
    this.pool =
        b.decryptWorkers > 1
            ? new DecryptPool(
                b.decryptWorkers,
                stats,
                new DecryptPool.Delivery() {
                  @Override
                  public void deliver(
                      SecurityAssociation sa, ByteBuf buf, OpenResult r, EspStatus status) {
                    if (sa.openEnd(buf, r, status) != EspStatus.OK) { // counted by the SA
                      buf.release();
                      return;
                    }
                    afterOpen(sa, buf, r, scratch.get());
                  }

                  @Override
                  public void runEnd() {
                    inboundBatchEnd();
                  }
                },
                b.receiverOpens)
            : null;
  }

  /**
   * Starts building a data path over {@code spd} and {@code sad}. Register {@link #drainInbound}
   * and {@link #drainOutbound} with {@link Sad#setDrains} once it is built.
   */
  public static Builder builder(Spd spd, Sad sad) {
    return new Builder(spd, sad);
  }

  public Sad sad() {
    return sad;
  }

  public Spd spd() {
    return spd;
  }

  public XfrmStats stats() {
    return stats;
  }

  /**
   * Tells the path that the TUN device was opened with IFF_VNET_HDR (see {@code
   * org.meshsec.tun.TunOptions#vnetHdr}): from now on {@link #fromTun} expects a virtio_net_hdr in
   * front of every read, and every packet given to the {@link InnerOut} carries one (received TCP
   * segments coalesced into super-packets by {@link GroCoalescer} until {@link #inboundBatchEnd}).
   * Call before the TUN device is started.
   */
  public void tunVnetHdr(boolean on) {
    this.tunVnetHdr = on;
  }

  /** Whether {@link #tunVnetHdr} is on. */
  public boolean tunVnetHdr() {
    return tunVnetHdr;
  }

  // ------------------------------------------------------------------ outbound

  /**
   * Processes one read from the TUN device. Takes ownership of {@code read}. Without {@link
   * #tunVnetHdr} it is one IP packet ({@link #outbound}); with it, a virtio_net_hdr and a packet
   * that may be a TCP/UDP super-packet, which {@link GsoSegmenter} cuts into segments first. Each
   * segment then takes the path of one packet, in order, so one SA seals them with consecutive
   * sequence numbers.
   */
  public void fromTun(ByteBuf read) {
    if (!tunVnetHdr) {
      outbound(read);
      return;
    }
    int hdr = read.readerIndex();
    int length = read.readableBytes() - VirtioNetHdr.LENGTH;
    if (length < 1) {
      stats.increment(XfrmStat.OUT_ERROR);
      read.release();
      return;
    }
    if (!GsoSegmenter.isSuperPacket(read, hdr)) {
      if (GsoSegmenter.completeInPlace(read, hdr, length) < 0) {
        stats.increment(XfrmStat.OUT_ERROR);
        read.release();
        return;
      }
      read.skipBytes(VirtioNetHdr.LENGTH);
      outbound(read);
      return;
    }
    int max = GsoSegmenter.maxSegments(read, hdr, length);
    if (max > MAX_SEGMENTS) {
      stats.increment(XfrmStat.OUT_ERROR);
      read.release();
      return;
    }
    Scratch s = scratch.get();
    if (s.segments.length < max) {
      s.segments = new ByteBuf[Math.max(max, 2 * s.segments.length)];
    }
    ByteBuf[] out = s.segments;
    int room =
        Math.min(length, VirtioNetHdr.gsoSize(read, hdr) + MAX_SEGMENT_HEADERS)
            + HEADROOM
            + TAILROOM;
    for (int i = 0; i < max; i++) {
      ByteBuf b;
      try {
        b = alloc.directBuffer(room);
      } catch (OutOfMemoryError e) { // the pool's direct memory limit: drop this read, counted
        for (int j = 0; j < i; j++) {
          out[j].release();
          out[j] = null;
        }
        read.release();
        stats.increment(XfrmStat.OUT_ERROR);
        return;
      }
      b.setIndex(HEADROOM, HEADROOM);
      out[i] = b;
    }
    int n;
    try {
      n = GsoSegmenter.segment(read, hdr, length, out, 0);
    } finally {
      read.release();
    }
    if (n < 0) {
      stats.increment(XfrmStat.OUT_ERROR);
      n = 0;
    }
    for (int i = n; i < max; i++) {
      out[i].release();
      out[i] = null;
    }
    for (int i = 0; i < n; i++) {
      ByteBuf seg = out[i];
      out[i] = null;
      outbound(seg);
    }
  }

  /** Processes one IP packet read from the TUN device. Takes ownership of {@code ip}. */
  public void outbound(ByteBuf ip) {
    PacketInfo info = scratch.get().info;
    if (info.parse(ip) != ParseStatus.OK) {
      stats.increment(XfrmStat.OUT_ERROR);
      ip.release();
      return;
    }
    trimToIpLength(ip, info);
    Policy p = spd.lookup(Direction.OUT, info);
    if (p == null) {
      stats.increment(XfrmStat.OUT_NO_POLS);
      ip.release();
      return;
    }
    switch (p.action()) {
      case DISCARD -> {
        stats.increment(XfrmStat.OUT_POL_BLOCK);
        ip.release();
      }
      case BYPASS -> {
        if (clearOut == null) {
          stats.increment(XfrmStat.OUT_BYPASS_DROPPED);
          ip.release();
        } else {
          clearOut.send(ip);
        }
      }
      case PROTECT -> {
        SecurityAssociation sa = sad.outbound(p, p.template().peer(), ip);
        if (sa != null) {
          sealAndSend(sa, ip, info);
        }
      }
    }
  }

  /**
   * Where {@link #drainOutbound} should run for {@code peer} (for {@link Sad#setDrains(
   * org.meshsec.core.sad.LarvalDrain, org.meshsec.core.sad.LarvalDrain,
   * java.util.function.Function)}): the UDP side's sending thread for that peer, so that drained
   * packets reach the socket before the ones sent once the fast path opens.
   */
  public Executor drainThread(InetAddress peer) {
    return espOut.sendThread(peer);
  }

  /** Flushes the UDP side; call after a batch of {@link #outbound} calls. */
  public void flush() {
    espOut.flush();
  }

  /**
   * The SAD's outbound {@link org.meshsec.core.sad.LarvalDrain}: seals and sends a packet that
   * waited on an acquire, now that its SA is installed. Takes ownership of {@code ip}.
   */
  public void drainOutbound(SecurityAssociation sa, ByteBuf ip) {
    PacketInfo info = scratch.get().info;
    if (info.parse(ip) != ParseStatus.OK) { // parsed before queueing; cannot fail unless mutated
      stats.increment(XfrmStat.OUT_ERROR);
      ip.release();
      return;
    }
    sealAndSend(sa, ip, info);
    espOut.flush();
  }

  private void sealAndSend(SecurityAssociation sa, ByteBuf ip, PacketInfo info) {
    if (pathMtu > 0) {
      int outerVersion = sa.peer() instanceof java.net.Inet4Address ? 4 : 6;
      int limit = EspOverhead.maxInnerPacket(pathMtu, sa.suite(), sa.mode(), outerVersion);
      if (ip.readableBytes() > limit) {
        ByteBuf icmp = MtuGuard.tooBig(alloc, ip, info, limit);
        if (icmp != null) {
          stats.increment(XfrmStat.OUT_PKT_TOO_BIG);
          ip.release();
          deliverWhole(icmp); // back into the TUN, to the sender: path-MTU discovery
          return;
        }
        // IPv4 without DF: sent anyway; the kernel fragments the outer UDP datagram
      }
    }
    if (mssClampMtu > 0) {
      MtuGuard.clampMss(ip, info, mssClampMtu - (info.version == 4 ? 40 : 60));
    }
    int nextHeader;
    if (sa.mode() == IpsecMode.TUNNEL) {
      nextHeader = info.version == 4 ? 4 : 41; // IP-in-IP / IPv6 (RFC 4303 section 2.6)
    } else {
      ip.skipBytes(info.l4Offset); // transport mode: the IP header is rebuilt by the receiver
      nextHeader = info.protocol;
    }
    int head = sa.suite().headerLength();
    int tail = sa.suite().maxTrailerLength();
    ByteBuf buf = ip;
    if (ip.readerIndex() < head || ip.capacity() - ip.writerIndex() < tail) {
      buf = withRoom(ip, head, tail);
    }
    EspStatus st = sa.seal(buf, nextHeader);
    if (st != EspStatus.OK) { // counted by the SA
      buf.release();
      return;
    }
    espOut.send(buf, sa.peer(), sa.peerPort());
  }

  // ------------------------------------------------------------------ inbound

  /** Processes one UDP payload received on the ESP port. Takes ownership of {@code datagram}. */
  public void inbound(ByteBuf datagram, InetSocketAddress from) {
    switch (UdpEncap.classify(datagram)) {
      case KEEPALIVE -> datagram.release();
      case MALFORMED -> {
        stats.increment(XfrmStat.IN_HDR_ERROR);
        datagram.release();
      }
      case IKE -> {
        datagram.skipBytes(UdpEncap.NON_ESP_MARKER_LENGTH);
        ikeIn.receive(datagram, from);
      }
      case ESP -> {
        int spi = UdpEncap.spi(datagram);
        SecurityAssociation sa = sad.inbound(spi, datagram);
        if (sa != null) {
          if (pool != null) {
            pool.submit(sa, datagram); // opened in parallel, delivered in order
          } else {
            openAndDeliver(sa, datagram);
          }
        } else if (sad.findInbound(spi) == null) {
          unknownSpi.onUnknownSpi(spi, from); // counted InNoStates and released by the SAD
        }
      }
    }
  }

  /**
   * The SAD's inbound {@link org.meshsec.core.sad.LarvalDrain}: opens and delivers ESP that waited
   * on a LARVAL SA, now that it is MATURE. Takes ownership of {@code esp}.
   */
  public void drainInbound(SecurityAssociation sa, ByteBuf esp) {
    openAndDeliver(sa, esp);
    inboundBatchEnd();
  }

  /**
   * Ends a batch of {@link #inbound} calls on this thread: with {@link #tunVnetHdr}, writes the
   * super-packets coalesced so far to the TUN device. Call at the end of each UDP read batch, on
   * the thread that made the calls.
   */
  public void inboundBatchEnd() {
    if (tunVnetHdr) {
      scratch.get().gro().flush(innerSink);
    }
  }

  /**
   * The receiver to give {@link UdpTransport#start}: each datagram to {@link #inbound}, and {@link
   * #inboundBatchEnd} at the end of each read batch.
   */
  public UdpTransport.Receiver udpReceiver() {
    return new UdpTransport.Receiver() {
      @Override
      public void receive(ByteBuf payload, InetSocketAddress sender) {
        inbound(payload, sender);
      }

      @Override
      public void batchEnd() {
        if (pool != null) {
          pool.batchEnd();
        }
        inboundBatchEnd();
      }
    };
  }

  /**
   * Threads that open ESP: 1 when each packet is opened on the thread that received it; more with
   * {@link Builder#decryptWorkers}.
   */
  public int decryptWorkers() {
    return pool == null ? 1 : pool.helpers() + 1;
  }

  /**
   * Ends a UDP read batch of the calling thread when {@link #inbound} is called directly rather
   * than through {@link #udpReceiver}: with {@link Builder#decryptWorkers}, opens and delivers what
   * this thread queued (helpers deliver the rest); then {@link #inboundBatchEnd}.
   */
  public void inboundReadComplete() {
    if (pool != null) {
      pool.batchEnd();
    }
    inboundBatchEnd();
  }

  /** Datagrams dropped because the decrypt pool's queue of their receiving thread was full. */
  public long decryptQueueDrops() {
    return pool == null ? 0 : pool.dropped();
  }

  /** Datagrams in the decrypt pool, queued and not yet delivered (tests). */
  long decryptInFlight() {
    return pool == null ? 0 : pool.inFlight();
  }

  /** The decrypt pool's helper threads still running (tests). */
  int decryptHelpersAlive() {
    return pool == null ? 0 : pool.helpersAlive();
  }

  /** Datagrams opened by the decrypt pool's helper threads. */
  public long decryptedByHelpers() {
    return pool == null ? 0 : pool.openedByHelpers();
  }

  /**
   * Stops the decrypt pool's threads and releases the packets still in it. Call after the UDP
   * sockets are closed. Idempotent; nothing to do without {@link Builder#decryptWorkers}.
   */
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private void openAndDeliver(SecurityAssociation sa, ByteBuf esp) {
    Scratch s = scratch.get();
    OpenResult r = s.result;
    r.clear();
    if (sa.open(esp, r) != EspStatus.OK) { // counted by the SA
      esp.release();
      return;
    }
    afterOpen(sa, esp, r, s);
  }

  /** The path of an opened packet ({@code esp}: the decrypted payload) to the TUN side. */
  private void afterOpen(SecurityAssociation sa, ByteBuf esp, OpenResult r, Scratch s) {
    int nh = r.nextHeader;
    if (nh == 59) { // "no next header": a dummy packet for traffic flow confidentiality
      esp.release();
      return;
    }
    ByteBuf ip = esp;
    if (sa.mode() == IpsecMode.TUNNEL) {
      if (nh != 4 && nh != 41) {
        sa.policyMismatch();
        stats.increment(XfrmStat.IN_TMPL_MISMATCH); // not an IP packet: cannot match the SA
        esp.release();
        return;
      }
    } else {
      ip = rebuildHeader(esp, sa.selector(), nh);
    }
    PacketInfo inner = s.inner;
    if (inner.parse(ip) != ParseStatus.OK
        || (sa.mode() == IpsecMode.TUNNEL && inner.version != (nh == 4 ? 4 : 6))) {
      stats.increment(XfrmStat.IN_HDR_ERROR);
      ip.release();
      return;
    }
    trimToIpLength(ip, inner);
    if (!sa.permits(inner)) {
      sa.policyMismatch();
      stats.increment(XfrmStat.IN_TMPL_MISMATCH);
      ip.release();
      return;
    }
    if (mssClampMtu > 0) {
      MtuGuard.clampMss(ip, inner, mssClampMtu - (inner.version == 4 ? 40 : 60));
    }
    if (tunVnetHdr) {
      s.gro().add(ip, innerSink); // flushed by inboundBatchEnd
    } else {
      innerOut.deliver(ip);
    }
  }

  /** Delivers one whole packet to the TUN side, behind a zero virtio_net_hdr if it needs one. */
  private void deliverWhole(ByteBuf ip) {
    if (!tunVnetHdr) {
      innerOut.deliver(ip);
      return;
    }
    ByteBuf buf =
        ip.readerIndex() >= VirtioNetHdr.LENGTH ? ip : withRoom(ip, VirtioNetHdr.LENGTH, 0);
    int at = buf.readerIndex() - VirtioNetHdr.LENGTH;
    VirtioNetHdr.setNone(buf, at);
    buf.readerIndex(at);
    innerOut.deliver(buf);
  }

  /**
   * Transport mode on receipt: puts an IP header in front of the transport segment, with the
   * addresses of the SA's selector (for an inbound SA, {@code src} is the peer). The sender's
   * transport checksum was computed over the same addresses, so it stays valid.
   */
  private ByteBuf rebuildHeader(ByteBuf seg, Selector sel, int protocol) {
    IpPrefix src = sel.src();
    IpPrefix dst = sel.dst();
    int hl = src.version() == 4 ? 20 : 40;
    ByteBuf buf = seg.readerIndex() >= hl ? seg : withRoom(seg, hl, 0);
    int len = buf.readableBytes();
    int at = buf.readerIndex() - hl;
    if (src.version() == 4) {
      buf.setByte(at, 0x45);
      buf.setByte(at + 1, 0);
      buf.setShort(at + 2, hl + len);
      buf.setShort(at + 4, 0); // identification: DF is set, so unused (RFC 6864)
      buf.setShort(at + 6, 0x4000); // DF
      buf.setByte(at + 8, 64);
      buf.setByte(at + 9, protocol);
      buf.setShort(at + 10, 0);
      buf.setInt(at + 12, (int) src.lo());
      buf.setInt(at + 16, (int) dst.lo());
      Checksums.setIpv4HeaderChecksum(buf, at);
    } else {
      buf.setInt(at, 0x60000000);
      buf.setShort(at + 4, len);
      buf.setByte(at + 6, protocol);
      buf.setByte(at + 7, 64);
      buf.setLong(at + 8, src.hi());
      buf.setLong(at + 16, src.lo());
      buf.setLong(at + 24, dst.hi());
      buf.setLong(at + 32, dst.lo());
    }
    buf.readerIndex(at);
    return buf;
  }

  // ------------------------------------------------------------------ helpers

  /** Drops bytes after the IP packet's own length (link-layer padding, a buggy sender). */
  private static void trimToIpLength(ByteBuf ip, PacketInfo info) {
    if (ip.readableBytes() > info.totalLength) {
      ip.writerIndex(ip.readerIndex() + info.totalLength);
    }
  }

  /** Copies the readable bytes into a new buffer with the given room; releases the old one. */
  private ByteBuf withRoom(ByteBuf src, int head, int tail) {
    int len = src.readableBytes();
    ByteBuf dst = alloc.directBuffer(head + len + tail);
    dst.writerIndex(head).writeBytes(src, src.readerIndex(), len).readerIndex(head);
    src.release();
    return dst;
  }

  /** Builds a {@link DataPath}. */
  public static final class Builder {
    private final Spd spd;
    private final Sad sad;
    private ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private EspOut espOut;
    private InnerOut innerOut;
    private ClearOut clearOut;
    private IkeIn ikeIn = (ike, from) -> ike.release();
    private UnknownSpi unknownSpi = (spi, from) -> {};
    private int pathMtu;
    private int mssClampMtu;
    private int decryptWorkers = 1;
    private boolean receiverOpens = true;

    private Builder(Spd spd, Sad sad) {
      this.spd = spd;
      this.sad = sad;
    }

    public Builder allocator(ByteBufAllocator alloc) {
      this.alloc = alloc;
      return this;
    }

    public Builder espOut(EspOut espOut) {
      this.espOut = espOut;
      return this;
    }

    public Builder innerOut(InnerOut innerOut) {
      this.innerOut = innerOut;
      return this;
    }

    /**
     * Where BYPASS packets that reach the data path go; by default (null) they are dropped and
     * counted as XfrmOutBypassDropped.
     */
    public Builder clearOut(ClearOut clearOut) {
      this.clearOut = clearOut;
      return this;
    }

    public Builder ikeIn(IkeIn ikeIn) {
      this.ikeIn = ikeIn;
      return this;
    }

    public Builder unknownSpi(UnknownSpi unknownSpi) {
      this.unknownSpi = unknownSpi;
      return this;
    }

    /**
     * The underlay path MTU: a packet that would not fit once wrapped in ESP in UDP gets an ICMP
     * "fragmentation needed" (IPv4 with DF) or ICMPv6 "packet too big" back into the TUN. 0 (the
     * default) disables the check.
     */
    public Builder pathMtu(int pathMtu) {
      this.pathMtu = pathMtu;
      return this;
    }

    /**
     * Clamps the MSS option of TCP SYNs crossing the tunnel (both ways) to fit a TUN MTU of {@code
     * tunMtu}; 0 (the default) disables clamping.
     */
    public Builder mssClamp(int tunMtu) {
      this.mssClampMtu = tunMtu;
      return this;
    }

    /**
     * Threads that open the ESP of one receiving thread ({@code [datapath] decrypt_workers}): 1
     * (the default) opens each packet on the thread that received it; {@code n > 1} adds a {@link
     * DecryptPool} of {@code n - 1} helper threads, which open packets in parallel while each
     * receiving thread's packets are delivered in the order received. Call {@link DataPath#close}
     * at shutdown.
     */
    public Builder decryptWorkers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("decrypt workers must be at least 1: " + n);
      }
      this.decryptWorkers = n;
      return this;
    }

    /** Tests: the receiving threads leave all opening to the decrypt pool's helpers. */
    Builder receiverOpens(boolean on) {
      this.receiverOpens = on;
      return this;
    }

    public DataPath build() {
      if (espOut == null || innerOut == null) {
        throw new IllegalStateException("espOut and innerOut are required");
      }
      return new DataPath(this);
    }
  }
}
