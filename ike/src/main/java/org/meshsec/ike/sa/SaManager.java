package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.ReconnectBackoff;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.crypto.IkeSaKeys;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.SerialExecutor;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKEv2 SA manager of one engine: the IKE SAs by our SPI, the half-open responder SAs by the
 * initiator's address and SPI, the IKE SA that owns each Child SA (by its inbound SPI), and the
 * rules that span several SAs (RFC 7296): creating initiator and responder SAs, duplicate SAs from
 * simultaneous initiation, INITIAL_CONTACT (section 2.4), the successors and heirs of a rekeyed SA
 * (section 2.18), and routing data-plane events and timers to the SA that owns a Child SA.
 *
 * <h2>Duplicates</h2>
 *
 * Mesh nodes start at the same time, so two peers often initiate to each other at once. When an IKE
 * SA becomes ESTABLISHED and another independent one with the same peer configuration is
 * ESTABLISHED too, the one holding the lower of its two nonces is redundant (the rule RFC 7296
 * section 2.8.2 uses for rekey collisions, applied to simultaneous initiation) and its original
 * initiator deletes it, Child SAs included; both nodes compute the same answer, so exactly one IKE
 * SA and one Child SA pair per policy remain. Two Child SAs of one configuration on one IKE SA
 * (simultaneous acquires) are resolved the same way. Senders of IKE_AUTH add INITIAL_CONTACT only
 * when they hold no other SA with the peer; receivers then drop the older SAs with that peer
 * (section 2.4, a rebooted peer).
 *
 * <p>Thread-safe: the tables are concurrent maps; creating an SA (the check-then-create of an
 * initiator SA for a peer, a fresh SPI) is synchronized on the manager. What it does to one SA runs
 * on that SA's executor. The public methods are engine-internal: the tasks of {@code
 * org.meshsec.ike.task} call them.
 */
public final class SaManager {
  private static final Logger log = LoggerFactory.getLogger(SaManager.class);

  private final IkeEngine engine;
  private final HalfOpenLimit halfOpenLimit;
  private final Map<Long, IkeSa> bySpi = new ConcurrentHashMap<>();
  private final Map<HalfOpenKey, IkeSa> halfOpen = new ConcurrentHashMap<>();
  private final Map<Integer, IkeSa> childOwners = new ConcurrentHashMap<>();
  private final Map<Integer, Instant> invalidSpiSent = new ConcurrentHashMap<>();
  private final Map<String, Instant> repairsStarted = new ConcurrentHashMap<>();
  private final Reconnects reconnects;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final CompletableFuture<Void> allGone = new CompletableFuture<>();
  private volatile boolean shuttingDown;

  private record HalfOpenKey(InetAddress remote, long spiI) {}

  /**
   * How often ESP for unknown SPIs from one configured peer may start an initiation (a repair; see
   * {@link #unknownSpi}).
   */
  static final Duration REPAIR_INTERVAL = Duration.ofSeconds(10);

  /** How often the peer is told INVALID_SPI about one SPI, at most (see {@link #unknownSpi}). */
  static final Duration INVALID_SPI_INTERVAL = Duration.ofMinutes(1);

  /**
   * SPIs remembered as told INVALID_SPI within {@link #INVALID_SPI_INTERVAL}, at most: when that
   * many are, ESP for another unknown SPI is not answered until entries expire, so ESP with random
   * SPIs (forged with a peer's address) can neither grow the table nor make us send more than this
   * many notifications a minute.
   */
  static final int INVALID_SPI_MEMORY = 1024;

  /** When expired entries were last removed from {@link #invalidSpiSent}. */
  private volatile Instant invalidSpiPruned = Instant.MIN;

  SaManager(IkeEngine engine, HalfOpenLimit halfOpenLimit, ReconnectBackoff backoff) {
    this.engine = engine;
    this.halfOpenLimit = halfOpenLimit;
    this.reconnects = new Reconnects(this, backoff);
  }

