package org.meshsec.ike.v1.sa;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.LogRateLimiter;
import org.meshsec.ike.sa.HalfOpenLimit;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeFront;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.sa.VersionProtocol;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.task.Nonces;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKEv1 side of the engine: what the front hands it (ISAKMP major version 1, RFC 2408 section
 * 3.1), its ISAKMP SAs and what the engine's commands do for IKEv1 peers.
 *
 * <pre>
 *  receive(datagram)
 *    header does not decode                         -&gt; dropped, counted malformed
 *    responder cookie 0 (phase 1 message (1))
 *      Main/Aggressive Mode, Message ID 0 only      else dropped, counted malformed
 *      a half-open SA of (source, CKY-I)            -&gt; that SA (a retransmission)
 *      no IKEv1 peer for the addresses              -&gt; dropped, counted no_config
 *      Aggressive Mode not allowed for the peer     -&gt; dropped, counted ikev1_aggressive_refused
 *      the engine's half-open limit (shared with IKEv2) -&gt; dropped / evicts, as for IKEv2
 *      -&gt; a new responder SA, keyed by our CKY-R
 *    else our cookie (CKY-R of a responder SA, CKY-I of an initiator SA)
 *                                                   -&gt; that SA's executor; unknown: unknown_spi
 * </pre>
 *
 * Phase 1 SAs are keyed by our cookie (random, 64 bits), Quick Modes by Message ID inside their
 * SA's task manager. IKEv1 has no stateless COOKIE exchange: above the COOKIE threshold a new
 * responder is still admitted up to the limits.
 *
 * <p>Thread-safe: concurrent tables; creating an SA is synchronized on the front; each SA runs on
 * its own executor.
 */
final class Ikev1Front implements VersionProtocol.Side {
  private static final Logger log = LoggerFactory.getLogger(Ikev1Front.class);

  private final IkeEngine engine;
  private final IkeFront front;
  private final HalfOpenLimit halfOpen;
  private final Map<Long, IsakmpSa> byCookie = new ConcurrentHashMap<>();
  private final Map<HalfOpenKey, IsakmpSa> halfOpenSas = new ConcurrentHashMap<>();
  private final Map<Integer, IsakmpSa> childOwners = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> allGone = new CompletableFuture<>();
  private boolean shuttingDown;

  /**
   * Error notifications for failed exchanges (RFC 2408 section 5): at most one per second per peer
   * address, so that forged or repeated failures (a responder SA per phase 1 message (1)) cannot
   * make us a reflector.
   */
  private final LogRateLimiter notifyLimit;

  /** A responder SA before phase 1 completed: the source and its CKY-I. */
  private record HalfOpenKey(InetAddress source, long initiatorCookie) {}

