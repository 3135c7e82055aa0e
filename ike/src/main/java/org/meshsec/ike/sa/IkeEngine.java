package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.ReconnectBackoff;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.MessageSummary;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.IkeNetwork;
import org.meshsec.ike.port.IpsecPort;
import org.meshsec.ike.port.LogRateLimiter;
import org.meshsec.ike.port.Scheduler;
import org.meshsec.ike.port.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKE engine of one node (RFC 7296): the facade that {@code core} drives. It is made of three
 * parts:
 *
 * <pre>
 *  receive(datagram)  -&gt; IkeFront      stateless: size, major version, per-version handler;
 *                                       shares the COOKIE secret and the half-open limit
 *                        Ikev2Front     IKEv2 before state: IKE_SA_INIT (half-open, COOKIE,
 *                                       peer configs, stateless replies), else by SPI
 *  commands, events   -&gt; SaManager     the SAs by SPI, half-open SAs, Child SA owners, duplicates,
 *                                       INITIAL_CONTACT, rekey successors and heirs
 *                        IkeSa          one SA: lifecycle, keying context, children, timers,
 *                                       its task manager (made by the TaskFactory)
 *                        VersionProtocol.Side   another major version (IKEv1) given to the
 *                                       builder: its front, SAs and task managers; the engine's
 *                                       commands and events go to it for its peers
 * </pre>
 *
 * The engine itself holds the node's settings, peer configurations and ports (network, data plane,
 * scheduler, randomness, observer, lifecycle listener) that the parts share, and offers the
 * commands and the data plane's events.
 *
 * <h2>Threads</h2>
 *
 * Thread-safe. Every IKE SA runs on its own {@link SerialExecutor} over the {@link Scheduler}'s
 * pool; the manager's maps are concurrent; creating an SA is synchronized on the manager. With the
 * test-jar's virtual-time {@code ManualScheduler} everything runs on the test's thread.
 */
public final class IkeEngine {
  private static final Logger log = LoggerFactory.getLogger(IkeEngine.class);

  /** The IKE major version this engine's tasks speak (RFC 7296 section 3.1). */
  static final int IKEV2 = 2;

  /** Where the summary of suppressed bad-input lines goes. */
  private static final org.slf4j.Logger BAD_INPUT_LOG =
      org.slf4j.LoggerFactory.getLogger(IkeFront.class);

  private final EngineSettings settings;
  private volatile List<PeerConfig> peers;
  private final IkeNetwork network;
  private final IpsecPort ipsec;
  private final Scheduler scheduler;
  private final SecureRandom random;
  private final InetAddress defaultLocal;
  private final MessageObserver observer;
  private final IkeListener listener;
  private final EngineStats stats = new EngineStats();
  private final TaskFactory taskFactory;
  private final byte[] fakeNatSource = new byte[4];
  private final HalfOpenLimit halfOpenLimit;
  private final SaManager manager;
  private final IkeFront front;
  private final Map<Integer, VersionProtocol.Side> sides = new LinkedHashMap<>();

  private IkeEngine(Builder b) {
    this.settings = b.settings;
    this.peers = List.copyOf(b.peers);
    this.network = Objects.requireNonNull(b.network, "network");
    this.ipsec = Objects.requireNonNull(b.ipsec, "ipsec");
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
    this.random = Objects.requireNonNull(b.random, "random");
    this.taskFactory = Objects.requireNonNull(b.tasks, "tasks");
    this.defaultLocal = b.localAddress;
    this.observer = b.observer;
    this.listener = b.listener;
    random.nextBytes(fakeNatSource);
    CookieSecret cookieSecret = new CookieSecret(random);
    if (peers.stream().map(PeerConfig::name).distinct().count() != peers.size()) {
      throw new IllegalArgumentException("two peers with one name");
    }
    this.halfOpenLimit =
        new HalfOpenLimit(
            settings.halfOpenLimit(), settings.halfOpenPerSource(), settings.cookieThreshold());
    this.manager = new SaManager(this, halfOpenLimit, b.backoff);
    this.front =
        new IkeFront(
            stats,
            cookieSecret,
            halfOpenLimit,
            LogRateLimiter.forLog(
                BAD_INPUT_LOG,
                IkeFront.BAD_INPUT_LOG_INTERVAL,
                IkeFront.BAD_INPUT_LOG_SOURCES,
                scheduler::now));
    front.register(IKEV2, new Ikev2Front(this, manager, front));
    for (VersionProtocol v : b.protocols) {
      VersionProtocol.Side side = v.attach(this, front);
      front.register(v.majorVersion(), side);
      sides.put(v.majorVersion(), side);
    }
    for (PeerConfig p : peers) {
      if (p.version() != IKEV2 && !sides.containsKey(p.version())) {
        throw new IllegalArgumentException(
            "peer " + p.name() + ": IKE version " + p.version() + " is not built in");
      }
    }
  }