  /** The engine whose SAs these are. */
  public IkeEngine engine() {
    return engine;
  }

  // ---------------------------------------------------------------- lookup and dispatch

  /** Hands a datagram for an existing SA to it, by our SPI (SPIr if the I flag is set). */
  void dispatch(byte[] datagram, IkeHeader h, InetSocketAddress local, InetSocketAddress remote) {
    long ours = h.initiatorFlag() ? h.responderSpi() : h.initiatorSpi();
    IkeSa sa = bySpi.get(ours);
    if (sa == null) {
      engine.stats().unknownSpi.incrementAndGet();
      if (engine.badInputLog().admit(remote.getAddress())) {
        log.info(
            "message from {} for unknown IKE SA {}",
            InetText.endpoint(remote),
            Long.toHexString(ours));
      }
      return;
    }
    sa.execute(() -> sa.receive(datagram, h, local, remote));
  }

  /**
   * The half-open responder SA for an IKE_SA_INIT from {@code remote} with {@code spiI}, if any.
   */
  IkeSa halfOpen(InetAddress remote, long spiI) {
    return halfOpen.get(new HalfOpenKey(remote, spiI));
  }

  /** Snapshots of all IKE SAs, by id. */
  /** A new engine-unique SA id. */
  long newId() {
    return ids.incrementAndGet();
  }

  List<IkeSaInfo> list() {
    return bySpi.values().stream()
        .distinct()
        .map(IkeSa::info)
        .sorted(Comparator.comparingLong(IkeSaInfo::id))
        .toList();
  }

  /**
   * Copies of the message keys of every IKE SA that has them, each read on its SA's executor; an SA
   * that does not answer within {@code timeout} (a long task on its executor) is left out.
   */
  List<IkeSaSecrets> secrets(Duration timeout) {
    return readEach(IkeSa::secrets, IkeSaSecrets::close, timeout);
  }

  /**
   * Snapshots of the IKE SAs a hot restart can carry over ({@link IkeSa#exportForRestart}), each
   * taken on its SA's executor; an SA that does not answer within {@code timeout} is left out.
   */
  List<IkeSaSnapshot> exportForRestart(Duration timeout) {
    return readEach(IkeSa::exportForRestart, IkeSaSnapshot::close, timeout);
  }

