package org.meshsec.ike.v1.sa;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.port.Cancellable;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.SerialExecutor;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.ChildSaState;
import org.meshsec.ike.sa.EngineStats;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.v1.task.EventOrder;
import org.meshsec.ike.v1.task.Informational;
import org.meshsec.ike.v1.task.MainModeExchange;
import org.meshsec.ike.v1.task.NatTraversal;
import org.meshsec.ike.v1.task.Nonces;
import org.meshsec.ike.v1.task.Phase1State;
import org.meshsec.ike.v1.task.QuickMode;
import org.meshsec.ike.v1.task.QuickModeConfig;
import org.meshsec.ike.v1.task.V1Exception;
import org.meshsec.ike.v1.task.V1TaskManager;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ISAKMP SA (RFC 2408 section 2.4, RFC 2409 section 5): its lifecycle, its Quick Mode pairs and
 * timers, over its {@link V1TaskManager} (the IKEv1 task manager: phase 1 exchange, Quick Modes by
 * Message ID, informationals, retransmission, duplicates). The lifecycle reuses the engine's {@link
 * IkeSaState}:
 *
 * <pre>
 *  CONNECTING --phase 1 done--&gt; ESTABLISHED --terminate / peer's D(ISAKMP) / dead / lifetime--&gt; DESTROYED
 *       \--phase 1 failed or timed out--------------------------------------------------------^
 *  ESTABLISHED --rekey time or rekey command: a new Main Mode started--&gt; REKEYING
 *  REKEYING --the new Main Mode failed--&gt; ESTABLISHED (tried again later)
 *  ESTABLISHED | REKEYING --a newer ISAKMP SA with the peer took the pairs--&gt; REKEYED
 *  REKEYED --D(ISAKMP) sent by the new SA's initiator, or received--&gt; DESTROYED
 * </pre>
 *
 * <p><b>Re-establishment.</b> IKEv1 has no ISAKMP SA rekey: before {@code ike_lifetime} runs out
 * (rekey time minus a random part of the jitter, as for IKEv2) a new Main Mode with the same peer
 * is negotiated; when it completes ({@link Ikev1Front#established}) the older SA hands its pairs
 * over ({@link #release}, {@link #adopt}: the ESP SAs stay in the data plane, later Quick Modes run
 * on the new SA) and the new SA's initiator deletes the old one with D(ISAKMP) (RFC 2408 section
 * 3.15); the responder waits {@link #REPLACED_GRACE} for that delete, then sends its own. A new
 * Main Mode from the peer is handled the same way (strongSwan re-authenticates IKEv1 so) unless it
 * carries INITIAL-CONTACT, which drops the old SAs and their pairs.
 *
 * <p><b>Quick Mode rekey.</b> On a soft expire or a rekey command a Quick Mode for the same child
 * starts; when its pair is installed, our side (the initiator of that Quick Mode) deletes the old
 * pair with D(ESP) (make-before-break), once the new outbound SA's hold ({@code
 * QuickMode#outboundHold}: the responder installs only on our (3)) has passed; the old pair carries
 * the traffic until then. Collisions (both sides rekey the same thing at once) are told by the
 * order of events here ({@link EventOrder}): two pairs of the same child, or two ISAKMP SAs with
 * the same peer, whose exchanges each began before the other completed are rivals; the one whose
 * exchange carried the lowest nonce is redundant and is deleted (RFC 7296 section 2.8.1, applied to
 * IKEv1), its pairs moving to the survivor.
 *
 * <p>DPD (RFC 3706): after {@code dpd.delay} without a message from the peer or authenticated ESP
 * on one of the SA's pairs (section 5.1: traffic is proof of liveness), R-U-THERE, repeated every
 * {@code delay}; nothing from the peer within {@code dpd.timeout} of the first one: the peer is
 * dead, the SA and its pairs go and {@code dpd.action} applies (RESTART initiates again).
 *
 * <p>Not thread-safe: confined to its {@link SerialExecutor} (only {@link #info()}, the volatile
 * accessors and {@link #execute} may be called from elsewhere).
 */
final class IsakmpSa {
  private static final Logger log = LoggerFactory.getLogger(IsakmpSa.class);

  /** How long a replaced SA waits for the peer's D(ISAKMP) before it sends its own. */
  static final Duration REPLACED_GRACE = Duration.ofSeconds(30);

  /** When a new Main Mode to replace this SA failed: the next try. */
  static final Duration REESTABLISH_RETRY = Duration.ofSeconds(30);

  /**
   * One pair under this SA: its snapshot, configuration, the lowest nonce of its Quick Mode and
   * when that began and completed ({@link EventOrder}).
   */
  record Pair(
      ChildSaInfo info, ChildConfig config, byte[] lowestNonce, long began, long installedAt) {
    int inboundSpi() {
      return info.inboundSpi();
    }

    Pair withState(ChildSaState state) {
      ChildSaInfo i = info;
      return new Pair(
          new ChildSaInfo(
              i.name(),
              state,
              i.inboundSpi(),
              i.outboundSpi(),
              i.suite(),
              i.esn(),
              i.mode(),
              i.localTs(),
              i.remoteTs(),
              i.installed(),
              i.rekeyAt(),
              i.weInitiated()),
          config,
          lowestNonce,
          began,
          installedAt);
    }
  }

  private final Ikev1Front front;
  private final IkeEngine engine;
  private final long id;
  private final PeerConfig peer;
  private final boolean initiator;
  private final String mode;
  private final SerialExecutor executor;
  private volatile InetSocketAddress local;
  private volatile InetSocketAddress remote;
  private final NatTraversal natT;
  private final V1TaskManager tasks;
  private final Instant created;
  private final long createdOrder = EventOrder.next();
  private volatile long establishedOrder;
  private final List<ChildConfig> pending = new ArrayList<>();
  private final Map<Integer, Pair> pairs = new LinkedHashMap<>();

  /** Pairs taken over from an older SA (dropped on INITIAL-CONTACT), by inbound SPI. */
  private final Set<Integer> adopted = new HashSet<>();

  /** Quick Modes we started to replace a pair: Message ID to the old pair's inbound SPI. */
  private final Map<Long, Integer> replacing = new HashMap<>();

  private volatile IkeSaState state = IkeSaState.CONNECTING;
  private volatile Instant established;
  private volatile byte[] lowestNonce;
  private Instant lastHeard;
  private Instant dpdFirstSent;
  private Cancellable dpdTimer = Cancellable.NONE;
  private Cancellable rekeyTimer = Cancellable.NONE;

  /** Inbound SPIs of replaced pairs still carrying traffic while their successor is held back. */
  private final Set<Integer> retiring = new HashSet<>();

  private Cancellable lifeTimer = Cancellable.NONE;
  private Cancellable replacedTimer = Cancellable.NONE;

  /** When the re-establishment is due, null when none is planned. */
  private Instant rekeyAt;

  private boolean sendInitialContact;

  /** The SA this one was started to replace (a re-establishment), or null. */
  private IsakmpSa predecessor;

  /** The new Main Mode started to replace this SA, while it runs; null otherwise. */
  private IsakmpSa replacement;

  /** Pairs handed to this SA before its phase 1 completed, taken over when it does. */
  private final List<Pair> inherited = new ArrayList<>();

  /** The SA that took this one's pairs, once REKEYED. */
  private volatile IsakmpSa successor;

  private volatile IkeSaInfo info;

  IsakmpSa(
      Ikev1Front front,
      PeerConfig peer,
      boolean initiator,
      boolean aggressive,
      InetSocketAddress local,
      InetSocketAddress remote) {
    this.front = front;
    this.engine = front.engine();
    this.id = engine.newSaId();
    this.peer = peer;
    this.initiator = initiator;
    this.mode = aggressive ? "aggressive" : "main";
    this.local = local;
    this.remote = remote;
    this.executor =
        new SerialExecutor(
            engine.scheduler(),
            (t, e) -> {
              engine.stats().internalErrors.incrementAndGet();
              log.warn("internal error on ISAKMP SA {} with {}", id, peer.name(), e);
            });
    var phase1 = V1PeerConfigs.phase1(peer, engine.scheduler()::now);
    MainModeExchange x =
        initiator
            ? (aggressive
                ? MainModeExchange.aggressiveInitiator(phase1, engine.random())
                : MainModeExchange.initiator(phase1, engine.random()))
            : (aggressive
                ? MainModeExchange.aggressiveResponder(phase1, engine.random())
                : MainModeExchange.responder(phase1, engine.random()));
    this.natT = new NatTraversal(local, remote, peer.forceEncap() ? engine.fakeNatSource() : null);
    x.natTraversal(natT);
    this.tasks =
        new V1TaskManager(
            x,
            engine.scheduler(),
            executor,
            engine.settings().retransmit(),
            this::send,
            new Events(),
            engine.ipsec(),
            espEndpoint(local),
            espEndpoint(remote),
            peer.children().stream()
                .map(c -> V1PeerConfigs.quickMode(c, local.getAddress(), remote.getAddress()))
                .toList());
    tasks.notifyGate(() -> front.notifyLimit().admit(this.remote.getAddress()));
    this.created = engine.scheduler().now();
    this.lastHeard = created;
    publish();
  }

  /** ESP always travels in UDP to port 4500 (RFC 3948), whatever port IKE uses. */
  private InetSocketAddress espEndpoint(InetSocketAddress ike) {
    return new InetSocketAddress(ike.getAddress(), engine.settings().nattPort());
  }

  long id() {
    return id;
  }

  PeerConfig peer() {
    return peer;
  }

  boolean initiator() {
    return initiator;
  }

  InetSocketAddress local() {
    return local;
  }

  InetSocketAddress remote() {
    return remote;
  }

  Phase1State phase1() {
    return tasks.sa();
  }

  /** Our cookie: the key of this SA in the front's table. */
  long localCookie() {
    return initiator ? tasks.sa().initiatorCookie() : tasks.sa().responderCookie();
  }

  IkeSaState state() {
    return state;
  }

  /** When this SA's phase 1 began, in this process's {@link EventOrder}. */
  long createdOrder() {
    return createdOrder;
  }

  /** When phase 1 completed, in {@link EventOrder}; 0 before. */
  long establishedOrder() {
    return establishedOrder;
  }

  /** The lowest nonce of the phase 1 exchange, null before it completed. */
  byte[] lowestNonce() {
    return lowestNonce;
  }

  IkeSaInfo info() {
    return info;
  }

  void execute(Runnable r) {
    executor.execute(r);
  }

  /** Initiator: sends phase 1 message (1); {@code wanted} come up once phase 1 is done. */
  void start(List<ChildConfig> wanted, boolean initialContact) {
    pending.addAll(wanted);
    sendInitialContact = initialContact;
    try {
      tasks.start();
      log.info(
          "IKEv1 {} Mode with {} at {} initiated", mode, peer.name(), InetText.endpoint(remote));
    } catch (V1Exception e) {
      destroy("phase 1 could not start: " + e.getMessage());
    }
  }

  /** Initiator of a re-establishment: as {@link #start}, replacing {@code old} once done. */
  void startReplacing(IsakmpSa old) {
    predecessor = old;
    start(List.of(), false);
  }

  /** Adds Child SAs: at once when established, else after phase 1. */
  void add(List<ChildConfig> wanted) {
    for (ChildConfig c : wanted) {
      boolean have = pairs.values().stream().anyMatch(p -> p.config().equals(c));
      if (have || pending.contains(c)) {
        continue;
      }
      if (state.isUsable()) {
        quickMode(c);
      } else {
        pending.add(c);
      }
    }
  }

  /**
   * A datagram with this SA's cookies, received on {@code at} from {@code from}. An accepted
   * message that arrived on the NAT-T port moves IKE there (RFC 3947 section 4: the responder
   * answers where the initiator floated to, and follows a changed NAT mapping).
   */
  void receive(byte[] datagram, InetSocketAddress at, InetSocketAddress from) {
    if (state == IkeSaState.DESTROYED) {
      engine.stats().v1Dropped.incrementAndGet();
      return;
    }
    // A message that arrives on the NAT-T port moves IKE there before it is processed, so that the
    // answer goes back the way it came (RFC 3947 section 4); a message that is dropped moves
    // nothing back.
    InetSocketAddress oldLocal = local;
    InetSocketAddress oldRemote = remote;
    boolean moved =
        at.getPort() == engine.settings().nattPort() && (!at.equals(local) || !from.equals(remote));
    if (moved) {
      local = at;
      remote = from;
    }
    int drops = tasks.drops();
    int duplicates = tasks.duplicates();
    int errors = tasks.errorsSent();
    tasks.receive(datagram);
    engine.stats().errorsSent.addAndGet(tasks.errorsSent() - errors);
    int dropped = tasks.drops() - drops;
    engine.stats().v1Dropped.addAndGet(dropped);
    engine.stats().v1Retransmissions.addAndGet(tasks.duplicates() - duplicates);
    if (dropped == 0) {
      lastHeard = engine.scheduler().now();
      if (moved) {
        publish();
      }
    } else {
      if (moved) {
        local = oldLocal;
        remote = oldRemote;
      }
      if (front.badInputLog().admit(remote.getAddress())) {
        log.info("IKEv1 datagram from {} for ISAKMP SA {} dropped", InetText.endpoint(from), id);
      }
    }
  }

  /** Starts a Quick Mode for {@code c}; its Message ID, or -1 if it could not start. */
  private long quickMode(ChildConfig c) {
    QuickModeConfig qm = V1PeerConfigs.quickMode(c, local.getAddress(), remote.getAddress());
    try {
      long mid = tasks.initiateQuickMode(qm).task().messageId();
      log.info("IKEv1 Quick Mode {} with {} initiated", c.name(), peer.name());
      return mid;
    } catch (V1Exception e) {
      log.warn("IKEv1 Quick Mode {} with {} not started: {}", c.name(), peer.name(), e);
      return -1;
    }
  }

  // ---------------------------------------------------------------- Quick Mode rekey

  /** Rekeys the pair with inbound SPI {@code spi} by a new Quick Mode (make-before-break). */
  private void rekeyPair(int spi) {
    Pair p = pairs.get(spi);
    if (p == null
        || p.info().state() != ChildSaState.INSTALLED
        || state != IkeSaState.ESTABLISHED
        || engine.isShuttingDown()) {
      return;
    }
    long mid = quickMode(p.config());
    if (mid < 0) {
      return;
    }
    replacing.put(mid, spi);
    pairs.put(spi, p.withState(ChildSaState.REKEYING));
    log.info(
        "IKEv1 pair {} of {} with {}: rekeying",
        String.format("%08x", spi),
        p.config().name(),
        peer.name());
    publish();
  }

  /** Rekeys the installed pairs of child {@code childName}; whether there was any. */
  boolean rekeyChild(String childName) {
    boolean any = false;
    for (Pair p : List.copyOf(pairs.values())) {
      if (p.config().name().equals(childName) && p.info().state() == ChildSaState.INSTALLED) {
        rekeyPair(p.inboundSpi());
        any = true;
      }
    }
    return any;
  }

  /** A data-plane expire of the pair with inbound SPI {@code spi}. */
  void expire(int spi, ExpireKind kind) {
    Pair p = pairs.get(spi);
    if (p == null) {
      return;
    }
    if (kind == ExpireKind.SOFT) {
      rekeyPair(spi);
    } else if (retiring.remove(spi)) {
      deletePair(spi, "rekeyed (hard limit reached first)"); // the peer must hear it
    } else {
      Informational inf = tasks.informational();
      if (inf != null) {
        inf.removeChild(spi); // the data plane already removed it
      }
      forget(spi);
      publish();
    }
  }

  /** Drops the pair from this SA's books (the data plane is dealt with by the caller). */
  private void forget(int spi) {
    pairs.remove(spi);
    adopted.remove(spi);
    front.childGone(spi, this);
  }

  /** Deletes our pair {@code spi} and tells the peer with D(ESP) (RFC 2408 section 3.15). */
  private void deletePair(int spi, String why) {
    Informational inf = tasks.informational();
    if (inf == null || !pairs.containsKey(spi)) {
      return;
    }
    if (inf.children().containsValue(spi)) {
      send(inf.deleteChild(spi));
    }
    forget(spi);
    log.info("IKEv1 pair {} with {} deleted: {}", String.format("%08x", spi), peer.name(), why);
    publish();
  }

  /**
   * A pair {@code fresh} was installed: the pair it replaces (a rekey we started) goes; a rival of
   * the same child (its Quick Mode and this one each began before the other completed here: both
   * sides rekeyed at once) is settled by the lowest nonce, the redundant pair deleted with D(ESP).
   * Each side that sees the collision deletes the same pair (the second Delete finds nothing); a
   * side that saw the two one after the other deletes nothing more.
   */
  private void settle(Pair fresh, Integer replaced, Duration hold) {
    if (replaced != null) {
      if (hold.isZero()) {
        deletePair(replaced, "rekeyed");
      } else {
        // The old pair carries our traffic while the new outbound SA is held back (until the
        // responder has surely installed its inbound SA on our (3)); it goes when the hold ends.
        int old = replaced;
        retiring.add(old);
        schedule(
            () -> {
              if (retiring.remove(old)) {
                deletePair(old, "rekeyed");
              }
            },
            hold);
      }
    }
    for (Pair other : List.copyOf(pairs.values())) {
      if (other.inboundSpi() == fresh.inboundSpi()
          || !other.config().name().equals(fresh.config().name())
          || replacing.containsValue(other.inboundSpi())
          || other.installedAt() < fresh.began()) {
        continue;
      }
      Pair loser;
      if (Nonces.redundant(fresh.lowestNonce(), other.lowestNonce())) {
        loser = fresh;
      } else if (Nonces.redundant(other.lowestNonce(), fresh.lowestNonce())) {
        loser = other;
      } else {
        continue;
      }
      deletePair(loser.inboundSpi(), "redundant after a Quick Mode collision (lowest nonce)");
      if (loser == fresh) {
        return;
      }
    }
  }

  // ---------------------------------------------------------------- phase 1 re-establishment

  private void armLifetime() {
    RekeySchedule lt = peer.ikeLifetime();
    if (!lt.rekeyTime().isZero()) {
      long jitter = lt.jitter().toMillis();
      long minus = jitter > 0 ? engine.random().nextLong(jitter + 1) : 0;
      Duration in = lt.rekeyTime().minusMillis(minus);
      rekeyAt = engine.scheduler().now().plus(in);
      rekeyTimer = schedule(this::rekeyTimeReached, in);
    }
    if (!lt.lifeTime().isZero()) {
      lifeTimer = schedule(this::lifetimeExpired, lt.lifeTime());
    }
  }

  private Cancellable schedule(Runnable r, Duration in) {
    return engine.scheduler().schedule(() -> execute(r), in);
  }

  private void rekeyTimeReached() {
    reestablish();
  }

  /**
   * Negotiates a new ISAKMP SA with the peer (a new Main Mode) to replace this one; whether it
   * started.
   */
  boolean reestablish() {
    if (state != IkeSaState.ESTABLISHED || engine.isShuttingDown()) {
      return false;
    }
    state = IkeSaState.REKEYING;
    rekeyTimer.cancel();
    log.info("IKEv1 ISAKMP SA {} with {}: re-establishing phase 1", id, peer.name());
    publish();
    replacement = front.reestablish(this);
    if (replacement == null) {
      successorFailed("no new ISAKMP SA could be created");
    }
    return true;
  }

  /** The new Main Mode started by {@link #reestablish} failed: this SA stays, tries again later. */
  void successorFailed(String reason) {
    replacement = null;
    if (state != IkeSaState.REKEYING) {
      return;
    }
    state = IkeSaState.ESTABLISHED;
    log.info(
        "IKEv1 ISAKMP SA {} with {}: re-establishment failed ({}), trying again in {} s",
        id,
        peer.name(),
        reason,
        REESTABLISH_RETRY.toSeconds());
    publish();
    rekeyAt = engine.scheduler().now().plus(REESTABLISH_RETRY);
    rekeyTimer = schedule(this::rekeyTimeReached, REESTABLISH_RETRY);
  }

  private void lifetimeExpired() {
    if (state == IkeSaState.ESTABLISHED || state == IkeSaState.REKEYING) {
      terminate("the ISAKMP SA reached its lifetime");
    }
  }

  /**
   * A newer ISAKMP SA ({@code to}) with the peer takes over: this SA's pairs move to it, this one
   * turns REKEYED and is deleted, by us with D(ISAKMP) if {@code weDelete}, else by the peer (or by
   * us after {@link #REPLACED_GRACE}).
   */
  void release(IsakmpSa to, boolean weDelete) {
    if (state != IkeSaState.ESTABLISHED && state != IkeSaState.REKEYING) {
      return;
    }
    state = IkeSaState.REKEYED;
    successor = to;
    rekeyTimer.cancel();
    lifeTimer.cancel();
    dpdTimer.cancel();
    List<Pair> moving = takePairs();
    log.info(
        "IKEv1 ISAKMP SA {} with {} replaced by ISAKMP SA {}: {} pair(s) moved",
        id,
        peer.name(),
        to.id(),
        moving.size());
    publish();
    to.execute(() -> to.adopt(moving));
    if (weDelete) {
      deleteReplaced();
    } else {
      replacedTimer = schedule(this::deleteReplaced, REPLACED_GRACE);
    }
  }

  private List<Pair> takePairs() {
    List<Pair> moving = new ArrayList<>();
    Informational inf = tasks.informational();
    for (Pair p : List.copyOf(pairs.values())) {
      if (inf != null) {
        inf.removeChild(p.inboundSpi());
      }
      pairs.remove(p.inboundSpi());
      adopted.remove(p.inboundSpi());
      moving.add(
          p.info().state() == ChildSaState.REKEYING ? p.withState(ChildSaState.INSTALLED) : p);
    }
    replacing.clear();
    return moving;
  }

  private void deleteReplaced() {
    if (state != IkeSaState.REKEYED) {
      return;
    }
    Informational inf = tasks.informational();
    if (inf != null) {
      send(inf.deleteIsakmpSa());
    }
    destroy("replaced by ISAKMP SA " + (successor == null ? "?" : successor.id()));
  }

  /**
   * Takes over pairs from an older ISAKMP SA with the same peer; their ESP SAs stay as they are.
   */
  void adopt(List<Pair> moving) {
    if (state == IkeSaState.CONNECTING) {
      inherited.addAll(moving); // taken over once phase 1 completes
      return;
    }
    if (state == IkeSaState.DESTROYED || tasks.informational() == null) {
      // gone meanwhile: the pairs go with it
      for (Pair p : moving) {
        engine.ipsec().delete(p.inboundSpi(), p.info().outboundSpi(), remote.getAddress());
        front.childGone(p.inboundSpi(), null);
      }
      return;
    }
    if (state == IkeSaState.REKEYED && successor != null) {
      IsakmpSa next = successor;
      next.execute(() -> next.adopt(moving));
      return;
    }
    for (Pair p : moving) {
      pairs.put(p.inboundSpi(), p);
      adopted.add(p.inboundSpi());
      tasks.informational().addChild(p.inboundSpi(), p.info().outboundSpi());
      front.childInstalled(p.inboundSpi(), this);
    }
    if (!moving.isEmpty()) {
      publish();
    }
  }

  /** INITIAL-CONTACT: the pairs taken over from older SAs are stale; they go without a Delete. */
  private void dropAdopted() {
    Informational inf = tasks.informational();
    for (int spi : List.copyOf(adopted)) {
      Pair p = pairs.get(spi);
      if (p != null) {
        if (inf != null) {
          inf.removeChild(spi);
        }
        engine.ipsec().delete(spi, p.info().outboundSpi(), remote.getAddress());
        forget(spi);
      }
    }
    adopted.clear();
    publish();
  }

  // ---------------------------------------------------------------- teardown

  /** Deletes the pairs and the SA, telling the peer (RFC 2408 section 3.15). */
  void terminate(String reason) {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    Informational inf = tasks.informational();
    if (inf != null && state != IkeSaState.CONNECTING) {
      for (int in : List.copyOf(pairs.keySet())) {
        if (inf.children().containsValue(in)) {
          send(inf.deleteChild(in));
        }
      }
      pairs.keySet().forEach(spi -> front.childGone(spi, this));
      pairs.clear();
      send(inf.deleteIsakmpSa());
    }
    destroy(reason);
  }

  /** Drops the SA and its pairs without telling the peer. */
  void destroy(String reason) {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    boolean wasConnecting = state == IkeSaState.CONNECTING;
    dpdTimer.cancel();
    rekeyTimer.cancel();
    lifeTimer.cancel();
    replacedTimer.cancel();
    Informational inf = tasks.informational();
    if (inf != null) {
      inf.children().forEach((out, in) -> engine.ipsec().delete(in, out, remote.getAddress()));
    }
    pairs.keySet().forEach(spi -> front.childGone(spi, this));
    pairs.clear();
    for (Pair p : inherited) {
      engine.ipsec().delete(p.inboundSpi(), p.info().outboundSpi(), remote.getAddress());
      front.childGone(p.inboundSpi(), null);
    }
    inherited.clear();
    tasks.close();
    state = IkeSaState.DESTROYED;
    publish();
    front.removed(this);
    tasks.sa().wipe();
    log.info("IKEv1 ISAKMP SA {} with {} gone: {}", id, peer.name(), reason);
    try {
      engine.listener().ikeSaDestroyed(info, reason);
    } catch (RuntimeException e) {
      log.warn("IKE listener failed", e);
    }
    if (wasConnecting && predecessor != null) {
      IsakmpSa p = predecessor;
      p.execute(() -> p.successorFailed(reason));
    }
  }

  private void send(byte[] datagram) {
    if (natT.floated() && local.getPort() != engine.settings().nattPort()) {
      // RFC 3947 section 4: from the message after NAT detection on, IKE uses port 4500.
      local = new InetSocketAddress(local.getAddress(), engine.settings().nattPort());
      remote = new InetSocketAddress(remote.getAddress(), engine.settings().nattPort());
    }
    engine.network().send(datagram, local, remote);
  }

  private void publish() {
    publish(null);
  }

  /**
   * Publishes a fresh snapshot; {@code exchange}, when not null, names the exchange we initiated
   * that has just completed ({@code IkeListener#exchangeDone}, heard before the snapshot is
   * visible).
   */
  private void publish(String exchange) {
    Phase1State p1 = tasks.sa();
    IkeSaInfo next =
        new IkeSaInfo(
            id,
            peer.name(),
            state,
            p1.initiatorCookie(),
            p1.responderCookie(),
            initiator,
            local,
            remote,
            p1.chosen() == null ? null : configuredProposal(p1),
            created,
            established,
            state == IkeSaState.ESTABLISHED ? rekeyAt : null,
            natT.natLocal(),
            natT.natRemote(),
            pairs.values().stream().map(Pair::info).toList(),
            1,
            mode);
    if (exchange != null) {
      try {
        engine.listener().exchangeDone(next, exchange);
      } catch (RuntimeException e) {
        log.warn("IKE listener failed", e);
      }
    }
    info = next;
    if (state != IkeSaState.DESTROYED) {
      try {
        engine.listener().ikeSaChanged(info);
      } catch (RuntimeException e) {
        log.warn("IKE listener failed", e);
      }
    }
  }

  /** The configured IKE proposal the negotiated phase 1 transform came from. */
  private IkeProposal configuredProposal(Phase1State p1) {
    for (IkeProposal ip : peer.ikeProposals()) {
      if (V1PeerConfigs.phase1Proposal(ip, 0).map(x -> x.sameSuite(p1.chosen())).orElse(false)) {
        return ip;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- DPD (RFC 3706)

  private void armDpd(Duration in) {
    dpdTimer.cancel();
    dpdTimer = schedule(this::dpdTick, in);
  }

  /**
   * Time since the last proof of life from the peer: an authenticated IKE message, or ESP accepted
   * on one of our pairs (RFC 3706 section 5.1).
   */
  private Duration idle(Instant now) {
    Duration idle = Duration.between(lastHeard, now);
    for (int spi : pairs.keySet()) {
      Optional<Duration> esp = engine.ipsec().inboundIdle(spi);
      if (esp.isPresent() && esp.get().compareTo(idle) < 0) {
        idle = esp.get().isNegative() ? Duration.ZERO : esp.get();
      }
    }
    return idle;
  }

  private void dpdTick() {
    if (!state.isUsable()) {
      return;
    }
    Instant now = engine.scheduler().now();
    Duration delay = peer.dpd().delay();
    Duration idle = idle(now);
    if (dpdFirstSent != null && idle.compareTo(Duration.between(dpdFirstSent, now)) < 0) {
      dpdFirstSent = null; // something authenticated came after our R-U-THERE: alive
    }
    if (dpdFirstSent == null) {
      if (idle.compareTo(delay) < 0) {
        armDpd(delay.minus(idle));
        return;
      }
      dpdFirstSent = now;
    } else {
      Duration timeout =
          peer.dpd().timeout().isZero()
              ? engine.settings().retransmit().giveUpAfter()
              : peer.dpd().timeout();
      if (Duration.between(dpdFirstSent, now).compareTo(timeout) >= 0) {
        dead();
        return;
      }
    }
    send(tasks.informational().rUThere());
    armDpd(delay);
  }

  private void dead() {
    engine.stats().deadPeer(EngineStats.DeadPeerCause.DPD);
    List<ChildConfig> configs = pairs.values().stream().map(Pair::config).distinct().toList();
    destroy("peer dead: no R-U-THERE-ACK within the DPD timeout");
    if (peer.dpd().action() == DpdAction.RESTART && !configs.isEmpty()) {
      front.connect(peer, configs, remote.getAddress());
    }
  }

  // ---------------------------------------------------------------- task manager events

  private final class Events implements V1TaskManager.Listener {
    @Override
    public void established(Phase1State sa) {
      state = IkeSaState.ESTABLISHED;
      lowestNonce = sa.lowestNonce();
      established = engine.scheduler().now();
      establishedOrder = EventOrder.next();
      lastHeard = established;
      log.info(
          "IKEv1 ISAKMP SA {} with {} at {} established ({} Mode, {})",
          id,
          peer.name(),
          InetText.endpoint(remote),
          mode,
          initiator ? "initiator" : "responder");
      armLifetime();
      publish(initiator ? (mode.equals("main") ? "Main Mode" : "Aggressive Mode") : null);
      if (!inherited.isEmpty()) {
        List<Pair> moving = List.copyOf(inherited);
        inherited.clear();
        adopt(moving);
      }
      front.established(IsakmpSa.this);
      if (sendInitialContact) {
        send(tasks.informational().initialContact());
      }
      if (peer.dpd().enabled()) {
        armDpd(peer.dpd().delay());
      }
      List<ChildConfig> start = List.copyOf(pending);
      pending.clear();
      start.forEach(IsakmpSa.this::quickMode);
    }

    @Override
    public void childInstalled(QuickMode t) {
      ChildConfig cfg =
          peer.children().stream()
              .filter(c -> c.name().equals(t.config().name()))
              .findFirst()
              .orElse(peer.children().get(0));
      ChildSaInfo c =
          new ChildSaInfo(
              cfg.name(),
              ChildSaState.INSTALLED,
              t.inboundSpi(),
              t.outboundSpi(),
              t.agreed().suite(),
              false,
              cfg.mode(),
              List.of(t.localTs()),
              List.of(t.remoteTs()),
              engine.scheduler().now(),
              null,
              t.initiator());
      Pair fresh = new Pair(c, cfg, t.lowestNonce(), t.began(), EventOrder.next());
      pairs.put(t.inboundSpi(), fresh);
      front.childInstalled(t.inboundSpi(), IsakmpSa.this);
      log.info(
          "IKEv1 Quick Mode {} with {} installed: SPIs {} in, {} out",
          cfg.name(),
          peer.name(),
          String.format("%08x", t.inboundSpi()),
          String.format("%08x", t.outboundSpi()));
      Integer replaced = replacing.remove(t.messageId());
      if (state == IkeSaState.REKEYED && successor != null) {
        // a Quick Mode that completed after this SA was replaced: the pair moves on
        Informational inf = tasks.informational();
        inf.removeChild(t.inboundSpi());
        pairs.remove(t.inboundSpi());
        IsakmpSa next = successor;
        next.execute(() -> next.adopt(List.of(fresh)));
        return;
      }
      settle(fresh, replaced, t.outboundHold());
      publish(t.initiator() ? "Quick Mode" : null);
    }

    @Override
    public void failed(boolean phase1, String reason) {
      if (phase1) {
        destroy("phase 1 failed: " + reason);
      } else {
        log.info("IKEv1 Quick Mode with {} failed: {}", peer.name(), reason);
      }
    }

    @Override
    public void quickModeFailed(QuickMode t, String reason) {
      Integer target = replacing.remove(t.messageId());
      log.info(
          "IKEv1 Quick Mode {} ({}) with {} failed: {}",
          t.config().name(),
          String.format("%08x", t.messageId()),
          peer.name(),
          reason);
      if (t.initiator()) {
        try {
          engine.listener().childSaFailed(info, t.config().name(), reason);
        } catch (RuntimeException e) {
          log.warn("IKE listener failed", e);
        }
      }
      Pair p = target == null ? null : pairs.get(target);
      if (p != null && p.info().state() == ChildSaState.REKEYING) {
        pairs.put(target, p.withState(ChildSaState.INSTALLED));
        publish();
      }
    }

    @Override
    public void informational(Informational.Event event) {
      if (event instanceof Informational.Event.Error e) {
        // RFC 2408 section 3.14.1: the peer says why it refused; the negotiation ends with it.
        log.warn(
            "IKEv1 {} from {} at {} (ISAKMP SA {})",
            e.type(),
            peer.name(),
            InetText.endpoint(remote),
            id);
        return;
      }
      lastHeard = engine.scheduler().now();
      if (event instanceof Informational.Event.ChildDeleted d) {
        forget(d.inboundSpi());
        log.info("IKEv1 pair {} deleted by {}", String.format("%08x", d.inboundSpi()), peer.name());
        publish();
      } else if (event instanceof Informational.Event.IsakmpSaDeleted) {
        // RFC 2408 section 3.15: a deleted ISAKMP SA does not take its pairs along; those still
        // here go to another SA with the peer if there is one (the peer may have settled a
        // collision of ISAKMP SAs the other way round), else with this one.
        IsakmpSa heir = pairs.isEmpty() ? null : front.heir(IsakmpSa.this);
        if (heir == null
            && !pairs.isEmpty()
            && replacement != null
            && replacement.state() == IkeSaState.CONNECTING) {
          heir = replacement; // the peer completed our new Main Mode first and deleted this one
        }
        if (heir == null && !pairs.isEmpty()) {
          // the peer's new Main Mode, which this side answered with its last message just before
          // this SA's Delete overtook the completion of its own phase 1 (Ikev1Front#newestInPhase1)
          heir = front.newestInPhase1(IsakmpSa.this);
        }
        if (heir != null) {
          List<Pair> moving = takePairs();
          log.info(
              "IKEv1 ISAKMP SA {} deleted by {}: {} pair(s) go to ISAKMP SA {}",
              id,
              peer.name(),
              moving.size(),
              heir.id());
          IsakmpSa to = heir;
          to.execute(() -> to.adopt(moving));
        }
        destroy("deleted by the peer");
      } else if (event instanceof Informational.Event.InitialContact) {
        dropAdopted();
        front.initialContact(IsakmpSa.this);
      } else if (event instanceof Informational.Event.DpdAck) {
        dpdFirstSent = null;
      } else if (event instanceof Informational.Event.Other o) {
        log.debug("IKEv1 informational from {}: {}", peer.name(), o.what());
      }
    }
  }

  /** The child configuration a pair was installed for, if it is still known. */
  Optional<ChildConfig> childConfig(int inboundSpi) {
    return Optional.ofNullable(pairs.get(inboundSpi)).map(Pair::config);
  }
}