  Ikev1Front(IkeEngine engine, IkeFront front) {
    this.engine = engine;
    this.front = front;
    this.halfOpen = front.halfOpen();
    this.notifyLimit =
        new LogRateLimiter(
            Duration.ofSeconds(1),
            1024,
            engine.scheduler()::now,
            line -> log.debug("IKEv1 error notifications {}", line));
    for (PeerConfig p : engine.peers(Ikev1Protocol.MAJOR_VERSION)) {
      List<String> problems = V1PeerConfigs.problems(p);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("IKEv1 peer " + p.name() + ": " + problems.get(0));
      }
    }
  }

  IkeEngine engine() {
    return engine;
  }

  LogRateLimiter notifyLimit() {
    return notifyLimit;
  }

  LogRateLimiter badInputLog() {
    return front.badInputLog();
  }

  // ---------------------------------------------------------------- datagrams

  @Override
  public void receive(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    ParseResult<IsakmpHeader> decoded = IsakmpHeader.decode(datagram);
    if (!(decoded instanceof ParseResult.Ok<IsakmpHeader> ok)) {
      engine.stats().malformed.incrementAndGet();
      logDrop(remote, "malformed ISAKMP header");
      return;
    }
    IsakmpHeader h = ok.value();
    if (h.responderCookie() == 0) {
      firstMessage(datagram, h, local, remote);
      return;
    }
    IsakmpSa sa = byCookie.get(h.responderCookie());
    if (sa == null || sa.initiator() || sa.phase1().initiatorCookie() != h.initiatorCookie()) {
      IsakmpSa i = byCookie.get(h.initiatorCookie());
      sa = i != null && i.initiator() ? i : null;
    }
    if (sa == null) {
      engine.stats().unknownSpi.incrementAndGet();
      logDrop(remote, "no ISAKMP SA with these cookies");
      return;
    }
    IsakmpSa target = sa;
    target.execute(() -> target.receive(datagram, local, remote));
  }

  private void firstMessage(
      byte[] datagram, IsakmpHeader h, InetSocketAddress local, InetSocketAddress remote) {
    boolean aggressive = h.exchangeType().equals(ExchangeType.AGGRESSIVE);
    if (!(aggressive || h.exchangeType().equals(ExchangeType.IDENTITY_PROTECTION))
        || h.messageId() != 0
        || h.initiatorCookie() == 0) {
      engine.stats().malformed.incrementAndGet();
      logDrop(remote, "no responder cookie, but not a phase 1 message (1)");
      return;
    }
    IsakmpSa known = halfOpenSas.get(new HalfOpenKey(remote.getAddress(), h.initiatorCookie()));
    if (known != null) {
      known.execute(() -> known.receive(datagram, local, remote));
      return;
    }
    if (engine.isShuttingDown()) {
      engine.stats().refusedShuttingDown.incrementAndGet();
      return;
    }
    Optional<PeerConfig> peer = peerFor(local.getAddress(), remote.getAddress());
    if (peer.isEmpty()) {
      engine.stats().noConfig.incrementAndGet();
      if (front.badInputLog().admit(remote.getAddress())) {
        log.info("IKEv1 phase 1 from {}: no peer configuration", InetText.endpoint(remote));
      }
      return;
    }
    PeerConfig p = peer.get();
    if (aggressive && !p.aggressive()) {
      // RFC 2409 section 5.4: the answer would carry HASH_R in the clear (offline PSK guessing).
      engine.stats().v1AggressiveRefused.incrementAndGet();
      if (front.badInputLog().admit(remote.getAddress())) {
        log.warn(
            "IKEv1 Aggressive Mode from {} refused: not enabled for peer {}",
            InetText.endpoint(remote),
            p.name());
      }
      return;
    }
    boolean configured = remote.getAddress().equals(p.remoteAddress());
    IsakmpSa sa = null;
    Optional<Object> evicted = Optional.empty();
    String refused = null;
    synchronized (halfOpen) {
      switch (halfOpen.admission(remote.getAddress(), configured)) {
        case DROP_TOTAL -> {
          engine.stats().halfOpenDropped.incrementAndGet();
          refused = "half-open limit reached";
        }
        case DROP_SOURCE -> {
          engine.stats().halfOpenDroppedPerSource.incrementAndGet();
          refused = "half-open limit of the source reached";
        }
        case COOKIE, OPEN -> {}
      }
      if (refused == null) {
        sa = newSa(p, false, aggressive, local, remote);
        if (sa != null) {
          halfOpenSas.put(new HalfOpenKey(remote.getAddress(), h.initiatorCookie()), sa);
          evicted = halfOpen.opened(sa, remote.getAddress(), configured);
        }
      }
    }
    if (refused != null) {
      logDrop(remote, refused);
      return;
    }
    if (sa == null) {
      return;
    }
    if (evicted.isPresent() && evicted.get() instanceof IsakmpSa old) {
      engine.stats().halfOpenEvicted.incrementAndGet();
      old.execute(
          () -> {
            if (old.state() == IkeSaState.CONNECTING) {
              old.destroy("half-open SA evicted for a configured peer");
            }
          });
    }
    IsakmpSa created = sa;
    created.execute(() -> created.receive(datagram, local, remote));
    ageHalfOpen(created, engine.scheduler().now());
  }

  /**
   * Drops a responder SA whose phase 1 did not complete within the engine's half-open timeout, or a
   * quarter of it under pressure ({@link HalfOpenLimit#timeout}), as for IKEv2 (IkeSa's half-open
   * check; RFC 7296 section 2.6): checked every quarter of the timeout from its creation.
   */
  private void ageHalfOpen(IsakmpSa sa, Instant since) {
    Duration base = engine.settings().halfOpenTimeout();
    Duration step = base.dividedBy(4);
    Duration untilFull = base.minus(Duration.between(since, engine.scheduler().now()));
    engine
        .scheduler()
        .schedule(
            () ->
                sa.execute(
                    () -> {
                      if (sa.state() != IkeSaState.CONNECTING) {
                        return; // phase 1 completed, or the SA is gone
                      }
                      Duration timeout = halfOpen.timeout(base);
                      if (Duration.between(since, engine.scheduler().now()).compareTo(timeout)
                          >= 0) {
                        sa.destroy("not authenticated within " + timeout);
                      } else {
                        ageHalfOpen(sa, since);
                      }
                    }),
            untilFull.compareTo(step) < 0 ? untilFull : step);
  }

  /** The IKEv1 peer for these addresses: an exact remote match first, then a wildcard. */
  private Optional<PeerConfig> peerFor(InetAddress local, InetAddress remote) {
    PeerConfig any = null;
    for (PeerConfig p : engine.peers(Ikev1Protocol.MAJOR_VERSION)) {
      InetAddress ours = p.localAddress() != null ? p.localAddress() : engine.localAddress();
      if (ours != null && !ours.equals(local)) {
        continue;
      }
      if (remote.equals(p.remoteAddress())) {
        return Optional.of(p);
      }
      if (p.remoteAddress() == null && any == null) {
        any = p;
      }
    }
    return Optional.ofNullable(any);
  }

  private void logDrop(InetSocketAddress remote, String why) {
    if (front.badInputLog().admit(remote.getAddress())) {
      log.info("IKEv1 datagram from {} dropped: {}", InetText.endpoint(remote), why);
    }
  }

  /** Creates and registers an SA, or null when shutting down. */
  private synchronized IsakmpSa newSa(
      PeerConfig p,
      boolean initiator,
      boolean aggressive,
      InetSocketAddress local,
      InetSocketAddress remote) {
    if (shuttingDown) {
      return null;
    }
    IsakmpSa sa = new IsakmpSa(this, p, initiator, aggressive, local, remote);
    if (byCookie.putIfAbsent(sa.localCookie(), sa) != null) {
      return null; // a 64-bit random cookie collided; the peer retransmits
    }
    return sa;
  }

  // ---------------------------------------------------------------- SA events

  /**
   * Phase 1 completed: no longer half-open. With N(INITIAL-CONTACT) in Main Mode (5) the peer's
   * older SAs go with their pairs; otherwise {@code sa} takes over from them (see {@link
   * IsakmpSa}): an SA established before {@code sa}'s Main Mode began hands its pairs over and is
   * deleted by {@code sa}'s initiator; an SA established after it began is a rival (both sides
   * re-established at once): the one with the lowest nonce is redundant, hands its pairs to the
   * other and is deleted by us (the peer, seeing the same, deletes the same one). Runs on {@code
   * sa}'s executor.
   */
  void established(IsakmpSa sa) {
    closeHalfOpen(sa);
    if (sa.phase1().initialContact()) {
      initialContact(sa);
      return;
    }
    for (IsakmpSa other : byCookie.values()) {
      long otherEstablished = other.establishedOrder();
      if (other == sa
          || !other.peer().name().equals(sa.peer().name())
          || !other.state().isUsable()
          || otherEstablished == 0) {
        continue;
      }
      boolean rivals = otherEstablished > sa.createdOrder();
      if (rivals && Nonces.redundant(sa.lowestNonce(), other.lowestNonce())) {
        log.info(
            "IKEv1 ISAKMP SAs {} and {} with {} made at once: {} is redundant (lowest nonce)",
            other.id(),
            sa.id(),
            sa.peer().name(),
            sa.id());
        sa.execute(() -> sa.release(other, true));
        return;
      }
      boolean weDelete = rivals || sa.initiator();
      other.execute(() -> other.release(sa, weDelete));
    }
  }

  /** Another usable ISAKMP SA with {@code sa}'s peer, the newest; null if none. */
  IsakmpSa heir(IsakmpSa sa) {
    return newest(sa, other -> other.state().isUsable(), IsakmpSa::establishedOrder);
  }

  /**
   * The newest ISAKMP SA with {@code sa}'s peer that was created after it and is still in phase 1,
   * or null. A responder sends its last Main Mode message before its own SA is established, so the
   * peer may delete the SA it replaces before this side has finished: its pairs then go to the new
   * SA, which takes them over once phase 1 completes (or deletes them if it fails).
   */
  IsakmpSa newestInPhase1(IsakmpSa sa) {
    return newest(
        sa,
        other -> other.state() == IkeSaState.CONNECTING && other.createdOrder() > sa.createdOrder(),
        IsakmpSa::createdOrder);
  }

  /**
   * Of the other ISAKMP SAs with {@code sa}'s peer that {@code which} picks, the highest {@code
   * order}; null if none.
   */
  private IsakmpSa newest(IsakmpSa sa, Predicate<IsakmpSa> which, ToLongFunction<IsakmpSa> order) {
    IsakmpSa best = null;
    for (IsakmpSa other : byCookie.values()) {
      if (other != sa
          && other.peer().name().equals(sa.peer().name())
          && which.test(other)
          && (best == null || order.applyAsLong(other) > order.applyAsLong(best))) {
        best = other;
      }
    }
    return best;
  }

  /** The ISAKMP SAs, in no order (a snapshot). */
  List<IsakmpSa> sas() {
    return List.copyOf(byCookie.values());
  }

  /** INITIAL-CONTACT (RFC 2407 section 4.6.3.3): SAs with the peer older than {@code sa} go. */
  void initialContact(IsakmpSa sa) {
    for (IsakmpSa other : byCookie.values()) {
      if (other != sa && other.peer().name().equals(sa.peer().name()) && other.id() < sa.id()) {
        log.info(
            "IKEv1 INITIAL-CONTACT from {}: removing old ISAKMP SA {}",
            sa.peer().name(),
            other.id());
        other.execute(() -> other.destroy("peer sent INITIAL-CONTACT"));
      }
    }
  }

  void childInstalled(int inboundSpi, IsakmpSa sa) {
    childOwners.put(inboundSpi, sa);
  }

  /** The pair is gone from {@code sa} (null: from whichever SA owns it). */
  void childGone(int inboundSpi, IsakmpSa sa) {
    if (sa == null) {
      childOwners.remove(inboundSpi);
    } else {
      childOwners.remove(inboundSpi, sa);
    }
  }

  /**
   * Starts a new Main Mode with {@code old}'s peer to replace it (phase 1 re-establishment); the
   * new SA, or null if none could be created (shutting down).
   */
  IsakmpSa reestablish(IsakmpSa old) {
    PeerConfig p = old.peer();
    InetSocketAddress local =
        new InetSocketAddress(old.local().getAddress(), engine.settings().ikePort());
    InetSocketAddress remote = new InetSocketAddress(old.remote().getAddress(), p.remotePort());
    IsakmpSa sa = newSa(p, true, p.aggressive(), local, remote);
    if (sa != null) {
      sa.execute(() -> sa.startReplacing(old));
    }
    return sa;
  }

  /** The SA is destroyed. */
  void removed(IsakmpSa sa) {
    closeHalfOpen(sa);
    byCookie.remove(sa.localCookie(), sa);
    synchronized (this) {
      if (shuttingDown && byCookie.isEmpty()) {
        allGone.complete(null);
      }
    }
  }

  private void closeHalfOpen(IsakmpSa sa) {
    if (halfOpenSas.values().remove(sa)) {
      halfOpen.closed(sa);
    }
  }

  // ---------------------------------------------------------------- commands

  @Override
  public void connect(PeerConfig peer, List<ChildConfig> children, InetAddress remote) {
    IsakmpSa existing = null;
    boolean other = false;
    for (IsakmpSa sa : byCookie.values()) {
      if (!sa.peer().name().equals(peer.name())) {
        continue;
      }
      other = true;
      if (sa.state() == IkeSaState.ESTABLISHED || sa.state() == IkeSaState.REKEYING) {
        existing = sa;
        break;
      }
      if (sa.state() == IkeSaState.CONNECTING && sa.initiator()) {
        existing = sa;
      }
    }
    if (existing != null) {
      IsakmpSa target = existing;
      target.execute(() -> target.add(children));
      return;
    }
    InetAddress ours = peer.localAddress() != null ? peer.localAddress() : engine.localAddress();
    if (ours == null) {
      log.warn("IKEv1 peer {}: no local address to initiate from", peer.name());
      return;
    }
    IsakmpSa sa =
        newSa(
            peer,
            true,
            peer.aggressive(),
            new InetSocketAddress(ours, engine.settings().ikePort()),
            new InetSocketAddress(remote, peer.remotePort()));
    if (sa == null) {
      return;
    }
    boolean initialContact = !other;
    sa.execute(() -> sa.start(children, initialContact));
  }

  @Override
  public boolean terminate(String peerName) {
    boolean any = false;
    for (IsakmpSa sa : byCookie.values()) {
      if (sa.peer().name().equals(peerName)) {
        sa.execute(() -> sa.terminate("terminated"));
        any = true;
      }
    }
    return any;
  }

  @Override
  public boolean rekey(String peerName) {
    boolean any = false;
    for (IsakmpSa sa : byCookie.values()) {
      if (sa.peer().name().equals(peerName) && sa.state() == IkeSaState.ESTABLISHED) {
        sa.execute(sa::reestablish);
        any = true;
      }
    }
    return any;
  }

  @Override
  public boolean rekeyChild(String peerName, String childName) {
    boolean any = false;
    for (IsakmpSa sa : byCookie.values()) {
      if (sa.peer().name().equals(peerName) && sa.state() == IkeSaState.ESTABLISHED) {
        sa.execute(() -> sa.rekeyChild(childName));
        any = true;
      }
    }
    return any;
  }

  @Override
  public List<IkeSaInfo> list() {
    List<IkeSaInfo> out = new ArrayList<>();
    for (IsakmpSa sa : byCookie.values()) {
      out.add(sa.info());
    }
    out.sort(Comparator.comparingLong(IkeSaInfo::id));
    return out;
  }

  @Override
  public boolean expire(int spi, ExpireKind kind) {
    IsakmpSa owner = childOwners.get(spi);
    if (owner == null) {
      return false;
    }
    owner.execute(() -> owner.expire(spi, kind));
    return true;
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    synchronized (this) {
      shuttingDown = true;
      if (byCookie.isEmpty()) {
        allGone.complete(null);
      }
    }
    for (IsakmpSa sa : byCookie.values()) {
      sa.execute(() -> sa.terminate("shutting down"));
    }
    return allGone;
  }
}