  /** Flushes the bad-input log limiter every interval until shutdown. */
  private void scheduleLogSummary() {
    scheduler.schedule(
        () -> {
          front.badInputLog().flush();
          if (!isShuttingDown()) {
            scheduleLogSummary();
          }
        },
        IkeFront.BAD_INPUT_LOG_INTERVAL);
  }

  /** A builder; network, IPsec port, scheduler and random are required. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- public API

  /**
   * Brings up every Child SA configured with {@link StartAction#START} (a failed attempt is retried
   * with back-off until it succeeds: the builder's {@link Builder#reconnectBackoff}), and starts
   * the timer that writes the bad-input log's "suppressed N messages" summary at the end of each
   * interval even when no further bad input arrives to trigger it.
   */
  public void start() {
    if (isShuttingDown()) {
      return;
    }
    scheduleLogSummary();
    for (PeerConfig p : peers()) {
      List<ChildConfig> start =
          p.children().stream().filter(c -> c.startAction() == StartAction.START).toList();
      if (!start.isEmpty() && p.remoteAddress() != null) {
        if (p.version() == IKEV2) {
          manager.connectOrAdd(p, start, p.remoteAddress(), true); // retried with back-off
        } else {
          connect(p, start, p.remoteAddress());
        }
      }
    }
  }

  /**
   * Handles one received IKE datagram (without the non-ESP marker). Never throws: bad input is
   * dropped and counted in {@link #stats()}.
   *
   * @param local our address and port it arrived on
   * @param remote the sender's address and port
   */
  public void receive(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    front.receive(datagram, local, remote);
  }

  /**
   * Initiates an IKE SA with {@code peerName} and all its Child SAs, or adds the missing Child SAs
   * to the IKE SA that exists.
   *
   * @return false if no such peer (or it has no remote address or no child)
   */
  public boolean initiate(String peerName) {
    PeerConfig p = peer(peerName).orElse(null);
    if (p == null || p.remoteAddress() == null || p.children().isEmpty()) {
      return false;
    }
    connect(p, p.children(), p.remoteAddress());
    return true;
  }

  private void connect(PeerConfig p, List<ChildConfig> children, InetAddress remote) {
    if (p.version() == IKEV2) {
      manager.connectOrAdd(p, children, remote);
    } else {
      sides.get(p.version()).connect(p, children, remote);
    }
  }

  /**
   * Deletes the IKE SAs with {@code peerName} (and their Child SAs).
   *
   * @return whether there was any
   */
  public boolean terminate(String peerName) {
    boolean any = false;
    for (VersionProtocol.Side side : sides.values()) {
      any |= side.terminate(peerName);
    }
    for (IkeSa sa : manager.sasOf(peerName)) {
      sa.execute(sa::terminate);
      any = true;
    }
    return any;
  }

  /**
   * Rekeys the established IKE SA(s) with {@code peerName} (section 2.18). IKEv1 has no ISAKMP SA
   * rekey: an IKEv1 peer's ISAKMP SA is replaced by a new Main Mode that takes over its pairs.
   *
   * @return whether there was any
   */
  public boolean rekey(String peerName) {
    boolean any = false;
    for (VersionProtocol.Side side : sides.values()) {
      any |= side.rekey(peerName);
    }
    for (IkeSa sa : manager.sasOf(peerName)) {
      if (sa.state().isUsable()) {
        sa.execute(sa::rekey);
        any = true;
      }
    }
    return any;
  }

  /**
   * Rekeys the Child SA(s) named {@code childName} with {@code peerName} (section 1.3.3; an IKEv1
   * peer's by a new Quick Mode).
   *
   * @return whether an IKE SA with the peer exists
   */
  public boolean rekeyChild(String peerName, String childName) {
    boolean any = false;
    for (VersionProtocol.Side side : sides.values()) {
      any |= side.rekeyChild(peerName, childName);
    }
    for (IkeSa sa : manager.sasOf(peerName)) {
      any = true;
      sa.execute(
          () -> {
            for (ChildSa c : sa.children()) {
              if (c.name().equals(childName)) {
                sa.rekeyChild(c);
              }
            }
          });
    }
    return any;
  }

