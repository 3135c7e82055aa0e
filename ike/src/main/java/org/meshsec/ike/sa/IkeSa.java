package org.meshsec.ike.sa;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.crypto.ChildSaKeys;
import org.meshsec.ike.crypto.IkeSaKeys;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.Cancellable;
import org.meshsec.ike.port.ChildSaInstall;
import org.meshsec.ike.port.SerialExecutor;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IKE SA (RFC 7296 section 1.2): its {@link IkeKeying} (SPIs, nonces, negotiated algorithms and
 * keys), peer configuration and identity, Child SAs, timers and its task manager ({@link
 * IkeSaTasks}, made by the {@link TaskFactory}). The exchanges themselves are the tasks' business
 * (package {@code org.meshsec.ike.task}); this class holds state and the lifecycle of {@link
 * IkeSaState}.
 *
 * <p><b>Threads.</b> Not thread-safe. Every method except {@link #info()}, {@link #state()}, {@link
 * #id()} and {@link #execute} must run on the SA's owner executor ({@link #execute}), a {@link
 * SerialExecutor} over the engine's shared pool; an SA created by rekeying shares its predecessor's
 * executor, so that Child SAs can move between the two without locks. Timers hand their work to
 * that executor.
 *
 * <p>The public methods other than the snapshot accessors are engine-internal: the tasks of {@code
 * org.meshsec.ike.task} call them.
 *
 * <p>Why one class of about 700 lines: the negotiation state is in {@link IkeKeying}, the exchanges
 * in the task manager and the rules across SAs in the {@link SaManager}; what remains is the SA's
 * lifecycle (its state, timers for rekey, lifetime, DPD and half-open expiry, destruction) and its
 * Child SAs (installation with their timers, removal, hand-over to a rekeyed successor). Those two
 * halves act on each other at every step (destroying moves or deletes the children; installing a
 * child checks the SA's state and executor), so they stay together.
 */
public final class IkeSa {
  private static final Logger log = LoggerFactory.getLogger(IkeSa.class);

  private final IkeEngine engine;
  private final SaManager manager;
  private final long id;
  private final SerialExecutor executor;

  /** The SAs sharing {@link #executor} (an SA and its rekeyed successors); executor-confined. */
  private final List<IkeSa> family;

  private final boolean originalInitiator;
  private final Instant created;
  private final long createdSeq;
  private volatile long establishedSeq;
  private final IkeSa predecessor;
  private volatile IkeSaState state = IkeSaState.CREATED;
  private final IkeKeying keying;
  private volatile PeerConfig config;
  private List<PeerConfig> candidates;
  private InetSocketAddress local;
  private InetSocketAddress remote;

  private PeerIdentity peerId;
  private Instant established;
  private Instant rekeyAt;
  private Instant lifeEndsAt;
  private Instant lastReceived;
  private boolean halfOpen;

  private final Map<Integer, ChildSa> children = new LinkedHashMap<>();
  private final IkeSaTasks tasks;
  private Cancellable rekeyTimer = Cancellable.NONE;
  private Cancellable lifeTimer = Cancellable.NONE;
  private Cancellable dpdTimer = Cancellable.NONE;
  private Cancellable halfOpenTimer = Cancellable.NONE;
  private Instant halfOpenSince;
  private volatile IkeSaInfo snapshot;

  /** Original initiator: the Child SAs this SA was initiated for (retried if it fails). */
  private final Map<String, ChildConfig> wanted = new LinkedHashMap<>();

  /** Whether a failure of this initiation is retried whatever the children's start actions. */
  private boolean persistent;

  /** Whether {@link #terminate()} removed this SA (a command, a duplicate): not a failure. */
  private boolean terminated;

  IkeSa(
      SaManager manager,
      long id,
      SerialExecutor executor,
      IkeKeying keying,
      PeerConfig config,
      List<PeerConfig> candidates,
      InetSocketAddress local,
      InetSocketAddress remote,
      IkeSa predecessor) {
    this.manager = manager;
    this.engine = manager.engine();
    this.id = id;
    this.executor = executor;
    this.keying = keying;
    this.originalInitiator = keying.originalInitiator();
    this.config = config;
    this.candidates = List.copyOf(candidates);
    this.local = local;
    this.remote = remote;
    this.predecessor = predecessor;
    this.family = predecessor != null ? predecessor.family : new ArrayList<>();
    this.created = engine.scheduler().now();
    this.createdSeq = manager.nextEvent();
    this.lastReceived = created;
    this.peerId = predecessor != null ? predecessor.peerId : null;
    this.tasks = engine.taskFactory().tasksFor(this);
    family.add(this);
    publish();
  }

  // ---------------------------------------------------------------- identity and accessors

  /** The engine's unique number for this SA. */
  public long id() {
    return id;
  }

  public IkeEngine engine() {
    return engine;
  }

  /** The SA manager holding this SA (other SAs with the peer, Child SA owners). */
  public SaManager manager() {
    return manager;
  }

  public IkeSaState state() {
    return state;
  }

  /** Whether we are the original initiator (the I flag we send, RFC 7296 section 3.1). */
  public boolean isOriginalInitiator() {
    return originalInitiator;
  }

  public long spiI() {
    return keying.spiI();
  }

  public long spiR() {
    return keying.spiR();
  }

  /** Our SPI: the engine finds the SA by it. */
  public long localSpi() {
    return originalInitiator ? keying.spiI() : keying.spiR();
  }

  /** The keying context: nonces, IKE_SA_INIT messages, keys and SK ciphers, NAT results. */
  public IkeKeying keying() {
    return keying;
  }

  /** The peer configuration; for a responder, the first candidate until IKE_AUTH picks one. */
  public PeerConfig config() {
    return config;
  }

  /** Responder: the configurations that match the peer's address, to choose from by identity. */
  public List<PeerConfig> candidates() {
    return candidates;
  }

  /**
   * IKE_AUTH verified the peer as {@code id} under configuration {@code c} (for a responder, the
   * candidate it selected; for an initiator, its own configuration).
   */
  public void authenticated(PeerConfig c, PeerIdentity id) {
    this.config = Objects.requireNonNull(c, "config");
    this.candidates = List.of(c);
    this.peerId = id;
  }

  public InetSocketAddress local() {
    return local;
  }

  public InetSocketAddress remote() {
    return remote;
  }

  /**
   * Initiator after IKE_SA_INIT: moves to the NAT traversal port (RFC 7296 section 2.23), where
   * meshsec always runs, since it always encapsulates ESP.
   */
  public void floatToNattPort() {
    int natt = engine.settings().nattPort();
    local = new InetSocketAddress(local.getAddress(), natt);
    remote = new InetSocketAddress(remote.getAddress(), natt);
  }

  /** Follows the peer to the address and port an authenticated message came from (section 2.23). */
  public void updatePath(InetSocketAddress ourEnd, InetSocketAddress peerEnd) {
    if (!peerEnd.equals(remote) || !ourEnd.equals(local)) {
      log.debug(
          "IKE SA {}: path {} <-> {}", id, InetText.endpoint(ourEnd), InetText.endpoint(peerEnd));
      remote = peerEnd;
      local = ourEnd;
    }
  }

  /** The task manager. */
  public IkeSaTasks tasks() {
    return tasks;
  }

  public IkeSa predecessor() {
    return predecessor;
  }

  public Instant created() {
    return created;
  }

  public Instant established() {
    return established;
  }

  /**
   * Whether this SA was established before {@code other} was created, in the engine's event order
   * (virtual time in tests gives equal timestamps; the order does not). Thread-safe.
   */
  boolean establishedBeforeCreationOf(IkeSa other) {
    long e = establishedSeq;
    return e != 0 && e < other.createdSeq;
  }

  // ---------------------------------------------------------------- negotiated parameters

  /** The lower of Ni and Nr: the SA holding the lowest nonce loses a collision (section 2.8.2). */
  public Bytes lowestNonce() {
    return keying.lowestNonce();
  }

  /** Whether both sides announced IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383 section 2.3). */
  public boolean fragmentation() {
    return keying.peerFragmentation() && engine.settings().fragmentation();
  }

  /** The identity the peer authenticated with. */
  public PeerIdentity peerId() {
    return peerId;
  }

  /**
   * Handles a datagram the engine matched to this SA by our SPI: checks the other SPI and the I
   * flag (RFC 7296 section 3.1), then hands it to the task manager. On the SA's executor.
   */
  void receive(byte[] datagram, IkeHeader h, InetSocketAddress ourEnd, InetSocketAddress peerEnd) {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    boolean fromOriginalInitiator = h.initiatorFlag();
    long spiI = keying.spiI();
    long spiR = keying.spiR();
    boolean spisMatch =
        h.exchangeType().equals(ExchangeType.IKE_SA_INIT)
            ? h.initiatorSpi() == spiI
                && (h.responderSpi() == 0 || h.responderSpi() == spiR || spiR == 0)
            : h.initiatorSpi() == spiI && h.responderSpi() == spiR;
    if (!spisMatch || fromOriginalInitiator == originalInitiator) {
      engine.stats().unknownSpi.incrementAndGet();
      return;
    }
    tasks.receive(datagram, h, ourEnd, peerEnd);
  }

  // ---------------------------------------------------------------- executor and timers

  /**
   * Runs {@code r} on this SA's owner executor, then publishes the snapshots of the SAs sharing it.
   * The newest SA is published first, so that a listener told that an SA was rekeyed already finds
   * its successor in {@code IkeEngine.list()}. Thread-safe.
   */
  public void execute(Runnable r) {
    executor.execute(
        () -> {
          try {
            r.run();
          } finally {
            List<IkeSa> members = List.copyOf(family);
            for (int i = members.size() - 1; i >= 0; i--) {
              members.get(i).publish();
            }
          }
        });
  }

  SerialExecutor executor() {
    return executor;
  }

  /** Runs {@code r} on this SA's executor after {@code delay}. */
  public Cancellable schedule(Runnable r, Duration delay) {
    return engine.scheduler().schedule(() -> execute(r), delay);
  }

  /** When the last authenticated message arrived from the peer. On the SA's executor. */
  Instant lastReceived() {
    return lastReceived;
  }

  /** Notes that an authenticated message arrived from the peer (for DPD). */
  public void touch() {
    lastReceived = engine.scheduler().now();
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts connecting as original initiator, with the first of {@code children} created in
   * IKE_AUTH.
   *
   * @param persistent whether a failure is retried whatever the children's start actions
   */
  void connect(List<ChildConfig> children, boolean persistent) {
    want(children, persistent);
    setState(IkeSaState.CONNECTING);
    tasks.connect(children);
  }

  /**
   * Original initiator not yet established: {@code children} are wanted too, so that a failure
   * retries them ({@link Reconnects}).
   */
  void want(List<ChildConfig> children, boolean persistent) {
    if (originalInitiator && established == null) {
      children.forEach(c -> wanted.putIfAbsent(c.name(), c));
      this.persistent |= persistent;
    }
  }

  /**
   * Responder: an IKE_SA_INIT request arrived for this new SA. The front counted it half-open when
   * it created it; if the SA is already destroyed (the engine's shutdown ran on this executor
   * between the creation and this task), it answers nothing and only gives that count back.
   */
  void acceptAsResponder() {
    if (state == IkeSaState.DESTROYED) {
      manager.halfOpenDone(this);
      return;
    }
    setState(IkeSaState.CONNECTING);
    halfOpen = true;
    tasks.respondToConnect();
    halfOpenSince = engine.scheduler().now();
    armHalfOpenCheck();
  }

  /**
   * Checks the half-open SA at a quarter of the configured timeout, so that under pressure (see
   * {@link HalfOpenLimit#timeout}) SAs created before the pressure age out fast too.
   */
  private void armHalfOpenCheck() {
    Duration base = engine.settings().halfOpenTimeout();
    Duration age = Duration.between(halfOpenSince, engine.scheduler().now());
    Duration step = base.dividedBy(HalfOpenLimit.PRESSURE_DIVISOR);
    Duration untilFull = base.minus(age);
    halfOpenTimer = schedule(this::halfOpenCheck, untilFull.compareTo(step) < 0 ? untilFull : step);
  }

  private void halfOpenCheck() {
    if (state != IkeSaState.CONNECTING || !halfOpen) {
      return;
    }
    Duration timeout = manager.halfOpenTimeout();
    if (Duration.between(halfOpenSince, engine.scheduler().now()).compareTo(timeout) >= 0) {
      destroy("not authenticated within " + timeout);
    } else {
      armHalfOpenCheck();
    }
  }

  /** Whether this is a responder SA not yet authenticated. */
  boolean isHalfOpen() {
    return halfOpen;
  }

  public void setState(IkeSaState s) {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    if (s != state) {
      log.debug("IKE SA {} ({}): {} -> {}", id, peerName(), state, s);
    }
    state = s;
  }

  /**
   * IKE_AUTH completed (or a rekey created this SA): ESTABLISHED, timers armed, and the engine told
   * so that it can resolve duplicates and INITIAL_CONTACT.
   */
  public void establish() {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    setState(IkeSaState.ESTABLISHED);
    established = engine.scheduler().now();
    establishedSeq = manager.nextEvent();
    halfOpenTimer.cancel();
    if (halfOpen) {
      halfOpen = false;
      manager.halfOpenDone(this);
    }
    armLifetime();
    armDpd();
    log.info(
        "IKE SA {} established with {} ({}, {}), {}",
        id,
        peerName(),
        InetText.endpoint(remote),
        peerId == null ? "-" : peerId.text(),
        keying.proposal());
    if (manager.isShuttingDown()) {
      // an IKE_AUTH or IKE rekey that was in flight when the shutdown began: the peer holds this
      // SA too, so it is deleted rather than dropped
      terminate();
      return;
    }
    execute(() -> manager.checkDuplicates(this));
  }

  private void armLifetime() {
    RekeySchedule lt = config.ikeLifetime();
    Instant now = engine.scheduler().now();
    if (!lt.rekeyTime().isZero()) {
      Duration at = jittered(lt);
      rekeyAt = now.plus(at);
      rekeyTimer = schedule(this::rekeyTimerFired, at);
    }
    if (!lt.lifeTime().isZero()) {
      lifeEndsAt = now.plus(lt.lifeTime());
      lifeTimer = schedule(this::lifetimeExpired, lt.lifeTime());
    }
  }

  /** The rekey time minus a random part of the jitter, so peers do not rekey in lockstep. */
  Duration jittered(RekeySchedule lt) {
    long jitter = lt.jitter().toMillis();
    long minus = jitter > 0 ? engine.random().nextLong(jitter + 1) : 0;
    return lt.rekeyTime().minusMillis(minus);
  }

  private void rekeyTimerFired() {
    if (state == IkeSaState.ESTABLISHED) {
      rekey();
    }
  }

  /** Queues a rekey of this IKE SA (section 2.18). */
  public void rekey() {
    if (state.isUsable() && !manager.isShuttingDown()) {
      tasks.rekeyIke();
    }
  }

  private void lifetimeExpired() {
    log.info("IKE SA {} reached its hard lifetime", id);
    terminate();
  }

  private void armDpd() {
    if (config.dpd().enabled()) {
      dpdTimer.cancel();
      dpdTimer = schedule(this::dpdCheck, config.dpd().delay());
    }
  }

  /**
   * Sends a liveness check when nothing authenticated came from the peer for the DPD delay: neither
   * an IKE message nor ESP on one of the SA's Child SAs (RFC 7296 section 2.4: only when no
   * cryptographically protected traffic was received; RFC 3706 section 5.1). Else checks again when
   * the delay has passed since the last such packet.
   */
  private void dpdCheck() {
    if (!state.isUsable()) {
      return;
    }
    Duration delay = config.dpd().delay();
    Duration idle = idle();
    if (idle.compareTo(delay) >= 0) {
      tasks.checkLiveness();
      dpdTimer = schedule(this::dpdCheck, delay);
    } else {
      dpdTimer = schedule(this::dpdCheck, delay.minus(idle));
    }
  }

  /**
   * Time since the last authenticated message from the peer: IKE, or ESP on a Child SA (proof of
   * life, RFC 7296 section 2.4). On the SA's executor.
   */
  public Duration idle() {
    Duration idle = Duration.between(lastReceived, engine.scheduler().now());
    for (ChildSa c : children.values()) {
      Optional<Duration> esp = engine.ipsec().inboundIdle(c.inboundSpi());
      if (esp.isPresent() && esp.get().compareTo(idle) < 0) {
        idle = esp.get().isNegative() ? Duration.ZERO : esp.get();
      }
    }
    return idle;
  }

  /**
   * The engine is shutting down ({@link IkeEngine#shutdown()}): as {@link #terminate()}, except
   * that an original initiator whose IKE_SA_INIT completed (its IKE_AUTH request may have reached
   * the peer) is left to finish; {@link #establish()} then deletes it, a failure destroys it.
   */
  void shutdown() {
    if (state == IkeSaState.CONNECTING && originalInitiator && keying.spiR() != 0) {
      log.debug("IKE SA {} ({}): IKE_AUTH in flight, deleted once established", id, peerName());
      return;
    }
    terminate();
  }

  /** Queues a Delete of this IKE SA, or destroys it at once if it is not usable (section 1.4.1). */
  public void terminate() {
    terminated = true;
    switch (state) {
      case ESTABLISHED, REKEYING, REKEYED -> tasks.deleteIke();
      case DELETING, DESTROYED -> {}
      default -> destroy("terminated");
    }
  }

  /**
   * An exchange got no answer (section 2.4) and nothing else proves the peer alive: the SA is
   * removed, counted by {@code cause}, and the DPD action applies.
   */
  public void peerDead(EngineStats.DeadPeerCause cause, String why) {
    IkeSaState was = state;
    PeerConfig c = config;
    List<ChildConfig> had = children.values().stream().map(ChildSa::config).distinct().toList();
    log.warn("IKE SA {} ({}): peer {} is dead: {}", id, peerName(), endpointText(), why);
    destroy("peer dead: " + why);
    engine.stats().deadPeer(cause);
    if (c != null && was != IkeSaState.CONNECTING && c.dpd().action() == DpdAction.RESTART) {
      manager.restart(c, had);
    }
  }

  /**
   * Removes the SA: timers stopped, tasks aborted (releasing reserved SPIs), Child SAs moved to a
   * rekeyed successor if there is one or else deleted from the data plane, keys wiped. Idempotent.
   */
  public void destroy(String reason) {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    if (establishedSeq != 0 || originalInitiator) {
      log.info("IKE SA {} ({}) destroyed: {}", id, peerName(), reason);
    } else {
      // a responder SA that never authenticated: one per spoofed or abandoned IKE_SA_INIT, so a
      // flood must not turn into one INFO line each (counted in the engine's half-open stats)
      log.debug("half-open IKE SA {} ({}) destroyed: {}", id, peerName(), reason);
    }
    rekeyTimer.cancel();
    lifeTimer.cancel();
    dpdTimer.cancel();
    halfOpenTimer.cancel();
    tasks.abortAll();
    Optional<IkeSa> heir = manager.heirOf(this);
    if (heir.isPresent() && !children.isEmpty()) {
      moveChildrenTo(heir.get());
    }
    for (ChildSa c : new ArrayList<>(children.values())) {
      removeChild(c, true);
    }
    keying.wipe();
    if (halfOpen) {
      halfOpen = false;
      manager.halfOpenDone(this);
    }
    state = IkeSaState.DESTROYED;
    family.remove(this);
    publish();
    manager.unregister(this);
    if (originalInitiator && predecessor == null && established == null && !terminated) {
      manager.initiationFailed(this, List.copyOf(wanted.values()), persistent);
    }
    try {
      engine.listener().ikeSaDestroyed(snapshot, reason);
    } catch (RuntimeException e) {
      log.warn("IKE SA {} ({}): the lifecycle listener failed", id, peerName(), e);
    }
  }

  /**
   * Copies of the keys that protect this SA's messages, for a capture key table; empty before
   * IKE_SA_INIT derived them and after the wipe. Runs on the SA's executor (call it there).
   */
  Optional<IkeSaSecrets> secrets() {
    IkeSaKeys k = keying.keys();
    if (k == null || state == IkeSaState.DESTROYED || k.skEi().isWiped()) {
      return Optional.empty();
    }
    return Optional.of(
        new IkeSaSecrets(
            keying.spiI(),
            keying.spiR(),
            k.suite(),
            SecretBytes.wrap(k.skEi().copy()),
            SecretBytes.wrap(k.skEr().copy()),
            SecretBytes.wrap(k.skAi().copy()),
            SecretBytes.wrap(k.skAr().copy())));
  }

  // ---------------------------------------------------------------- hot restart

  /**
   * What a hot restart needs to carry this SA over ({@link IkeSaSnapshot}): empty unless it is
   * ESTABLISHED with its keys and no exchange is under way (an outstanding request may or may not
   * have reached the peer, so the Message IDs would not say where the SA stands; such an SA is left
   * behind, and its Child SAs' ESP SAs still carry traffic until their lifetimes end). Only the
   * INSTALLED Child SAs go with it. Runs on the SA's executor; the caller wipes the snapshot.
   */
  Optional<IkeSaSnapshot> exportForRestart() {
    IkeSaKeys k = keying.keys();
    if (state != IkeSaState.ESTABLISHED
        || k == null
        || k.skD().isWiped()
        || config == null
        || established == null
        || !tasks.quiet()) {
      return Optional.empty();
    }
    Instant now = engine.scheduler().now();
    List<IkeSaSnapshot.Child> kids = new ArrayList<>();
    for (ChildSa c : children.values()) {
      if (c.state() == ChildSaState.INSTALLED) {
        kids.add(
            new IkeSaSnapshot.Child(
                c.name(),
                c.inboundSpi(),
                c.outboundSpi(),
                c.suite(),
                c.esn(),
                c.mode(),
                c.localTs(),
                c.remoteTs(),
                c.nonceI(),
                c.nonceR(),
                c.weInitiated(),
                left(c.rekeyAt(), now),
                left(c.expireAt(), now)));
      }
    }
    return Optional.of(
        new IkeSaSnapshot(
            config.name(),
            originalInitiator,
            keying.spiI(),
            keying.spiR(),
            keying.proposal(),
            k.keymat(),
            keying.nonceI(),
            keying.nonceR(),
            tasks.nextRequestId(),
            tasks.nextResponseId(),
            IkeSaSnapshot.idType(peerId),
            IkeSaSnapshot.idData(peerId),
            local,
            remote,
            keying.natHere(),
            keying.natThere(),
            keying.peerFragmentation(),
            Duration.between(established, now),
            left(rekeyAt, now),
            left(lifeEndsAt, now),
            kids));
  }

  private static Duration left(Instant at, Instant now) {
    if (at == null) {
      return null;
    }
    Duration d = Duration.between(now, at);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * Makes this new SA the one {@code s} describes, ESTABLISHED with its Message IDs, deadlines and
   * Child SAs, without any exchange (a hot restart; the data plane holds the children's ESP SAs
   * already). Children whose configuration is gone from the peer are left out. Called by the
   * manager before the SA is registered, so nothing else can reach it yet.
   */
  void resume(IkeSaSnapshot s) {
    Instant now = engine.scheduler().now();
    peerId = s.peerIdentity();
    tasks.resumeMessageIds(s.nextRequestId(), s.nextResponseId());
    state = IkeSaState.ESTABLISHED;
    established = now.minus(s.age());
    establishedSeq = manager.nextEvent();
    if (s.rekeyIn() != null) {
      rekeyAt = now.plus(s.rekeyIn());
      rekeyTimer = schedule(this::rekeyTimerFired, s.rekeyIn());
    }
    if (s.lifeLeft() != null) {
      lifeEndsAt = now.plus(s.lifeLeft());
      lifeTimer = schedule(this::lifetimeExpired, s.lifeLeft());
    }
    armDpd();
    for (IkeSaSnapshot.Child k : s.children()) {
      Optional<ChildConfig> cc =
          config.children().stream().filter(c -> c.name().equals(k.config())).findFirst();
      if (cc.isEmpty()) {
        log.info("IKE SA {} ({}): Child SA {} not resumed: no such child", id, peerName(), k);
        continue;
      }
      ChildSa child =
          new ChildSa(
              cc.get(),
              k.inboundSpi(),
              k.outboundSpi(),
              k.suite(),
              k.esn(),
              k.mode(),
              k.localTs(),
              k.remoteTs(),
              k.nonceI(),
              k.nonceR(),
              k.weInitiated(),
              null);
      children.put(child.inboundSpi(), child);
      manager.registerChild(child.inboundSpi(), this);
      int spi = child.inboundSpi();
      Cancellable rekey = Cancellable.NONE;
      Cancellable expire = Cancellable.NONE;
      if (k.rekeyIn() != null) {
        rekey = engine.scheduler().schedule(() -> manager.childTimer(spi, false), k.rekeyIn());
      }
      if (k.expireIn() != null) {
        expire = engine.scheduler().schedule(() -> manager.childTimer(spi, true), k.expireIn());
      }
      child.timers(
          now,
          k.rekeyIn() == null ? null : now.plus(k.rekeyIn()),
          k.expireIn() == null ? null : now.plus(k.expireIn()),
          rekey,
          expire);
    }
    log.info(
        "IKE SA {} resumed with {} ({}, {}), {} Child SA(s), no exchange",
        id,
        peerName(),
        InetText.endpoint(remote),
        peerId == null ? "-" : peerId.text(),
        children.size());
    publish();
  }

  // ---------------------------------------------------------------- children

  /** The Child SAs, in creation order. */
  public List<ChildSa> children() {
    return List.copyOf(children.values());
  }

  /** The pair whose inbound SPI (ours) is {@code spi}. */
  public Optional<ChildSa> childByInbound(int spi) {
    return Optional.ofNullable(children.get(spi));
  }

  /** The pair whose outbound SPI (the peer's) is {@code spi}. */
  public Optional<ChildSa> childByOutbound(int spi) {
    return children.values().stream().filter(c -> c.outboundSpi() == spi).findFirst();
  }

  /**
   * Installs a negotiated pair in the data plane (inbound and outbound together), wipes the keys,
   * arms its rekey and lifetime timers and then checks for a duplicate of the same configuration.
   *
   * @throws IllegalStateException if the data plane refused the pair (the keys are wiped anyway)
   */
  public void installChild(ChildSa child, ChildSaKeys childKeys) {
    ChildConfig cc = child.config();
    RekeySchedule lt = cc.lifetime();
    try {
      engine
          .ipsec()
          .install(
              new ChildSaInstall(
                  cc.policyRef(),
                  cc.name(),
                  child.inboundSpi(),
                  childKeys.inbound(child.weInitiated()),
                  child.outboundSpi(),
                  childKeys.outbound(child.weInitiated()),
                  child.suite(),
                  child.esn(),
                  child.mode(),
                  child.localTs(),
                  child.remoteTs(),
                  new InetSocketAddress(local.getAddress(), engine.settings().nattPort()),
                  remote,
                  new SaLifetime(0, lt.rekeyBytes(), lt.rekeyPackets()),
                  new SaLifetime(lt.lifeTime().toSeconds(), 0, 0),
                  Duration.ZERO)); // IKEv2: the responder installed both before answering
    } catch (RuntimeException e) {
      throw new IllegalStateException("the data plane refused Child SA " + child, e);
    } finally {
      childKeys.wipe();
    }
    children.put(child.inboundSpi(), child);
    manager.registerChild(child.inboundSpi(), this);
    Instant now = engine.scheduler().now();
    Instant rekeyTime = null;
    Cancellable rekey = Cancellable.NONE;
    Cancellable expire = Cancellable.NONE;
    Instant expireTime = null;
    int spi = child.inboundSpi();
    if (!lt.rekeyTime().isZero()) {
      Duration d = jittered(lt);
      rekeyTime = now.plus(d);
      rekey = engine.scheduler().schedule(() -> manager.childTimer(spi, false), d);
    }
    if (!lt.lifeTime().isZero()) {
      expireTime = now.plus(lt.lifeTime());
      expire = engine.scheduler().schedule(() -> manager.childTimer(spi, true), lt.lifeTime());
    }
    child.timers(now, rekeyTime, expireTime, rekey, expire);
    log.info(
        "Child SA {} installed with {}: {} === {} {} {}",
        child,
        peerName(),
        child.localTs(),
        child.remoteTs(),
        child.suite(),
        child.mode());
    execute(() -> manager.checkDuplicateChild(this, child));
  }

  /**
   * Removes a pair from this SA and, if {@code fromDataPlane}, from the data plane (both SAs).
   * Idempotent.
   */
  public void removeChild(ChildSa child, boolean fromDataPlane) {
    if (children.remove(child.inboundSpi()) == null && child.state() == ChildSaState.DELETED) {
      return;
    }
    child.cancelTimers();
    manager.unregisterChild(child.inboundSpi(), this);
    if (fromDataPlane && child.state() != ChildSaState.DELETED) {
      engine.ipsec().delete(child.inboundSpi(), child.outboundSpi(), remote.getAddress());
      log.info("Child SA {} deleted", child);
    }
    child.setState(ChildSaState.DELETED);
  }

  /**
   * Our Delete request for {@code child} (or for this IKE SA, with it) is about to be sent: the
   * data plane stops sending on the pair's outbound SA now, since the peer drops its inbound SA
   * when the Delete arrives (RFC 7296 section 1.4.1), while our inbound SA stays until the exchange
   * completes. Packets then use the surviving SA of the policy (a duplicate's winner, a rekeyed
   * pair), so none is sent on an SA the peer is about to forget.
   */
  public void stopSending(ChildSa child) {
    if (child.state() != ChildSaState.DELETED && child.outboundSpi() != 0) {
      engine.ipsec().deleteOutbound(child.outboundSpi(), remote.getAddress());
    }
  }

  /** Moves every Child SA to {@code heir} (an IKE SA that replaced this one, section 2.18). */
  public void moveChildrenTo(IkeSa heir) {
    if (heir == this) {
      return;
    }
    for (ChildSa c : new ArrayList<>(children.values())) {
      children.remove(c.inboundSpi());
      heir.children.put(c.inboundSpi(), c);
      manager.registerChild(c.inboundSpi(), heir);
    }
    log.debug("IKE SA {}: children moved to IKE SA {}", id, heir.id);
  }

  /** Moves not-yet-started tasks to {@code heir} (strongSwan's adopt_tasks). */
  public void moveQueuedTasksTo(IkeSa heir) {
    tasks.moveQueuedTo(heir.tasks);
  }

  /**
   * Asks for a Child SA of {@code cc}: does nothing if one is active or being created, else queues
   * its creation.
   */
  public void requestChild(ChildConfig cc) {
    if (manager.isShuttingDown()) {
      return;
    }
    boolean present =
        children.values().stream()
            .anyMatch(c -> c.config().name().equals(cc.name()) && c.isActive());
    if (!present) {
      tasks.createChild(cc);
    }
  }

  /** A child's timer fired: rekey it, or at the hard lifetime delete it. */
  void childTimer(ChildSa child, boolean hard) {
    if (hard) {
      log.info("Child SA {} reached its hard lifetime", child);
      deleteChild(child);
    } else if (child.state() == ChildSaState.INSTALLED) {
      rekeyChild(child);
    }
  }

  /** Queues a rekey of {@code child} (section 1.3.3). */
  public void rekeyChild(ChildSa child) {
    if ((!state.isUsable() && state != IkeSaState.CONNECTING) || manager.isShuttingDown()) {
      return;
    }
    if (child.state() == ChildSaState.INSTALLED) {
      tasks.rekeyChild(child);
    }
  }

  /** Queues a Delete of {@code child} (section 1.4.1), or removes it if the SA cannot send. */
  public void deleteChild(ChildSa child) {
    if (child.state() == ChildSaState.DELETED || child.state() == ChildSaState.DELETING) {
      return;
    }
    if (state.isUsable() || state == IkeSaState.REKEYED) {
      tasks.deleteChildren(List.of(child));
    } else {
      removeChild(child, true);
    }
  }

  // ---------------------------------------------------------------- snapshots

  private String endpointText() {
    return remote == null ? "-" : InetText.endpoint(remote);
  }

  String peerName() {
    return config != null ? config.name() : "?";
  }

  /** The last published snapshot. Thread-safe. */
  public IkeSaInfo info() {
    return snapshot;
  }

  /**
   * Engine-internal: an exchange we initiated has completed (its response is processed); publishes
   * a fresh snapshot and tells the listener ({@link IkeListener#exchangeDone}).
   */
  public void exchangeDone(ExchangeType exchange) {
    try {
      // heard before the snapshot is visible, so a caller that sees the new state has the event
      engine.listener().exchangeDone(newSnapshot(), exchange.toString());
    } catch (RuntimeException e) {
      log.warn("IKE SA {} ({}): the lifecycle listener failed", id, peerName(), e);
    }
    publish();
  }

  /**
   * Publishes a fresh snapshot; runs after every task on the executor. The listener hears it when
   * the state or the set of children (inbound SPI and state) changed.
   */
  void publish() {
    IkeSaInfo before = snapshot;
    snapshot = newSnapshot();
    if (snapshot.state() != IkeSaState.DESTROYED && changed(before, snapshot)) {
      try {
        engine.listener().ikeSaChanged(snapshot);
      } catch (RuntimeException e) {
        log.warn("IKE SA {} ({}): the lifecycle listener failed", id, peerName(), e);
      }
    }
  }

  private IkeSaInfo newSnapshot() {
    return new IkeSaInfo(
        id,
        config != null ? config.name() : null,
        state,
        keying.spiI(),
        keying.spiR(),
        originalInitiator,
        local,
        remote,
        keying.proposal(),
        created,
        established,
        state.isUsable() ? rekeyAt : null,
        keying.natHere(),
        keying.natThere(),
        children.values().stream().map(ChildSa::info).toList());
  }

  private static boolean changed(IkeSaInfo before, IkeSaInfo now) {
    if (before == null || before.state() != now.state()) {
      return true;
    }
    if (before.children().size() != now.children().size()) {
      return true;
    }
    for (int i = 0; i < now.children().size(); i++) {
      ChildSaInfo a = before.children().get(i);
      ChildSaInfo b = now.children().get(i);
      if (a.inboundSpi() != b.inboundSpi() || a.state() != b.state()) {
        return true;
      }
    }
    return false;
  }

  /** A header for a message of this SA. */
  public IkeHeader header(ExchangeType exchange, boolean response, long messageId) {
    return IkeHeader.of(
        keying.spiI(), keying.spiR(), exchange, originalInitiator, response, messageId);
  }

  @Override
  public String toString() {
    return String.format(
        "IKE SA %d[%016x/%016x %s %s]", id, keying.spiI(), keying.spiR(), peerName(), state);
  }
}
