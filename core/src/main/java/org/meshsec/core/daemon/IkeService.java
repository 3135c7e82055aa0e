package org.meshsec.core.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoopGroup;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.sad.ExpireCause;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SadEvent;
import org.meshsec.core.sad.SadStatus;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.spd.Spd;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.port.ChildSaInstall;
import org.meshsec.ike.port.ExecutorScheduler;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.IkeNetwork;
import org.meshsec.ike.port.IpsecPort;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKEv2 side of a {@link Daemon}: the {@link IkeEngine} of the ike module, wired to the
 * daemon's SAD and sockets, as strongSwan's charon is wired to a kernel backend.
 *
 * <pre>
 *  engine -&gt; IpsecPort      getSpi  -&gt; Sad.getSpi (LARVAL inbound SA)
 *                            install -&gt; Sad.update (inbound, LARVAL -&gt; MATURE) + Sad.add (outbound;
 *                                       drains the packets queued on the acquire)
 *                            delete  -&gt; Sad.delete, both directions
 *  engine -&gt; IkeNetwork     port 500:  the IKE socket ({@code [listen] ike_port}), bound here
 *                            port 4500: the daemon's ESP socket, with the non-ESP marker (RFC 3948)
 *  IKE socket, DataPath.IkeIn (4500, marker stripped) -&gt; IkeEngine.receive
 *  SAD events:  ACQUIRE -&gt; acquire (policies whose peer's start_action is start or trap)
 *               SOFT / HARD expire -&gt; expire (by the pair's inbound SPI)
 *  DataPath.UnknownSpi -&gt; unknownSpi (INVALID_SPI, rate-limited by the engine)
 * </pre>
 *
 * <p>Every SAD policy negotiated with IKE becomes one {@link ChildConfig} of its peer: its OUT
 * policy's id is the Child SA's {@code policyRef} (the SAD finds outbound SAs by policy id and
 * peer), its selector gives the traffic selector templates, the peer its proposals and lifetimes. A
 * negotiated selector that is not exactly one prefix (with one protocol and port range) cannot be
 * represented in the SAD: such a pair is refused (not widened), logged, and deleted with the peer.
 *
 * <p>Threads: the engine runs on its own small pool ({@code meshsec-ike-N}); SAD events, which
 * arrive on data-path threads possibly under an SA's lock, are handed to that pool and never
 * processed inline. Received datagrams are given to the engine on the socket's event loop (it only
 * decodes the header and queues the work on the IKE SA's executor). Thread-safe.
 */
public final class IkeService implements IpsecPort, IkeNetwork, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IkeService.class);

  private final NodeConfig config;
  private final Sad sad;
  private final ScheduledThreadPoolExecutor pool;
  private final IkeEngine engine;
  private final int ikePort;
  private final int nattPort;
  private final UdpTransport natt;
  private final UdpTransport ikeSocket;
  private final List<AuthConfig> auths = new ArrayList<>();

  /** OUT policy id (the Child SA's policyRef) -> the mirrored IN policy's id. */
  private final Map<Long, Long> inPolicyOf = new HashMap<>();

  /** OUT policy id -> the start action of its peer. */
  private final Map<Long, StartAction> startOf = new HashMap<>();

  /** Lifecycle events of the engine's IKE SAs, for the control commands that wait on them. */
  private final IkeListeners listeners = new IkeListeners();

  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong installed = new AtomicLong();
  private volatile boolean closed;

  private IkeService(NodeConfig config, Spd spd, Sad sad, UdpTransport natt, IoEventLoopGroup group)
      throws IOException {
    this.config = config;
    this.sad = sad;
    this.natt = natt;
    this.ikePort = config.listen().ikePort();
    this.nattPort = config.listen().port();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = new Thread(r, "meshsec-ike-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    List<PeerConfig> peers = new ArrayList<>();
    for (IkePeer p : config.peers()) {
      peers.add(peerConfig(p, spd));
    }
    EngineSettings settings =
        new EngineSettings(
            ikePort,
            nattPort,
            EngineSettings.DEFAULT.halfOpenLimit(),
            EngineSettings.DEFAULT.cookieThreshold(),
            EngineSettings.DEFAULT.halfOpenTimeout(),
            EngineSettings.DEFAULT.retransmit(),
            EngineSettings.DEFAULT.maxMessageLength(),
            EngineSettings.DEFAULT.fragmentation(),
            EngineSettings.DEFAULT.nonceLength());
    this.engine =
        IkeEngine.builder()
            .settings(settings)
            .peers(peers)
            .network(this)
            .ipsec(this)
            .scheduler(new ExecutorScheduler(pool, Clock.systemUTC()))
            .random(new SecureRandom())
            .listener(listeners)
            .build();
    UdpTransport bound;
    try {
      bound =
          UdpTransport.bind(
              group,
              config.listen().ikeEndpoints(),
              (payload, from) -> receive(payload, from, true));
    } catch (IOException e) {
      pool.shutdownNow();
      throw e;
    }
    this.ikeSocket = bound;
  }

  /**
   * Builds the engine for {@code config}'s peers and binds the IKE port. Nothing is initiated until
   * {@link #start()}.
   *
   * @param spd the SPD holding the configuration's policies (their ids are the Child SAs'
   *     policyRefs)
   * @param natt the daemon's ESP-in-UDP socket, shared for IKE on the NAT-T port
   * @throws IOException when the IKE port cannot be bound
   */
  public static IkeService create(
      NodeConfig config, Spd spd, Sad sad, UdpTransport natt, IoEventLoopGroup group)
      throws IOException {
    return new IkeService(config, spd, sad, natt, group);
  }

  /** Initiates the peers whose start_action is "start". */
  public void start() {
    engine.start();
    log.info(
        "IKE up: {} peer(s), IKE port {}, NAT-T port {}", config.peers().size(), ikePort, nattPort);
  }

  // ---------------------------------------------------------------- configuration

  private PeerConfig peerConfig(IkePeer p, Spd spd) {
    AuthConfig auth;
    if (p.auth() instanceof IkePeer.Auth.Psk psk) {
      byte[] k = psk.key().copy();
      try {
        auth = AuthConfig.Psk.of(k);
      } finally {
        Arrays.fill(k, (byte) 0);
      }
    } else {
      IkePeer.Auth.PubKey pk = (IkePeer.Auth.PubKey) p.auth();
      auth = new AuthConfig.PubKey(pk.privateKey(), pk.certificates(), pk.roots(), pk.pinned());
    }
    auths.add(auth);
    PeerConfig.Builder b =
        PeerConfig.builder(p.name())
            .localAddress(p.local())
            .remoteAddress(p.address())
            .remotePort(p.port())
            .localId(p.localId())
            .remoteId(p.remoteId())
            .auth(auth)
            .ikeLifetime(p.ikeLifetime())
            .dpd(p.dpd())
            .forceEncap(true);
    p.ikeProposals().forEach(b::ikeProposals);
    for (String name : p.policies()) {
      Policy out = policy(spd, name, Direction.OUT);
      Policy in = policy(spd, name, Direction.IN);
      inPolicyOf.put(out.id(), in.id());
      startOf.put(out.id(), p.startAction());
      Selector sel = out.selector();
      ChildConfig.Builder c =
          ChildConfig.builder(name)
              .policyRef(out.id())
              .localTs(ts(sel.src(), sel.protocol(), sel.srcPorts()))
              .remoteTs(ts(sel.dst(), sel.protocol(), sel.dstPorts()))
              .mode(out.template().mode())
              .lifetime(p.espLifetime())
              .startAction(p.startAction());
      p.espProposals().forEach(c::proposals);
      b.child(c.build());
    }
    return b.build();
  }

  private static Policy policy(Spd spd, String name, Direction d) {
    return spd.policies().stream()
        .filter(x -> x.name().equals(name) && x.direction() == d)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("policy " + name + "/" + d + " not in SPD"));
  }

  /** A prefix, protocol and port range as an IKE traffic selector (RFC 7296 section 3.13.1). */
  static TsRange ts(IpPrefix prefix, int protocol, PortRange ports) {
    byte[] lo = prefix.address().getAddress();
    byte[] hi = lo.clone();
    int bits = lo.length * 8;
    for (int i = prefix.length(); i < bits; i++) {
      hi[i / 8] |= (byte) (0x80 >>> (i % 8));
    }
    return new TsRange(address(lo), address(hi), protocol, ports.from(), ports.to());
  }

  /** The prefix a range is exactly, or null (a range like 10.0.0.1..10.0.0.6 is none). */
  static IpPrefix prefixOf(TsRange ts) {
    BigInteger start = new BigInteger(1, ts.start().getAddress());
    BigInteger end = new BigInteger(1, ts.end().getAddress());
    BigInteger size = end.subtract(start).add(BigInteger.ONE);
    if (size.bitCount() != 1) {
      return null; // not a power of two
    }
    int hostBits = size.bitLength() - 1;
    if (start.getLowestSetBit() < hostBits && start.signum() != 0) {
      return null; // not aligned
    }
    int bits = ts.start().getAddress().length * 8;
    return IpPrefix.of(ts.start(), bits - hostBits);
  }

  /**
   * The SAD selector (OUT direction: src is our side) of a negotiated pair, or an explanation of
   * why it has none.
   */
  static Object selectorOf(List<TsRange> local, List<TsRange> remote) {
    if (local.size() != 1 || remote.size() != 1) {
      return "more than one traffic selector per side (" + local + " === " + remote + ")";
    }
    TsRange l = local.get(0);
    TsRange r = remote.get(0);
    IpPrefix src = prefixOf(l);
    IpPrefix dst = prefixOf(r);
    if (src == null || dst == null) {
      return "a traffic selector that is not exactly one prefix ("
          + (src == null ? l : r)
          + "); meshsec does not widen selectors";
    }
    if (src.version() != dst.version()) {
      return "selectors of two IP versions";
    }
    if (l.protocol() != 0 && r.protocol() != 0 && l.protocol() != r.protocol()) {
      return "two protocols " + l.protocol() + " and " + r.protocol();
    }
    int protocol = l.protocol() != 0 ? l.protocol() : r.protocol();
    PortRange sp = new PortRange(l.startPort(), l.endPort());
    PortRange dp = new PortRange(r.startPort(), r.endPort());
    if ((!sp.isAny() && l.protocol() == 0) || (!dp.isAny() && r.protocol() == 0)) {
      return "ports without a protocol";
    }
    try {
      return new Selector(src, dst, protocol, sp, dp, -1, -1);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** A traffic selector for people: {@code 10.9.0.0/24}, {@code 10.0.0.1..10.0.0.6[tcp/80]}. */
  public static String format(TsRange ts) {
    IpPrefix p = prefixOf(ts);
    String addr =
        p == null ? ts.start().getHostAddress() + ".." + ts.end().getHostAddress() : p.toString();
    boolean anyPorts = ts.startPort() == 0 && ts.endPort() == 0xFFFF;
    if (ts.protocol() == 0 && anyPorts) {
      return addr;
    }
    String ports =
        anyPorts
            ? ""
            : "/" + ts.startPort() + (ts.startPort() == ts.endPort() ? "" : "-" + ts.endPort());
    return addr + "[" + ts.protocol() + ports + "]";
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes
    }
  }

  // ---------------------------------------------------------------- IpsecPort

  @Override
  public int getSpi(InetAddress local, InetAddress peer) {
    return sad.getSpi(local, peer);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the pair is refused: selectors the SAD cannot represent
   *     exactly, or an SA the SAD does not take (the reason is logged)
   */
  @Override
  public void install(ChildSaInstall sa) {
    Object sel = selectorOf(sa.localTs(), sa.remoteTs());
    if (!(sel instanceof Selector out)) {
      refuse(sa, String.valueOf(sel));
      return;
    }
    IpsecMode mode = sa.mode();
    InetAddress local = sa.local().getAddress();
    InetAddress peer = sa.remote().getAddress();
    SaLifetime soft = sa.soft();
    SaLifetime hard = sa.hard();
    long inPolicy = inPolicyOf.getOrDefault(sa.policyRef(), sa.policyRef());
    byte[] inKey = sa.inboundKeys().copy();
    byte[] outKey = sa.outboundKeys().copy();
    try {
      SaSpec in =
          new SaSpec(
              Direction.IN,
              sa.inboundSpi(),
              local,
              sa.local().getPort(),
              peer,
              sa.remote().getPort(),
              mode,
              out.reverse(),
              inPolicy,
              sa.suite(),
              inKey,
              sa.esn(),
              EspSaParams.DEFAULT_REPLAY_WINDOW,
              soft,
              hard);
      SadStatus st = sad.update(in);
      if (st == SadStatus.NO_SUCH_SA) {
        // the LARVAL SA from getSpi timed out (acquire timeout) while IKE was still at it
        st = sad.add(in);
      }
      if (st != SadStatus.OK) {
        refuse(sa, "inbound SA: " + st);
        return;
      }
      SaSpec o =
          new SaSpec(
              Direction.OUT,
              sa.outboundSpi(),
              local,
              sa.local().getPort(),
              peer,
              sa.remote().getPort(),
              mode,
              out,
              sa.policyRef(),
              sa.suite(),
              outKey,
              sa.esn(),
              0,
              soft,
              hard);
      st = sad.add(o);
      if (st != SadStatus.OK) {
        sad.delete(Direction.IN, sa.inboundSpi(), null);
        refuse(sa, "outbound SA: " + st);
        return;
      }
      installed.incrementAndGet();
      log.debug("installed {}", sa);
    } finally {
      Arrays.fill(inKey, (byte) 0);
      Arrays.fill(outKey, (byte) 0);
    }
  }

  /**
   * Refuses a pair: nothing of it stays in the SAD, and the exception tells the engine, which fails
   * the negotiation (NO_ADDITIONAL_SAS to a requesting peer) and releases the inbound SPI.
   */
  private void refuse(ChildSaInstall sa, String reason) {
    refused.incrementAndGet();
    log.warn("refusing to install Child SA {}: {}", sa, reason);
    sad.delete(Direction.IN, sa.inboundSpi(), null);
    throw new IllegalArgumentException("Child SA " + sa.name() + " refused: " + reason);
  }

  @Override
  public void delete(int inboundSpi, int outboundSpi, InetAddress peer) {
    sad.delete(Direction.IN, inboundSpi, null);
    if (outboundSpi != 0) {
      sad.delete(Direction.OUT, outboundSpi, peer);
    }
  }

  // ---------------------------------------------------------------- IkeNetwork

  @Override
  public void send(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    if (closed) {
      return;
    }
    if (local.getPort() == nattPort) {
      ByteBuf b = Unpooled.buffer(4 + datagram.length);
      b.writeInt(0); // the non-ESP marker, RFC 3948 section 2.2
      b.writeBytes(datagram);
      natt.sendRaw(b, local.getAddress(), remote);
    } else if (local.getPort() == ikePort) {
      ikeSocket.sendRaw(Unpooled.wrappedBuffer(datagram.clone()), local.getAddress(), remote);
    } else {
      log.warn("IKE datagram from unknown local port {} dropped", local);
    }
  }

  /**
   * An IKE datagram received on the NAT-T port (non-ESP marker already removed), from {@link
   * org.meshsec.core.datapath.DataPath.IkeIn}. Takes ownership of {@code ike}.
   */
  public void receiveNatt(ByteBuf ike, InetSocketAddress from) {
    receive(ike, from, false);
  }

  private void receive(ByteBuf payload, InetSocketAddress from, boolean ikePortSocket) {
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(payload);
    } finally {
      payload.release();
    }
    if (closed) {
      return;
    }
    UdpTransport t = ikePortSocket ? ikeSocket : natt;
    int port = ikePortSocket ? ikePort : nattPort;
    InetAddress local = localFor(from.getAddress(), t);
    engine.receive(bytes, new InetSocketAddress(local, port), from);
  }

  /**
   * Our address a datagram from {@code remote} arrived on: the socket's own address when it is
   * bound to one; behind a wildcard socket, the local address configured for that peer, else the
   * node's address of that family.
   */
  private InetAddress localFor(InetAddress remote, UdpTransport t) {
    boolean v4 = remote instanceof Inet4Address;
    InetAddress only = null;
    int count = 0;
    if (t != null) {
      for (InetSocketAddress a : t.localAddresses()) {
        if ((a.getAddress() instanceof Inet4Address) == v4 && !a.getAddress().isAnyLocalAddress()) {
          only = a.getAddress();
          count++;
        }
      }
    }
    if (count == 1) {
      return only;
    }
    for (IkePeer p : config.peers()) {
      if (p.address().equals(remote)) {
        return p.local();
      }
    }
    return config
        .node()
        .address(v4 ? 4 : 6)
        .orElse(only != null ? only : address(new byte[v4 ? 4 : 16]));
  }

  // ---------------------------------------------------------------- SAD and data-path events

  /** The SAD's listener: events are handed to the IKE pool, never processed inline. */
  public void onSadEvent(SadEvent e) {
    if (closed) {
      return;
    }
    if (e instanceof SadEvent.Acquire a) {
      StartAction sa = startOf.get(a.policy().id());
      if (sa == null) {
        return; // a manually keyed policy
      }
      if (sa == StartAction.NONE) {
        log.debug("acquire for {}: start_action none, not negotiating", a.policy().name());
        return;
      }
      pool.execute(() -> engine.acquire(a.policy().id(), a.peer()));
    } else if (e instanceof SadEvent.SoftExpire s) {
      expire(s.sa(), ExpireKind.SOFT);
    } else if (e instanceof SadEvent.HardExpire h && h.cause() != ExpireCause.LARVAL_TIMEOUT) {
      expire(h.sa(), ExpireKind.HARD);
    }
  }

  private void expire(SaInfo sa, ExpireKind kind) {
    if (!startOf.containsKey(sa.policyId()) && !inPolicyOf.containsValue(sa.policyId())) {
      return; // not negotiated by IKE
    }
    pool.execute(
        () -> {
          int spi = sa.direction() == Direction.IN ? sa.spi() : inboundOf(sa.spi(), sa.peer());
          if (spi != 0) {
            engine.expire(spi, kind);
          }
        });
  }

  private int inboundOf(int outboundSpi, InetAddress peer) {
    for (IkeSaInfo ike : engine.list()) {
      if (!ike.remote().getAddress().equals(peer)) {
        continue;
      }
      for (ChildSaInfo c : ike.children()) {
        if (c.outboundSpi() == outboundSpi) {
          return c.inboundSpi();
        }
      }
    }
    return 0;
  }

  /** ESP for an SPI we do not know, from {@link org.meshsec.core.datapath.DataPath.UnknownSpi}. */
  public void onUnknownSpi(int spi, InetSocketAddress from) {
    if (!closed) {
      engine.unknownSpi(spi, from); // cheap and non-blocking; rate-limited by the engine
    }
  }

  // ---------------------------------------------------------------- commands

  /** The engine (for status and tests). */
  public IkeEngine engine() {
    return engine;
  }

  /** Snapshots of the IKE SAs. */
  public List<IkeSaInfo> list() {
    return engine.list();
  }

  /** Adds a listener for the IKE SAs' lifecycle events (until {@link #removeListener}). */
  public void addListener(IkeListener l) {
    listeners.add(l);
  }

  /** Removes a listener added by {@link #addListener}. */
  public void removeListener(IkeListener l) {
    listeners.remove(l);
  }

  /** Whether {@code peer} is configured. */
  public boolean hasPeer(String peer) {
    return config.peer(peer).isPresent();
  }

  /** Initiates the peer's IKE SA and all its Child SAs; false if the peer is unknown. */
  public boolean initiate(String peer) {
    return hasPeer(peer) && engine.initiate(peer);
  }

  /** Deletes the IKE SAs with the peer; false if there were none. */
  public boolean terminate(String peer) {
    return engine.terminate(peer);
  }

  /** Rekeys the IKE SAs with the peer; false if there were none. */
  public boolean rekey(String peer) {
    return engine.rekey(peer);
  }

  /** The established IKE SA with the peer whose configured children are all installed, if any. */
  public Optional<IkeSaInfo> established(String peer) {
    List<String> wanted = config.peer(peer).map(IkePeer::policies).orElse(List.of());
    return engine.list().stream()
        .filter(s -> peer.equals(s.peer()) && s.state() == IkeSaState.ESTABLISHED)
        .filter(
            s ->
                wanted.stream()
                    .allMatch(w -> s.children().stream().anyMatch(c -> c.name().equals(w))))
        .findFirst();
  }

  /** Whether any IKE SA with the peer still exists. */
  public boolean hasSa(String peer) {
    return engine.list().stream().anyMatch(s -> peer.equals(s.peer()));
  }

  /** Pairs refused because their selectors cannot be represented, and pairs installed. */
  public long refusedCount() {
    return refused.get();
  }

  public long installedCount() {
    return installed.get();
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Deletes every IKE SA with an INFORMATIONAL Delete (RFC 7296 section 1.4.1) and waits, at most
   * {@code timeout}, for the peers' answers. Returns whether every SA was gone in time. The sockets
   * must still be open.
   */
  public boolean deleteAll(Duration timeout) {
    for (IkePeer p : config.peers()) {
      engine.terminate(p.name());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (engine.list().stream().noneMatch(s -> live(s.state()))) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static boolean live(IkeSaState s) {
    return s == IkeSaState.ESTABLISHED
        || s == IkeSaState.REKEYING
        || s == IkeSaState.REKEYED
        || s == IkeSaState.DELETING;
  }

  /** Stops the engine's pool and closes the IKE port. Call {@link #deleteAll} first. */
  @Override
  public void close() {
    closed = true;
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ikeSocket.close();
    for (AuthConfig a : auths) {
      if (a instanceof AuthConfig.Psk p) {
        p.key().wipe();
      }
    }
  }
}