  /**
   * Begins the engine's shutdown, which cannot be undone: from now on no IKE SA or Child SA is
   * created, as initiator (start, initiate, acquire, rekey, DPD restart) or as responder (an
   * IKE_SA_INIT request is dropped, a CREATE_CHILD_SA request is answered TEMPORARY_FAILURE, RFC
   * 7296 section 2.25), and every IKE SA is deleted with an INFORMATIONAL Delete (section 1.4.1),
   * whatever its peer configuration (an SA whose peer is no longer configured included). SAs not
   * yet established are dropped at once, except an initiator SA whose IKE_AUTH request is in
   * flight: the peer may establish it, so it is deleted once our IKE_AUTH completes.
   *
   * <p>A dropped IKE_SA_INIT request gets no answer: an unprotected error notification in an
   * IKE_SA_INIT response may not make the initiator stop (section 2.21.1: it must keep waiting for
   * a valid response), TEMPORARY_FAILURE is defined for CREATE_CHILD_SA only (section 2.25), and a
   * stopping node should create no state or traffic for it. The initiator retransmits and gives up
   * as for a dead peer.
   *
   * <p>Idempotent; the network must stay open until the result completes (or the caller's wait
   * times out).
   *
   * @return completes when no IKE SA is left
   */
  public CompletableFuture<Void> shutdown() {
    CompletableFuture<Void> v2 = manager.shutdown();
    if (sides.isEmpty()) {
      return v2;
    }
    List<CompletableFuture<Void>> all = new ArrayList<>(List.of(v2));
    sides.values().forEach(side -> all.add(side.shutdown()));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** Whether {@link #shutdown()} was called. */
  public boolean isShuttingDown() {
    return manager.isShuttingDown();
  }

  /** Snapshots of all IKE SAs, by id. */
  public List<IkeSaInfo> list() {
    if (sides.isEmpty()) {
      return manager.list();
    }
    return Stream.concat(
            manager.list().stream(), sides.values().stream().flatMap(s -> s.list().stream()))
        .sorted(Comparator.comparingLong(IkeSaInfo::id))
        .toList();
  }

  /**
   * An IKE liveness check on demand (RFC 7296 section 2.4, an empty INFORMATIONAL request in the
   * IKE SA) to {@code peerName}: completes with true as soon as an authenticated message from the
   * peer arrives after the call on an established IKE SA with it, with false when there is none or
   * nothing arrives within {@code timeout}. An operator's probe ({@code meshsec diagnose}); it does
   * not count as a DPD failure if unanswered (the SA's own retransmission rules still apply).
   */
  public CompletableFuture<Boolean> probe(String peerName, java.time.Duration timeout) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    List<IkeSa> sas = manager.sasOf(peerName).stream().filter(sa -> sa.state().isUsable()).toList();
    if (sas.isEmpty()) {
      result.complete(false);
      return result;
    }
    java.time.Instant asked = scheduler.now();
    for (IkeSa sa : sas) {
      sa.execute(() -> sa.tasks().checkLiveness());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () -> {
          for (IkeSa sa : sas) {
            sa.executor()
                .execute(
                    () -> {
                      if (sa.lastReceived().isAfter(asked)) {
                        result.complete(true);
                      }
                    });
          }
          if (!result.isDone()) {
            if (System.nanoTime() - deadline > 0) {
              result.complete(false);
            } else {
              scheduler.schedule(poll[0], java.time.Duration.ofMillis(50));
            }
          }
        };
    scheduler.schedule(poll[0], java.time.Duration.ofMillis(50));
    return result;
  }

  /**
   * Copies of the message keys (SK_ei, SK_er, SK_ai, SK_ar) of every IKE SA that has them, for a
   * packet-capture key table; the caller wipes them. Blocks up to {@code timeout}: never call it
   * from an IKE SA's executor.
   */
  public List<IkeSaSecrets> secrets(java.time.Duration timeout) {
    return manager.secrets(timeout);
  }

  /**
   * A stop for restart: snapshots of the established IKEv2 SAs with no exchange under way, with
   * their Child SAs, for the next process to {@link #restore} (see {@link IkeSaSnapshot}). Call it
   * after the sockets are closed, so that nothing this engine sends afterwards reaches a peer and
   * the Message IDs stay where the snapshot says. IKEv1 ISAKMP SAs are not carried over. The caller
   * wipes the snapshots. Blocks up to {@code timeout}: never call it from an IKE SA's executor.
   */
  public List<IkeSaSnapshot> exportForRestart(java.time.Duration timeout) {
    return manager.exportForRestart(timeout);
  }

  /**
   * Resumes an IKE SA of the previous process ({@link #exportForRestart}) as ESTABLISHED, without
   * any exchange: its Message IDs, deadlines and Child SAs (whose ESP SAs the data plane restored
   * itself) carry on, so a later rekey, liveness check or Delete runs on it. Call it before {@link
   * #start()} and before any datagram is received. The snapshot stays the caller's to wipe.
   *
   * @return empty when resumed, else why not (its peer is no longer configured, an SPI clash)
   */
  public Optional<String> restore(IkeSaSnapshot snapshot) {
    return manager.restore(snapshot);
  }

  /**
   * The data plane has a packet for {@code policyRef} and {@code peer} but no SA (SADB_ACQUIRE):
   * creates the Child SA on an existing IKE SA with the peer, or initiates one; while a back-off
   * retry with the peer is armed, the Child SA joins it. A traffic-triggered initiation that fails
   * is retried with back-off while the data plane holds packets for it ({@link
   * IpsecPort#acquirePending}).
   */
  public void acquire(long policyRef, InetAddress peer) {
    for (PeerConfig p : peers()) {
      Optional<ChildConfig> c = p.childForPolicy(policyRef);
      if (c.isPresent() && (p.remoteAddress() == null || p.remoteAddress().equals(peer))) {
        InetAddress to = p.remoteAddress() != null ? p.remoteAddress() : peer;
        if (p.version() == IKEV2) {
          manager.acquire(p, c.get(), to);
        } else {
          connect(p, List.of(c.get()), to);
        }
        return;
      }
    }
    log.info("acquire for policy {} to {}: no peer configuration", policyRef, peer);
  }

  /**
   * An SA reached a lifetime (SADB_EXPIRE): SOFT rekeys the pair with inbound SPI {@code spi}, HARD
   * deletes it (the data plane already removed it).
   */
  public void expire(int spi, ExpireKind kind) {
    for (VersionProtocol.Side side : sides.values()) {
      if (side.expire(spi, kind)) {
        return;
      }
    }
    manager.expire(spi, kind);
  }

  /**
   * ESP arrived for an SPI the data plane does not know: if an IKE SA with the sender exists, it
   * tells the peer with an INVALID_SPI notification (RFC 7296 section 2.21.4), at most once per SPI
   * and minute; if none exists and the sender is a configured peer, it initiates an IKE SA with
   * INITIAL_CONTACT so that the peer drops the SAs we lost (section 2.4), at most once per peer and
   * 10 s. Cheap and non-blocking.
   */
  public void unknownSpi(int spi, InetSocketAddress from) {
    stats.unknownEspSpi.incrementAndGet();
    manager.unknownSpi(spi, from);
  }

  /** The SA manager (for tests in this package). */
  SaManager manager() {
    return manager;
  }

  /** Counters. */
  public EngineStats stats() {
    return stats;
  }

  /** The peer configurations. */
  public List<PeerConfig> peers() {
    return peers;
  }

  /**
   * Replaces the peer configurations (a configuration reload). Only new negotiations use them: the
   * IKE SAs that exist keep the configuration they were made with, whether or not their peer is
   * still configured; the caller terminates those it no longer wants ({@link #terminate}).
   *
   * @throws IllegalArgumentException when two peers have one name
   */
  public void replacePeers(List<PeerConfig> next) {
    List<PeerConfig> copy = List.copyOf(next);
    if (copy.stream().map(PeerConfig::name).distinct().count() != copy.size()) {
      throw new IllegalArgumentException("two peers with one name");
    }
    peers = copy;
  }

  /**
   * Engine-internal. The rate limit of the log lines about bad input (one per source per interval,
   * then a summary).
   */
  LogRateLimiter badInputLog() {
    return front.badInputLog();
  }

  /** Half-open responder SAs right now. */
  public int halfOpenCount() {
    return halfOpenLimit.count();
  }

  private Optional<PeerConfig> peer(String name) {
    return peers().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  // ---------------------------------------------------------------- engine-internal services

  /** Engine-internal. Node settings. */
  public EngineSettings settings() {
    return settings;
  }

  /** Engine-internal. Our address for peers whose configuration names none (may be null). */
  public InetAddress localAddress() {
    return defaultLocal;
  }

  /** Engine-internal. The randomness source (keys, nonces, SPIs, IVs, jitter). */
  public SecureRandom random() {
    return random;
  }

  /** Engine-internal. {@code n} random bytes. */
  public Bytes randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return Bytes.of(b);
  }

  /** Engine-internal. Time and timers. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Engine-internal. The data plane. */
  public IpsecPort ipsec() {
    return ipsec;
  }

  /** Engine-internal. The socket. */
  public IkeNetwork network() {
    return network;
  }

  /** Engine-internal. The random IPv4 address whose hash fakes NAT detection (encap). */
  public byte[] fakeNatSource() {
    return fakeNatSource.clone();
  }

  /** Engine-internal. Makes the task manager of each IKE SA. */
  TaskFactory taskFactory() {
    return taskFactory;
  }

  /** Engine-internal. The lifecycle listener ({@link IkeListener#NONE} if none was set). */
  public IkeListener listener() {
    return listener;
  }

  /** Engine-internal. A new engine-unique SA id (IKEv2 and other versions share the sequence). */
  public long newSaId() {
    return manager.newId();
  }

  /** Engine-internal. The peer configurations of IKE major version {@code version}. */
  public List<PeerConfig> peers(int version) {
    return peers.stream().filter(p -> p.version() == version).toList();
  }

  /** Engine-internal. Reports a message to the observer, if any. */
  public void observe(IkeSa sa, boolean outbound, Message m) {
    if (log.isDebugEnabled()) {
      log.debug("{}: {} {}", sa, outbound ? "sending" : "received", MessageSummary.of(m));
    }
    if (observer != null) {
      observer.onMessage(sa.id(), outbound, m);
    }
  }

  /** Engine-internal. Reports a stateless reply of the front (no SA: id 0). */
  void observeStateless(Message m) {
    if (log.isDebugEnabled()) {
      log.debug("stateless reply: sending {}", MessageSummary.of(m));
    }
    if (observer != null) {
      observer.onMessage(0, true, m);
    }
  }

  // ---------------------------------------------------------------- builder

  /** Builder for {@link IkeEngine}. Not thread-safe. */
  public static final class Builder {
    private EngineSettings settings = EngineSettings.DEFAULT;
    private final List<PeerConfig> peers = new ArrayList<>();
    private IkeNetwork network;
    private IpsecPort ipsec;
    private Scheduler scheduler;
    private SecureRandom random;
    private TaskFactory tasks;
    private InetAddress localAddress;
    private MessageObserver observer;
    private IkeListener listener = IkeListener.NONE;
    private ReconnectBackoff backoff = ReconnectBackoff.DEFAULT;
    private final List<VersionProtocol> protocols = new ArrayList<>();

    private Builder() {}

    /** The waits before initiating again after a failure or a dead peer (default: DEFAULT). */
    public Builder reconnectBackoff(ReconnectBackoff b) {
      this.backoff = Objects.requireNonNull(b, "backoff");
      return this;
    }

    public Builder settings(EngineSettings s) {
      this.settings = Objects.requireNonNull(s, "settings");
      return this;
    }

    public Builder peer(PeerConfig p) {
      peers.add(Objects.requireNonNull(p, "peer"));
      return this;
    }

    public Builder peers(List<PeerConfig> list) {
      peers.addAll(list);
      return this;
    }

    public Builder network(IkeNetwork n) {
      this.network = n;
      return this;
    }

    public Builder ipsec(IpsecPort p) {
      this.ipsec = p;
      return this;
    }

    public Builder scheduler(Scheduler s) {
      this.scheduler = s;
      return this;
    }

    /**
     * Makes each IKE SA's task manager: {@code new org.meshsec.ike.task.Ikev2TaskFactory()} for
     * IKEv2. Passed in rather than looked up, so that this package does not depend on the tasks'.
     */
    public Builder tasks(TaskFactory f) {
      this.tasks = f;
      return this;
    }

    /**
     * Serves another IKE major version beside IKEv2: {@code new
     * org.meshsec.ike.v1.sa.Ikev1Protocol()} for IKEv1. Passed in, like {@link #tasks}, so that
     * this package does not depend on the version's.
     */
    public Builder protocol(VersionProtocol p) {
      protocols.add(Objects.requireNonNull(p, "protocol"));
      return this;
    }

    public Builder random(SecureRandom r) {
      this.random = r;
      return this;
    }

    /** Our address for peers whose configuration names none. */
    public Builder localAddress(InetAddress a) {
      this.localAddress = a;
      return this;
    }

    /** Sees every message sent and accepted (tests, debugging). */
    public Builder observer(MessageObserver o) {
      this.observer = o;
      return this;
    }

    /** Hears IKE SA lifecycle events (the daemon's commands wait on them). */
    public Builder listener(IkeListener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    public IkeEngine build() {
      return new IkeEngine(this);
    }
  }
}
