package org.meshsec.core.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.meshsec.core.capture.KeyLog;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.config.DataPathConfig;
import org.meshsec.core.config.ManualSa;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.config.ReloadPlan;
import org.meshsec.core.config.TunAddress;
import org.meshsec.core.datapath.DataPath;
import org.meshsec.core.datapath.UdpTransport;
import org.meshsec.core.ike.IkeGlue;
import org.meshsec.core.ike.IkeService;
import org.meshsec.core.metrics.MetricsEndpoint;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SadStatus;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.PolicyKey;
import org.meshsec.core.spd.Spd;
import org.meshsec.tun.Errno;
import org.meshsec.tun.LinkConfigurator;
import org.meshsec.tun.NativeIoException;
import org.meshsec.tun.ReaderMode;
import org.meshsec.tun.TunDevice;
import org.meshsec.tun.TunHandler;
import org.meshsec.tun.TunInterface;
import org.meshsec.tun.TunOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running meshsec node: the engine behind {@code meshsec run}. Started from a validated {@link
 * NodeConfig}; stopped by {@link #close()} in the reverse order of start.
 *
 * <pre>
 *  start:  event loop group (epoll, else NIO) -&gt; SPD and SAD (owned here)
 *          -&gt; SPD filled (policies)
 *          -&gt; UDP sockets (port 4500), bound but not reading yet (on io_uring loops of their
 *             own with [datapath] udp_transport = "io_uring")
 *          -&gt; IKE ({@link IkeGlue}: engine, port 500; only with [[peer]]s, else at the reload
 *             that adds the first one)
 *          -&gt; data path (ESP out: the UDP sockets; IKE and unknown SPIs: to IKE)
 *          -&gt; SAD wiring: LARVAL drains (the data path), listener (IKE's event router)
 *          -&gt; manual SAs through the key engine -&gt; ESP SAs of a hot-restart state file
 *             (a manual SA's copy there replaces the one just installed) -&gt; its IKE SAs
 *             into the engine (their Child SAs' ESP SAs restored) -&gt; UDP sockets start reading
 *          -&gt; TUN device (MTU, addresses, up)
 *          -&gt; routes in the [routing] table + ip rules (the table and priority range locked
 *             for this namespace first, then stale ones of a killed run removed)
 *          -&gt; bypass rules from the SPD -&gt; TUN reader -&gt; SAD expiry timer
 *          -&gt; metrics endpoint ([metrics]) -&gt; key log ([node] key_log) -&gt; IKE start (peers
 *          with start_action "start")
 *  close:  metrics endpoint -&gt; IKE quiesced and its SAs deleted with the peers (bounded wait;
 *          skipped on a stop for restart) -&gt; key log
 *          -&gt; SAD expiry timer -&gt; TUN reader and device (its routes go with it) -&gt; ip rules
 *          -&gt; link configuration -&gt; UDP sockets -&gt; decrypt pool and io_uring loops
 *          -&gt; (stop for restart: the IKE port closed, then the ESP and IKE SAs to the state file)
 *          -&gt; IKE engine and port -&gt; SAD flushed (keys wiped) -&gt; event loops
 * </pre>
 *
 * IKE is quiesced first ({@link IkeService#shutdown}): from that moment the engine creates no IKE
 * SA or Child SA, as initiator (start, acquire, rekey) or as responder (IKE_SA_INIT dropped,
 * CREATE_CHILD_SA refused), and then deletes every IKE SA while the sockets are still open. The IKE
 * port stays open until late in the close, and a peer that lost its SA to our Delete commonly
 * initiates again at once: without the refusal we would complete that handshake as responder and
 * exit without deleting it, leaving the peer an established IKE SA and an outbound SA into a dead
 * node until its DPD notices. The sockets and the TUN device close only after the Deletes.
 *
 * <p>The TUN routes live in a routing table of their own so that OUT BYPASS policies can send
 * matching traffic past the TUN device, in the clear over the main table's routes; see {@link
 * RoutingRules}.
 *
 * <p>The TUN queue and the UDP sockets share one event loop, so a packet read from TUN is sealed
 * and written to the socket on the thread that read it, and an ESP datagram is opened and written
 * to TUN on the thread that received it.
 *
 * <p>Thread-safety: {@link #reload} and {@link #close} are serialised (synchronized); the status
 * accessors read thread-safe structures and may be called from any thread.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** How the daemon gets its TUN device: the real one, or a fake in tests. */
  @FunctionalInterface
  public interface TunFactory {
    /** Opens (and configures) the device; the returned object is closed by the daemon. */
    Opened open(NodeConfig config, IoEventLoopGroup group) throws IOException;

    /**
     * The device, the link configuration to undo on close, and the policy routing of its routes
     * (both may be null for a fake).
     */
    record Opened(TunInterface tun, LinkConfigurator link, RoutingRules routing) {
      /** A device without policy routing (fakes). */
      public Opened(TunInterface tun, LinkConfigurator link) {
        this(tun, link, null);
      }
    }
  }

  /**
   * Knobs that are not part of the node's config file.
   *
   * @param stateFile the hot-restart state file ({@link RestartState}), or null for none
   */
  public record Options(TunFactory tunFactory, Duration expireInterval, Path stateFile) {
    public Options(TunFactory tunFactory, Duration expireInterval) {
      this(tunFactory, expireInterval, null);
    }

    public static Options defaults() {
      return new Options(Daemon::openRealTun, Duration.ofSeconds(1));
    }

    /** These options with a hot-restart state file. */
    public Options withStateFile(Path file) {
      return new Options(tunFactory, expireInterval, file);
    }
  }

  /** How long shutdown waits for the peers to answer our IKE Deletes. */
  static final Duration IKE_SHUTDOWN = Duration.ofSeconds(2);

  /** How long the key log waits for an IKE SA's executor to hand over its keys. */
  static final Duration KEY_LOG_IKE_WAIT = Duration.ofSeconds(2);

  private final long startedMillis = System.currentTimeMillis();
  private final Options options;
  private final IoEventLoopGroup group;

  /** The UDP sockets' own io_uring loops ({@code [datapath] udp_transport}), else null. */
  private IoEventLoopGroup udpGroup;

  private final Spd spd = new Spd();
  private final Sad sad = Sad.builder().build();
  private volatile DataPath dataPath;
  private volatile NodeConfig config;
  private UdpTransport udp;
  private volatile IkeGlue ike;
  private TunInterface tun;
  private LinkConfigurator link;
  private RoutingRules routing;
  private ScheduledFuture<?> expiry;
  private MetricsEndpoint metrics;
  private KeyLog keyLog;
  private volatile boolean stopForRestart;
  private volatile SystemdNotifier notifier = SystemdNotifier.of(Map.of(), 0);
  private boolean closed;

  private Daemon(NodeConfig config, Options options) {
    this.config = config;
    this.options = options;
    this.group =
        new MultiThreadIoEventLoopGroup(
            config.tun().queues(),
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /**
   * Starts a node. On failure everything started so far is stopped again and the exception names
   * what failed.
   */
  public static Daemon start(NodeConfig config, Options options) throws IOException {
    Daemon d = new Daemon(config, options);
    try {
      d.startUp();
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  private void startUp() throws IOException {
    spd.replaceAllKeepingIds(config.policies());
    if (config.datapath().udpTransport() == DataPathConfig.UdpTransportKind.IO_URING
        && UdpTransport.ioUringUsable()) {
      udpGroup = UdpTransport.newIoUringGroup(config.tun().queues());
      udp = UdpTransport.bindIoUring(udpGroup, config.listen().endpoints());
    } else {
      udp = UdpTransport.bind(group, config.listen().endpoints());
    }
    if (!config.peers().isEmpty()) {
      ike = IkeGlue.create(config, spd, sad, udp, group);
    }
    DataPath.Builder b =
        DataPath.builder(spd, sad)
            .allocator(PooledByteBufAllocator.DEFAULT)
            .espOut(udp)
            .innerOut(this::toTun)
            .pathMtu(config.tun().underlayMtu())
            .mssClamp(config.tun().mssClamp() ? config.tun().mtu() : 0)
            .decryptWorkers(config.datapath().decryptWorkers());
    // through the field, so that IKE started by a reload (the first [[peer]]) gets them too
    b.ikeIn(this::toIke).unknownSpi(this::onUnknownSpi);
    dataPath = b.build();
    sad.setDrains(dataPath::drainInbound, dataPath::drainOutbound, dataPath::drainThread);
    if (ike != null) {
      sad.setListener(ike.router());
    }
    for (ManualSa sa : config.sas()) {
      install(sa, config.policyOf(sa));
    }
    if (options.stateFile() != null) {
      HotRestart.resumeIke(
          HotRestart.resume(options.stateFile(), config, spd, sad),
          ike == null ? null : ike.service().engine(),
          sad);
    }
    udp.start(dataPath.udpReceiver());
    TunFactory.Opened opened = options.tunFactory().open(config, group);
    dataPath.tunVnetHdr(opened.tun().vnetHdr());
    tun = opened.tun();
    link = opened.link();
    routing = opened.routing();
    if (routing != null) {
      routing.applyPolicies(spd.policies());
    }
    tun.start(
        new TunHandler() {
          @Override
          public void onPackets(int queue, List<ByteBuf> packets) {
            for (ByteBuf p : packets) {
              dataPath.fromTun(p);
            }
            dataPath.flush();
          }

          @Override
          public void onReadError(int queue, IOException cause) {
            log.error("TUN queue {} stopped reading: {}", queue, cause.getMessage());
          }
        });
    long ms = options.expireInterval().toMillis();
    expiry = group.next().scheduleAtFixedRate(sad::tick, ms, ms, TimeUnit.MILLISECONDS);
    metrics = MetricsEndpoint.start(config.metrics(), this);
    startKeyLog();
    if (ike != null) {
      ike.start();
    }
    log.info(
        "node {} up: tun {} mtu {}, {} policies, {} manual SAs",
        config.node().name(),
        tun.name(),
        tun.mtu(),
        spd.size(),
        config.sas().size());
  }

  /** {@code [node] key_log}: hears IKE, and writes the keys of the SAs present now. */
  private void startKeyLog() {
    Optional<Path> dir = config.node().keyLog();
    if (dir.isEmpty()) {
      return;
    }
    IkeGlue i = ike;
    keyLog =
        new KeyLog(
            dir.get(),
            () -> {
              IkeGlue now = ike; // a reload may start IKE later
              return now == null ? List.of() : now.service().engine().secrets(KEY_LOG_IKE_WAIT);
            },
            sad::secrets);
    if (i != null) {
      i.service().addListener(keyLog);
    }
    keyLog.refresh();
  }

  /**
   * Opens the kernel TUN device on the daemon's event loop, configures the link, and routes the
   * [tun] routes into it through {@link RoutingRules} in the table and priorities of [routing]. The
   * table and range are taken ({@link NetnsLock}) before anything else, so a second daemon in the
   * namespace is refused before it opens a device or touches a rule.
   */
  static TunFactory.Opened openRealTun(NodeConfig config, IoEventLoopGroup group)
      throws IOException {
    // The TUN queue joins the daemon's epoll loop (no hand-off to the UDP sockets). Without native
    // epoll, or with -Dmeshsec.tun.reader=poll_thread, it gets its own poll(2) thread instead.
    ReaderMode mode =
        ReaderMode.valueOf(
            System.getProperty("meshsec.tun.reader", "AUTO").toUpperCase(java.util.Locale.ROOT));
    TunOptions.Builder tb =
        TunOptions.builder(config.tun().name())
            .headroom(Math.max(TunOptions.DEFAULT_HEADROOM, DataPath.HEADROOM))
            .tailroom(Math.max(TunOptions.DEFAULT_TAILROOM, DataPath.TAILROOM))
            .readerMode(Epoll.isAvailable() ? mode : ReaderMode.POLL_THREAD)
            .vnetHdr(config.tun().offload())
            .queues(config.tun().queues());
    if (Epoll.isAvailable() && mode != ReaderMode.POLL_THREAD) {
      tb.eventLoopGroup(group);
    }
    NetnsLock lock = NetnsLock.acquire(NetnsLock.runDir(), config.routing());
    TunDevice dev;
    try {
      dev = TunDevice.open(tb.build());
    } catch (NativeIoException e) {
      lock.close();
      throw e.errno() == Errno.EBUSY ? tunNameInUse(config.tun().name(), e) : e;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    if (!dev.name().equals(config.tun().name())) {
      log.info("[tun] name {}: the kernel chose {}", config.tun().name(), dev.name());
    }
    LinkConfigurator link = new LinkConfigurator(dev.name());
    RoutingRules routing = null;
    try {
      link.setMtu(config.tun().mtu());
      for (TunAddress a : config.tun().addresses()) {
        link.addAddress(a.address(), a.prefixLength());
      }
      link.up();
      routing = RoutingRules.open(dev.name(), config.tun().routes(), config.routing(), lock);
    } catch (IOException | RuntimeException e) {
      if (routing == null) {
        lock.close(); // idempotent: RoutingRules.open releases it itself when it fails
      }
      try {
        link.undo();
      } catch (IOException ignored) {
        // the device goes away with its fd, and its routes with it
      }
      dev.close();
      throw e;
    }
    return new TunFactory.Opened(dev, link, routing);
  }

  /**
   * EBUSY from TUNSETIFF in the configuration's terms: the daemon always creates its own device
   * (IFF_TUN_EXCL) under the exact [tun] name, so the remedy is another name, or a {@code %d}
   * pattern for which the kernel picks a free index (with which EBUSY does not happen).
   */
  static IOException tunNameInUse(String name, NativeIoException cause) {
    String pattern = name.replaceFirst("[0-9]*$", "") + "%d";
    return new IOException(
        "[tun] name: an interface named '"
            + name
            + "' already exists (another meshsec, or another program, has it; see `ip link show "
            + name
            + "`): stop its owner, or set [tun] name to a name no interface has, or to a pattern"
            + " such as \""
            + pattern
            + "\" for which the kernel picks the first free index",
        cause);
  }

  /** IKE on the NAT-T port (the marker stripped): to IKE, or dropped while the node has none. */
  private void toIke(ByteBuf datagram, java.net.InetSocketAddress from) {
    IkeGlue i = ike;
    if (i == null) {
      datagram.release();
      return;
    }
    i.network().receiveNatt(datagram, from);
  }

  private void onUnknownSpi(int spi, java.net.InetSocketAddress from) {
    IkeGlue i = ike;
    if (i != null) {
      i.router().onUnknownSpi(spi, from);
    }
  }

  /**
   * A reload gave a node that ran without IKE its first [[peer]]s: IKE is built and started now as
   * at start ({@link IkeGlue#create}, the SAD's listener, the key log), against {@code next}'s
   * policies already in the SPD. If its port cannot be bound the node stays without IKE and says
   * so; the next reload tries again.
   */
  private List<String> startIke(NodeConfig next, ReloadPlan plan) {
    IkeGlue g;
    try {
      g = IkeGlue.create(next, spd, sad, udp, group);
    } catch (IOException | RuntimeException e) {
      log.warn("reload: IKE not started: {}", e.getMessage());
      return List.of("IKE not started (the peers wait for the next reload): " + e.getMessage());
    }
    ike = g;
    sad.setListener(g.router());
    if (keyLog != null) {
      g.service().addListener(keyLog);
    }
    g.start();
    List<String> out = new ArrayList<>();
    for (ReloadPlan.PeerStep step : plan.peerSteps()) {
      out.add("peer " + step.peer() + ": added, IKE started");
    }
    return out;
  }

  private void toTun(ByteBuf ip) {
    TunInterface t = tun;
    if (t == null) {
      ip.release();
      return;
    }
    t.write(ip);
  }

  private void install(ManualSa sa, Policy policy) {
    byte[] key = sa.key().copy();
    try {
      SaSpec spec =
          new SaSpec(
              sa.direction(),
              sa.spi(),
              sa.local(),
              config.listen().port(),
              sa.peer(),
              config.listen().port(),
              sa.mode(),
              policy.selector(),
              policy.id(),
              sa.suite(),
              key,
              sa.esn(),
              sa.replayWindow(),
              sa.soft(),
              sa.hard());
      SadStatus st = sad.add(spec);
      if (st != SadStatus.OK) {
        throw new IllegalStateException("installing SA " + sa.name() + ": " + st);
      }
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  // ------------------------------------------------------------------ reload

  /** What a reload did, or why it did nothing. */
  public record ReloadResult(boolean applied, List<String> messages) {}

  /**
   * Re-reads the configuration file (with its secrets and mesh files) and applies only the
   * difference: policies, SAs and IKE peers that did not change are untouched (SAs keep their
   * counters, sequence numbers and replay windows; IKE SAs stay); added, removed and changed peers
   * are negotiated, deleted or renegotiated ({@link IkeGlue#apply}). A file that fails validation,
   * or a change that needs a restart (the messages name each table and key), changes nothing and is
   * logged at WARN. systemd hears RELOADING=1 before and READY=1 after ({@link #notifyVia}).
   */
  public synchronized ReloadResult reload() {
    SystemdNotifier n = notifier;
    n.reloading();
    ReloadResult r = reloadFile();
    if (!r.applied()) {
      log.warn("{}", String.join("; ", r.messages().stream().map(String::strip).toList()));
    }
    n.ready(SystemdNotifier.statusLine(this));
    return r;
  }

  /**
   * Where {@link #reload} reports to systemd (RELOADING=1 before, READY=1 and the status after); by
   * default nowhere.
   */
  public void notifyVia(SystemdNotifier n) {
    notifier = java.util.Objects.requireNonNull(n, "notifier");
  }

  /**
   * The event loop of the data path (the TUN queue and the UDP sockets): work scheduled here stops
   * when the loop is stuck, which is what systemd's watchdog pings need.
   */
  public java.util.concurrent.ScheduledExecutorService eventLoop() {
    return group.next();
  }

  private ReloadResult reloadFile() {
    if (closed) {
      return new ReloadResult(false, List.of("daemon is shutting down"));
    }
    ConfigResult r = ConfigLoader.load(config.source());
    if (!r.isOk()) {
      List<String> errs = new ArrayList<>();
      errs.add("reload refused, running configuration unchanged:");
      r.errors().forEach(e -> errs.add(e.toString()));
      return new ReloadResult(false, errs);
    }
    return apply(r.config());
  }

  /**
   * Applies {@code next} (already validated) as {@link #reload} does: plans the change ({@link
   * ReloadPlan}), refuses it whole if part of it needs a restart, else carries it out.
   */
  public synchronized ReloadResult apply(NodeConfig next) {
    ReloadPlan plan = ReloadPlan.of(config, next);
    Optional<String> refusal = plan.refusal();
    if (refusal.isPresent()) {
      next.wipeKeys();
      List<String> msgs = new ArrayList<>();
      msgs.add("reload refused, running configuration unchanged: " + refusal.get());
      plan.restarts().forEach(r -> msgs.add("  " + r.what()));
      return new ReloadResult(false, msgs);
    }
    if (plan.isEmpty()) {
      next.wipeKeys();
      return new ReloadResult(true, List.of("no changes"));
    }
    return carryOut(plan, next);
  }

  /**
   * The one place a reload changes the running node: the SPD is replaced (kept policies keep their
   * ids, so their SAs stay bound), then the SAs the plan removes are deleted and those it installs
   * are added, then IKE takes the new peers and acts on the changed ones, then the bypass rules
   * follow the new SPD.
   */
  private ReloadResult carryOut(ReloadPlan plan, NodeConfig next) {
    Map<PolicyKey, Policy> running = new HashMap<>();
    for (Policy p : spd.policies()) {
      running.put(p.key(), p);
    }
    List<Policy> specs = new ArrayList<>();
    for (Policy p : next.policies()) {
      specs.add(plan.keeps(p.key()) ? running.get(p.key()) : p.withId(0));
    }
    Map<PolicyKey, Policy> installed = new HashMap<>();
    for (Policy p : spd.replaceAllKeepingIds(specs)) {
      installed.put(p.key(), p);
    }
    for (ManualSa s : plan.sasToRemove()) {
      sad.delete(s.direction(), s.spi(), s.peer());
    }
    for (ManualSa n : plan.sasToInstall()) {
      install(n, installed.get(n.policyKey()));
    }
    IkeGlue i = ike;
    List<String> peerLines;
    if (i != null) {
      peerLines = i.apply(next, spd, plan.peerSteps());
    } else if (!next.peers().isEmpty()) {
      peerLines = startIke(next, plan);
    } else {
      peerLines = List.of();
    }
    // The old configuration's pre-shared keys were copied into the engine's peer configurations;
    // an IKE SA made before this reload keeps using its copy.
    config.wipeKeys();
    config = next;
    List<String> msgs = new ArrayList<>();
    msgs.add(
        String.format(
            "reloaded: policies +%d -%d ~%d, SAs installed %d, removed %d, peers +%d -%d ~%d",
            plan.policies().added().size(),
            plan.policies().removed().size(),
            plan.policies().changed().size(),
            plan.sasToInstall().size(),
            plan.sasToRemove().size(),
            plan.peers(ReloadPlan.PeerAction.ADD).size(),
            plan.peers(ReloadPlan.PeerAction.REMOVE).size(),
            plan.peerSteps().size()
                - plan.peers(ReloadPlan.PeerAction.ADD).size()
                - plan.peers(ReloadPlan.PeerAction.REMOVE).size()));
    msgs.addAll(peerLines);
    if (routing != null) {
      try {
        routing.applyPolicies(spd.policies());
      } catch (IOException | RuntimeException e) {
        msgs.add("routing rules for bypass policies not fully applied: " + e.getMessage());
        log.warn("reload: {}", e.getMessage());
      }
    }
    if (keyLog != null) {
      keyLog.refresh();
    }
    log.info(msgs.get(0));
    return new ReloadResult(true, msgs);
  }

  // ------------------------------------------------------------------ accessors

  public NodeConfig config() {
    return config;
  }

  public DataPath dataPath() {
    return dataPath;
  }

  public Spd spd() {
    return spd;
  }

  public TunInterface tun() {
    return tun;
  }

  public UdpTransport udp() {
    return udp;
  }

  /** The IKE side; null when no [[peer]] is configured. */
  public IkeService ike() {
    IkeGlue i = ike;
    return i == null ? null : i.service();
  }

  public long startedMillis() {
    return startedMillis;
  }

  /** The Prometheus endpoint, or null when [metrics] is not configured. */
  public MetricsEndpoint metrics() {
    return metrics;
  }

  /** The policy routing of the TUN routes, or null (a fake TUN device). */
  public RoutingRules routing() {
    return routing;
  }

  public Path configPath() {
    return config.source();
  }

  /** The hot-restart state file ({@link Options#stateFile}), or null when there is none. */
  public Path stateFile() {
    return options.stateFile();
  }

  /**
   * Makes the next {@link #close()} a stop for restart: the IKE SAs are not deleted with the peers,
   * and the ESP SAs are written to the state file ({@link Options#stateFile}) for the next process
   * to resume. Without a state file it changes nothing.
   */
  public void stopForRestart() {
    stopForRestart = options.stateFile() != null;
  }

  /** Stops the node: TUN (and its routes), sockets, SAs (keys wiped), event loops. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (metrics != null) {
      metrics.close();
    }
    IkeGlue i = ike;
    if (i != null && !stopForRestart) {
      boolean clean = i.service().shutdown(IKE_SHUTDOWN);
      log.info(
          "IKE SAs {}",
          clean ? "deleted with the peers" : "not all answered within " + IKE_SHUTDOWN);
    }
    if (keyLog != null) {
      keyLog.close();
    }
    if (expiry != null) {
      expiry.cancel(false);
    }
    if (tun != null) {
      try {
        tun.close();
      } catch (Exception e) {
        log.warn("closing TUN: {}", e.getMessage());
      }
    }
    if (routing != null) {
      routing.close();
    }
    if (link != null) {
      try {
        link.undo();
      } catch (IOException e) {
        log.warn("removing link configuration: {}", e.getMessage());
      }
    }
    if (udp != null) {
      udp.close();
    }
    if (dataPath != null) {
      dataPath.close(); // the decrypt pool, once nothing reads the sockets
    }
    if (udpGroup != null) {
      udpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (stopForRestart) {
      HotRestart.save(
          options.stateFile(),
          config,
          spd,
          sad,
          i == null ? List.of() : i.exportForRestart(IKE_SHUTDOWN));
    }
    if (i != null) {
      i.close();
    }
    int n = sad.flush();
    config.wipeKeys();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    log.info("node {} stopped; {} SAs removed, keys wiped", config.node().name(), n);
  }
}