  /**
   * {@code read} of every SA, run on the SA's executor (its state is confined there), the answers
   * that arrive within {@code timeout} in total; a late answer is handed to {@code wipe} (they hold
   * key material).
   */
  private <T> List<T> readEach(
      Function<IkeSa, Optional<T>> read, Consumer<T> wipe, Duration timeout) {
    List<CompletableFuture<Optional<T>>> pending = new ArrayList<>();
    for (IkeSa sa : bySpi.values().stream().distinct().toList()) {
      CompletableFuture<Optional<T>> f = new CompletableFuture<>();
      sa.executor()
          .execute(
              () -> {
                try {
                  f.complete(read.apply(sa));
                } catch (RuntimeException e) {
                  f.completeExceptionally(e);
                }
              });
      pending.add(f);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<T> out = new ArrayList<>();
    for (CompletableFuture<Optional<T>> f : pending) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        f.get(left, TimeUnit.NANOSECONDS).ifPresent(out::add);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        f.thenAccept(o -> o.ifPresent(wipe)); // wipe a late answer
      }
    }
    return out;
  }

  /**
   * Registers a new ESTABLISHED SA resumed from {@code s} (a hot restart, no exchange).
   *
   * @return empty when resumed, else why not
   */
  synchronized Optional<String> restore(IkeSaSnapshot s) {
    if (shuttingDown) {
      return Optional.of("shutting down");
    }
    PeerConfig p =
        engine.peers(IkeEngine.IKEV2).stream()
            .filter(c -> c.name().equals(s.peer()))
            .findFirst()
            .orElse(null);
    if (p == null) {
      return Optional.of("no IKEv2 peer named " + s.peer() + " is configured");
    }
    long ours = s.originalInitiator() ? s.spiI() : s.spiR();
    if (ours == 0 || bySpi.containsKey(ours)) {
      return Optional.of("its SPI is in use");
    }
    IkeSaKeys keys;
    try {
      keys = IkeSaKeys.fromKeymat(s.proposal().prf(), s.proposal().suite(), s.keymat());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Optional.of("its keys do not fit its proposal");
    }
    IkeSa sa =
        new IkeSa(
            this,
            ids.incrementAndGet(),
            newExecutor(),
            IkeKeying.resumed(s, keys, engine.random()),
            p,
            List.of(p),
            s.local(),
            s.remote(),
            null);
    sa.resume(s);
    bySpi.put(ours, sa);
    return Optional.empty();
  }

  /** The live IKE SAs with the peer configuration {@code peerName}. */
  List<IkeSa> sasOf(String peerName) {
    return bySpi.values().stream()
        .distinct()
        .filter(sa -> sa.config() != null && sa.config().name().equals(peerName))
        .filter(sa -> sa.state() != IkeSaState.DESTROYED)
        .toList();
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Refuses new SAs from now on and deletes every IKE SA; see {@link IkeEngine#shutdown()}. The
   * flag is set under the manager's monitor, so an SA created concurrently is either refused or in
   * the set deleted here.
   */
  CompletableFuture<Void> shutdown() {
    List<IkeSa> all;
    synchronized (this) {
      if (shuttingDown) {
        return allGone;
      }
      shuttingDown = true;
      all = bySpi.values().stream().distinct().toList();
    }
    reconnects.cancelAll();
    log.info("shutting down: deleting {} IKE SA(s)", all.size());
    for (IkeSa sa : all) {
      sa.execute(sa::shutdown);
    }
    checkAllGone();
    return allGone;
  }

  boolean isShuttingDown() {
    return shuttingDown;
  }

  private void checkAllGone() {
    if (shuttingDown
        && bySpi.values().stream().allMatch(sa -> sa.state() == IkeSaState.DESTROYED)) {
      allGone.complete(null);
    }
  }

  // ---------------------------------------------------------------- creating SAs

  /**
   * A responder SA for an admitted IKE_SA_INIT request (the caller counted it as half-open),
   * registered by our SPI and as half-open; null once shutting down.
   */
  synchronized IkeSa newResponder(
      long spiI, List<PeerConfig> candidates, InetSocketAddress local, InetSocketAddress remote) {
    if (shuttingDown) {
      return null;
    }
    IkeSa sa =
        new IkeSa(
            this,
            ids.incrementAndGet(),
            newExecutor(),
            new IkeKeying(false, spiI, newSpi(), engine.random()),
            candidates.get(0),
            candidates,
            local,
            remote,
            null);
    bySpi.put(sa.localSpi(), sa);
    halfOpen.put(new HalfOpenKey(remote.getAddress(), spiI), sa);
    return sa;
  }

  /**
   * Adds the {@code wanted} Child SAs to the IKE SA with {@code p} if one is established or
   * connecting, else initiates one to {@code remoteAddress}.
   */
  synchronized void connectOrAdd(
      PeerConfig p, List<ChildConfig> wanted, InetAddress remoteAddress) {
    connectOrAdd(p, wanted, remoteAddress, false);
  }

  /**
   * As {@link #connectOrAdd(PeerConfig, List, InetAddress)}; a {@code persistent} initiation (start
   * action "start", a DPD restart) is retried with back-off until it succeeds ({@link Reconnects}).
   */
  synchronized void connectOrAdd(
      PeerConfig p, List<ChildConfig> wanted, InetAddress remoteAddress, boolean persistent) {
    if (shuttingDown) {
      log.debug("shutting down: not connecting {}", p.name());
      return;
    }
    IkeSa existing = null;
    for (IkeSa sa : sasOf(p.name())) {
      IkeSaState s = sa.state();
      if (s == IkeSaState.ESTABLISHED || s == IkeSaState.REKEYING) {
        existing = sa;
        break;
      }
      if (s == IkeSaState.CONNECTING || s == IkeSaState.CREATED) {
        existing = sa;
      }
    }
    if (existing != null) {
      IkeSa target = existing;
      target.execute(
          () -> {
            target.want(wanted, persistent);
            for (ChildConfig c : wanted) {
              target.requestChild(c);
            }
          });
      return;
    }
    InetAddress localAddress = p.localAddress() != null ? p.localAddress() : engine.localAddress();
    if (localAddress == null) {
      throw new IllegalStateException("peer " + p.name() + " has no local address to send from");
    }
    IkeSa sa =
        new IkeSa(
            this,
            ids.incrementAndGet(),
            newExecutor(),
            new IkeKeying(true, newSpi(), 0, engine.random()),
            p,
            List.of(p),
            new InetSocketAddress(localAddress, engine.settings().ikePort()),
            new InetSocketAddress(remoteAddress, p.remotePort()),
            null);
    bySpi.put(sa.localSpi(), sa);
    log.info(
        "initiating IKE SA {} with {} ({})", sa.id(), p.name(), InetText.format(remoteAddress));
    sa.execute(() -> sa.connect(wanted, persistent));
  }

  /**
   * Initiates an IKE SA traffic asked for ({@link IkeEngine#acquire}), unless a back-off retry with
   * the peer is armed: then the Child SA joins that retry.
   */
  void acquire(PeerConfig p, ChildConfig c, InetAddress remoteAddress) {
    if (!reconnects.joinPending(p, List.of(c))) {
      connectOrAdd(p, List.of(c), remoteAddress);
    }
  }

  /** Re-initiates after a DPD restart, after the back-off wait ({@link Reconnects}). */
  void restart(PeerConfig p, List<ChildConfig> had) {
    List<ChildConfig> wanted =
        had.isEmpty()
            ? p.children().stream().filter(c -> c.startAction() == StartAction.START).toList()
            : had;
    if (!wanted.isEmpty() && p.remoteAddress() != null) {
      log.info("restarting {} after a dead peer", p.name());
      reconnects.failed(p, wanted, true, p.remoteAddress());
    }
  }

  /**
   * An IKE SA we initiated was destroyed before it was established: the initiation failed. What is
   * still wanted is initiated again after the back-off wait ({@link Reconnects}).
   */
  void initiationFailed(IkeSa sa, List<ChildConfig> wanted, boolean persistent) {
    if (!shuttingDown && sa.config() != null) {
      reconnects.failed(sa.config(), wanted, persistent, sa.remote().getAddress());
    }
  }

  /**
   * Engine-internal. A new IKE SA created by rekeying {@code old} (section 2.18) with the keying
   * context the rekey negotiated, established. It shares {@code old}'s executor.
   */
  public IkeSa createRekeyed(IkeSa old, IkeKeying keying) {
    // Not refused while shutting down: the rekey was negotiated already, and the new SA is
    // deleted as soon as it is established (IkeSa.establish).
    IkeSa sa =
        new IkeSa(
            this,
            ids.incrementAndGet(),
            old.executor(),
            keying,
            old.config(),
            List.of(old.config()),
            old.local(),
            old.remote(),
            old);
    bySpi.put(sa.localSpi(), sa);
    sa.setState(IkeSaState.CONNECTING);
    sa.establish();
    log.info(
        "IKE SA {} with {} rekeyed: {}_i {}_r replaced by IKE SA {} {}_i {}_r",
        old.id(),
        old.config().name(),
        String.format("%016x", old.keying().spiI()),
        String.format("%016x", old.keying().spiR()),
        sa.id(),
        String.format("%016x", keying.spiI()),
        String.format("%016x", keying.spiR()));
    return sa;
  }

  private SerialExecutor newExecutor() {
    return new SerialExecutor(
        engine.scheduler(),
        (t, e) -> {
          engine.stats().internalErrors.incrementAndGet();
          log.error("internal error in an IKE SA task", e);
        });
  }

  /** Engine-internal. A fresh IKE SPI of ours, unique among live SAs. */
  public long newSpi() {
    while (true) {
      long spi = engine.random().nextLong();
      if (spi != 0 && !bySpi.containsKey(spi)) {
        return spi;
      }
    }
  }

  /** The next number in the engine's event order (creation, establishment). */
  long nextEvent() {
    return events.incrementAndGet();
  }

  void unregister(IkeSa sa) {
    bySpi.remove(sa.localSpi(), sa);
    halfOpen.values().remove(sa);
    checkAllGone();
  }

  /** A half-open responder SA was authenticated or destroyed. */
  /** The half-open accounting (for tests in this package). */
  HalfOpenLimit halfOpenLimit() {
    return halfOpenLimit;
  }

  void halfOpenDone(IkeSa sa) {
    halfOpenLimit.closed(sa);
  }

  /** How long a half-open responder SA may stay unauthenticated now (shorter under pressure). */
  java.time.Duration halfOpenTimeout() {
    return halfOpenLimit.timeout(engine.settings().halfOpenTimeout());
  }

  // ---------------------------------------------------------------- rules across SAs

  /**
   * Engine-internal. Whether {@code sa} is the only SA with its peer, so that its IKE_AUTH request
   * may carry INITIAL_CONTACT (section 2.4).
   */
  public boolean isFirstContact(IkeSa sa) {
    InetAddress remote = sa.remote().getAddress();
    for (IkeSa other : bySpi.values()) {
      if (other == sa || other.state() == IkeSaState.DESTROYED) {
        continue;
      }
      IkeSaInfo info = other.info();
      boolean samePeer =
          (other.config() != null && other.config().name().equals(sa.config().name()))
              || info.remote().getAddress().equals(remote);
      if (samePeer) {
        return false;
      }
    }
    return true;
  }

  /**
   * Engine-internal. {@code sa} was authenticated with INITIAL_CONTACT: the peer has no other state
   * with us, so every older SA with that peer is removed without a Delete (section 2.4).
   */
  public void initialContact(IkeSa sa) {
    for (IkeSa other : sasOf(sa.config().name())) {
      if (other == sa || other.executor() == sa.executor()) {
        continue;
      }
      if (other.establishedBeforeCreationOf(sa)) {
        log.info("INITIAL_CONTACT from {}: removing old IKE SA {}", sa.config().name(), other.id());
        other.execute(() -> other.destroy("peer sent INITIAL_CONTACT"));
      }
    }
  }

  /** Engine-internal. The live SAs that rekeyed {@code sa}. */
  public List<IkeSa> successorsOf(IkeSa sa) {
    return bySpi.values().stream()
        .distinct()
        .filter(s -> s.predecessor() == sa && s.state() != IkeSaState.DESTROYED)
        .toList();
  }

  /**
   * Engine-internal. Where the Child SAs of a dying SA go: the surviving SA that rekeyed it, or the
   * surviving sibling of a rekey collision; none for an independent SA.
   */
  public Optional<IkeSa> heirOf(IkeSa sa) {
    List<IkeSa> candidates = new ArrayList<>(successorsOf(sa));
    if (candidates.isEmpty() && sa.predecessor() != null) {
      candidates.addAll(successorsOf(sa.predecessor()));
      candidates.remove(sa);
    }
    return candidates.stream()
        .filter(s -> s.state().isUsable())
        .max((a, b) -> Bytes.compareNonces(a.lowestNonce(), b.lowestNonce()));
  }

  /**
   * {@code sa} became ESTABLISHED: if another independent ESTABLISHED SA with the same peer exists,
   * the one with the lower nonce is deleted by its original initiator.
   */
  void checkDuplicates(IkeSa sa) {
    if (sa.state() != IkeSaState.ESTABLISHED || sa.config() == null) {
      return;
    }
    for (IkeSa other : sasOf(sa.config().name())) {
      if (other == sa || other.state() != IkeSaState.ESTABLISHED || related(sa, other)) {
        continue;
      }
      IkeSa loser = Bytes.compareNonces(sa.lowestNonce(), other.lowestNonce()) < 0 ? sa : other;
      log.info(
          "duplicate IKE SAs {} and {} with {}: {} is redundant",
          sa.id(),
          other.id(),
          sa.config().name(),
          loser.id());
      if (loser.isOriginalInitiator()) {
        engine.stats().duplicatesDeleted.incrementAndGet();
        loser.execute(loser::terminate);
      }
    }
  }

  private static boolean related(IkeSa a, IkeSa b) {
    return a.predecessor() == b
        || b.predecessor() == a
        || (a.predecessor() != null && a.predecessor() == b.predecessor());
  }

  /**
   * {@code child} was installed: another independent active pair of the same configuration on the
   * SA is a duplicate; the one created with the lower nonce is deleted by the side that created it.
   */
  void checkDuplicateChild(IkeSa sa, ChildSa child) {
    if (child.state() != ChildSaState.INSTALLED) {
      return;
    }
    for (ChildSa other : sa.children()) {
      if (other == child
          || !other.name().equals(child.name())
          || other.state() != ChildSaState.INSTALLED
          || other.rekeyOf() == child
          || child.rekeyOf() == other
          || (child.rekeyOf() != null && child.rekeyOf() == other.rekeyOf())) {
        continue;
      }
      ChildSa loser =
          Bytes.compareNonces(child.lowestNonce(), other.lowestNonce()) < 0 ? child : other;
      log.info("duplicate Child SAs {} and {}: {} is redundant", child, other, loser);
      if (loser.weInitiated()) {
        engine.stats().duplicatesDeleted.incrementAndGet();
        sa.deleteChild(loser);
      }
      return;
    }
  }

  // ---------------------------------------------------------------- Child SA owners and events

  /**
   * An SA reached a lifetime (SADB_EXPIRE): SOFT rekeys the pair with inbound SPI {@code spi}, HARD
   * deletes it.
   */
  void expire(int spi, ExpireKind kind) {
    IkeSa owner = childOwners.get(spi);
    if (owner == null) {
      return;
    }
    owner.execute(
        () ->
            owner
                .childByInbound(spi)
                .ifPresent(
                    c -> {
                      if (kind == ExpireKind.SOFT) {
                        owner.rekeyChild(c);
                      } else {
                        owner.deleteChild(c);
                      }
                    }));
  }

  /**
   * Removes the SPIs told INVALID_SPI longer than {@link #INVALID_SPI_INTERVAL} ago: every
   * interval, or at most once a second while the table is full. Any thread (the map is concurrent;
   * two threads pruning at once only do the work twice).
   */
  private void pruneInvalidSpiSent(Instant now) {
    Instant last = invalidSpiPruned;
    boolean full = invalidSpiSent.size() >= INVALID_SPI_MEMORY;
    Duration every = full ? Duration.ofSeconds(1) : INVALID_SPI_INTERVAL;
    if (last.equals(Instant.MIN) || !last.plus(every).isAfter(now)) {
      invalidSpiPruned = now;
      Instant oldest = now.minus(INVALID_SPI_INTERVAL);
      invalidSpiSent.values().removeIf(t -> !t.isAfter(oldest));
    }
  }

  /** How many SPIs are remembered as told INVALID_SPI (for tests). */
  int invalidSpisRemembered() {
    return invalidSpiSent.size();
  }

  /**
   * ESP arrived for an unknown SPI. An ESTABLISHED IKE SA with the sender tells the peer with
   * INVALID_SPI (section 2.21.4), at most once per SPI and minute and for at most {@link
   * #INVALID_SPI_MEMORY} SPIs a minute. With no IKE SA at all with a configured peer at the
   * sender's address, the peer still holds SAs we lost (we restarted): we initiate an IKE SA with
   * its Child SAs, whose IKE_AUTH carries INITIAL_CONTACT since no other SA with the peer exists,
   * so the peer drops its stale SAs (section 2.4); at most once per peer and {@link
   * #REPAIR_INTERVAL}. Cheap on the caller's thread (a data-path thread): the initiation runs on
   * the engine's pool.
   */
  void unknownSpi(int spi, InetSocketAddress from) {
    Instant now = engine.scheduler().now();
    Instant told = invalidSpiSent.get(spi);
    if (told != null && told.plus(INVALID_SPI_INTERVAL).isAfter(now)) {
      return; // the peer was told about this SPI within the minute
    }
    pruneInvalidSpiSent(now);
    InetAddress address = from.getAddress();
    boolean any = false;
    for (IkeSa sa : bySpi.values()) {
      IkeSaInfo info = sa.info();
      if (info == null
          || info.state() == IkeSaState.DESTROYED
          || !info.remote().getAddress().equals(address)) {
        continue;
      }
      any = true;
      if (info.state() == IkeSaState.ESTABLISHED) {
        if (told == null && invalidSpiSent.size() >= INVALID_SPI_MEMORY) {
          return; // full of SPIs told within the minute: not this one
        }
        invalidSpiSent.put(spi, now);
        byte[] s = ByteBuffer.allocate(4).putInt(spi).array();
        sa.execute(() -> sa.tasks().inform(NotifyPayload.of(NotifyType.INVALID_SPI, Bytes.of(s))));
        return;
      }
    }
    if (any || shuttingDown) {
      return; // an IKE SA with the sender is being set up, rekeyed or deleted
    }
    for (PeerConfig p : engine.peers()) {
      if (!address.equals(p.remoteAddress()) || p.children().isEmpty()) {
        continue;
      }
      Instant last = repairsStarted.get(p.name());
      if (last != null && last.plus(REPAIR_INTERVAL).isAfter(now)) {
        return;
      }
      if (last == null
          ? repairsStarted.putIfAbsent(p.name(), now) != null
          : !repairsStarted.replace(p.name(), last, now)) {
        return; // another data-path thread took this one
      }
      engine.stats().unknownSpiRepairs.incrementAndGet();
      log.warn(
          "ESP from {} ({}) for unknown SPI 0x{}: re-keying",
          p.name(),
          address.getHostAddress(),
          String.format("%08x", spi));
      engine.scheduler().execute(() -> repair(p));
      return;
    }
  }

  private void repair(PeerConfig p) {
    if (!sasOf(p.name()).isEmpty() || shuttingDown) {
      return;
    }
    connectOrAdd(p, p.children(), p.remoteAddress());
  }

  /** A child timer fired; runs on the child's current owner. */
  void childTimer(int spi, boolean hard) {
    IkeSa owner = childOwners.get(spi);
    if (owner != null) {
      owner.execute(() -> owner.childByInbound(spi).ifPresent(c -> owner.childTimer(c, hard)));
    }
  }

  /** Engine-internal. The IKE SA that currently owns {@code child}. */
  public Optional<IkeSa> ownerOf(ChildSa child) {
    return Optional.ofNullable(childOwners.get(child.inboundSpi()));
  }

  void registerChild(int spi, IkeSa owner) {
    childOwners.put(spi, owner);
  }

  void unregisterChild(int spi, IkeSa owner) {
    childOwners.remove(spi, owner);
  }
}
