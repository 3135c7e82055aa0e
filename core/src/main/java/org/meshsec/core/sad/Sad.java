package org.meshsec.core.sad;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.core.stats.XfrmStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Security Association Database (RFC 4301 section 4.4.2) with LARVAL queueing in both
 * directions, and the {@link KeyEngine} through which key management drives it.
 *
 * <h2>Indexes</h2>
 *
 * <ul>
 *   <li><b>Inbound, by SPI</b>: a {@link LongTable} (lock-free, allocation-free reads; sized for
 *       hundreds of thousands of SAs). Our SPIs are unique among live inbound SAs, so the SPI alone
 *       identifies an inbound SA (RFC 4301 section 4.1 allows SPI-only lookup for unicast).
 *   <li><b>Outbound, by (policy id, peer)</b>: {@link OutboundSlots}, one slot per pair holding its
 *       outbound SAs (two for a while during a rekey; the newest MATURE one is used, else the
 *       newest DYING one) and the pending acquire with its queue, if any. Also a map by (peer, SPI)
 *       for {@link #get} and {@link #delete}.
 * </ul>
 *
 * <h2>Packet flow through the SAD</h2>
 *
 * <pre>
 *  inbound ESP, SPI s:   sa = inbound(s, esp)
 *     no SA for s                  -&gt; InNoStates, released, null
 *     sa.direct (usable, no queue) -&gt; sa (lock-free fast path)         caller: sa.open(...)
 *     else, under sa's lock:  LARVAL -&gt; queued (oldest dropped when full), null
 *                             DEAD   -&gt; InStateExpired, released, null
 *                             usable -&gt; sa (the drain finished before we got the lock)
 *  update(spec) for s:   under sa's lock: LARVAL -&gt; MATURE, queued packets -&gt; inboundDrain in order
 *
 *  outbound packet for policy p, peer x:   sa = outbound(p, x, packet)
 *     slot has no pending acquire and a usable SA -&gt; sa (lock-free)   caller: sa.seal(...)
 *     else, under the slot's lock: pending acquire -&gt; queued, null
 *                                  usable SA       -&gt; sa
 *                                  none            -&gt; new pending acquire, queued, ACQUIRE event
 *  add(outbound spec) for (p, x): under the slot's lock: SA added, queued packets -&gt; outboundDrain
 *     in order (on the peer's drain thread when one is set), then the pending acquire is cleared
 *     (which opens the fast path)
 *  expire(now):   LARVAL timeouts, pending-acquire timeouts, soft/hard time lifetimes
 * </pre>
 *
 * <h2>Thread-safety</h2>
 *
 * Thread-safe. The hot-path lookups ({@link #inbound}, {@link #outbound}) take no lock when the SA
 * is usable and nothing is queued. Locks: each SA's own lock (state, transform, counters, LARVAL
 * queue), each outbound slot's lock (its SA list and pending acquire), and two index write locks.
 * Lock order: slot, then SA, then index write lock; no code takes them the other way round. Nothing
 * here starts a thread: time-driven work happens in {@link #expire}, which the daemon calls from
 * its timer.
 *
 * <h2>Buffer ownership</h2>
 *
 * {@link #inbound} and {@link #outbound} return the SA to use when the caller should process the
 * packet now (the caller keeps ownership); they return null when the SAD took ownership (queued; or
 * dropped, released and counted). Queued packets are released when dropped (queue full, timeout,
 * delete, flush) or handed to a {@link LarvalDrain}, which then owns them.
 *
 * <h2>Why one class of this size</h2>
 *
 * About a sixth of it is the {@link Builder}. The rest is the {@link KeyEngine} operations and the
 * timer over the indexes, and most of them ({@link #add}, {@link #delete}, {@link #flush}, {@link
 * #expire}) act on both directions in the lock order above, and raise their events only after every
 * lock is released. Keeping them together keeps that order and the event rule visible in one place.
 * The part with a lock protocol of its own, the outbound slots with their acquire queues, is {@link
 * OutboundSlots}; the per-SA protocol is {@link SecurityAssociation}.
 */
public final class Sad implements KeyEngine {
  private static final Logger log = LoggerFactory.getLogger(Sad.class);

  /** Default bound of each LARVAL / acquire queue, in packets. */
  public static final int DEFAULT_LARVAL_QUEUE_LIMIT = 64;

  /** Default time a pending acquire or a LARVAL SA waits for key management. */
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);

  private static final int MAX_SPI_ATTEMPTS = 1 << 16;
  private static final SadListener NO_LISTENER = e -> {};

  private final XfrmStats stats;
  private final LongSupplier clock;
  private final Random random;
  private final EspTransform.Factory transforms;
  private volatile LarvalDrain inboundDrain;
  private volatile LarvalDrain outboundDrain;
  private volatile Function<InetAddress, Executor> outboundDrainThread = peer -> null;
  private final int queueLimit;
  private final long acquireTimeoutMillis;

  /**
   * Test seam, null in production: run on the slow paths between the lock-free look and the locked
   * re-check, where a stress test widens the race window the re-check closes.
   */
  private final Runnable raceWindowHook;

  private volatile SadListener listener = NO_LISTENER;
  private final PeerTraffic traffic = new PeerTraffic();
  private volatile long coarseNow;

  private final LongTable<SecurityAssociation> inboundBySpi = new LongTable<>();

  /** Serialises the check-then-insert of inbound SPIs (getSpi, add). */
  private final Object inboundWriteLock = new Object();

  private final ConcurrentHashMap<OutboundKey, SecurityAssociation> outboundById =
      new ConcurrentHashMap<>();

  private record OutboundKey(InetAddress peer, int spi) {}

  /** Outbound SAs by (policy id, peer), with the pending acquires. */
  private final OutboundSlots slots;

  private Sad(Builder b) {
    this.stats = b.stats;
    this.clock = b.clock;
    this.random = b.random;
    this.transforms = b.transforms;
    this.inboundDrain = b.inboundDrain;
    this.outboundDrain = b.outboundDrain;
    this.queueLimit = b.queueLimit;
    this.acquireTimeoutMillis = b.acquireTimeout.toMillis();
    this.raceWindowHook = b.raceWindowHook;
    this.coarseNow = clock.getAsLong();
    this.slots =
        new OutboundSlots(
            stats,
            queueLimit,
            acquireTimeoutMillis,
            this::now,
            (policy, peer) -> fire(new SadEvent.Acquire(policy, peer)));
  }

  /** A builder with the defaults: 64-packet queues, 30 s acquire timeout, SecureRandom SPIs. */
  /** How this SAD builds ESP transforms (for the per-thread openers of an inbound SA). */
  EspTransform.Factory transforms() {
    return transforms;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether {@code spi} is in the IANA-reserved range 0..255 (RFC 4303 section 2.1). */
  public static boolean isReservedSpi(int spi) {
    return Integer.compareUnsigned(spi, 255) <= 0;
  }

  /** The counters this SAD increments. */
  public XfrmStats stats() {
    return stats;
  }

  // ================================================================== data path

  /**
   * Inbound hot path: finds the SA for an ESP packet's SPI and decides what happens to the packet.
   *
   * @return the SA to open {@code esp} with now (the caller keeps ownership and calls {@link
   *     SecurityAssociation#open}); or null when the SAD took ownership: queued on a LARVAL SA, or
   *     dropped, released and counted (no SA: InNoStates; DEAD: InStateExpired)
   */
  public SecurityAssociation inbound(int spi, ByteBuf esp) {
    SecurityAssociation sa = inboundBySpi.get(Integer.toUnsignedLong(spi));
    if (sa == null) {
      stats.increment(XfrmStat.IN_NO_STATES);
      esp.release();
      return null;
    }
    if (sa.isDirect()) {
      return sa;
    }
    if (raceWindowHook != null) {
      raceWindowHook.run();
    }
    return sa.admit(esp, queueLimit) ? sa : null;
  }

  /**
   * Outbound hot path: finds the SA for a packet that matched the PROTECT {@code policy}, toward
   * {@code peer} (normally {@code policy.template().peer()}).
   *
   * @return the SA to seal {@code packet} with now (the caller keeps ownership and calls {@link
   *     SecurityAssociation#seal}); or null when the SAD took ownership: queued behind a pending
   *     acquire (raising ACQUIRE if it is a new one), or, with the queue configured off, dropped
   *     (OutNoStates)
   * @throws IllegalArgumentException if {@code policy} is not a PROTECT policy (a programming
   *     error)
   */
  public SecurityAssociation outbound(Policy policy, InetAddress peer, ByteBuf packet) {
    SecurityAssociation sa = slots.pick(policy.id(), peer);
    if (sa != null) {
      return sa;
    }
    return outboundSlow(policy, peer, packet);
  }

  private SecurityAssociation outboundSlow(Policy policy, InetAddress peer, ByteBuf packet) {
    if (policy.template() == null) {
      throw new IllegalArgumentException("policy " + policy.name() + " is not PROTECT");
    }
    if (raceWindowHook != null) {
      raceWindowHook.run();
    }
    return slots.acquire(policy, peer, packet);
  }

  /** The inbound SA for {@code spi} in any state, or null. Lock-free; counts nothing. */
  public SecurityAssociation findInbound(int spi) {
    return inboundBySpi.get(Integer.toUnsignedLong(spi));
  }

  /**
   * The outbound SA {@link #outbound} would pick for ({@code policyId}, {@code peer}), ignoring any
   * pending acquire; null if none is usable. Lock-free; counts nothing.
   */
  public SecurityAssociation findOutbound(long policyId, InetAddress peer) {
    return slots.best(policyId, peer);
  }

  // ================================================================== key engine

  @Override
  public int getSpi(InetAddress local, InetAddress peer) {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    long now = now();
    synchronized (inboundWriteLock) {
      for (int attempt = 0; attempt < MAX_SPI_ATTEMPTS; attempt++) {
        int spi = random.nextInt();
        // A DEAD SA still in the index (being removed) keeps its SPI blocked a moment longer.
        if (isReservedSpi(spi) || inboundBySpi.get(Integer.toUnsignedLong(spi)) != null) {
          continue;
        }
        inboundBySpi.put(
            Integer.toUnsignedLong(spi), SecurityAssociation.larval(this, spi, local, peer, now));
        return spi;
      }
    }
    throw new IllegalStateException("no free SPI after " + MAX_SPI_ATTEMPTS + " attempts");
  }

  @Override
  public SadStatus add(SaSpec spec) {
    return add(spec, null, 0);
  }

  /**
   * As {@link #add}, for an outbound SA that must not take the traffic for {@code hold} while an
   * older SA of its slot is still usable: the initiator of an IKEv1 Quick Mode rekey installs its
   * new outbound SA before the responder has installed the matching inbound one (RFC 2409 section
   * 5.5: the responder installs on (3)), so for a moment ESP on it would find nothing there. The
   * older SA keeps carrying the traffic until the hold ends (or stops being usable); with no older
   * SA the new one is used at once.
   */
  @Override
  public SadStatus addHeld(SaSpec spec, Duration hold) {
    if (spec.direction() != Direction.OUT || hold.isZero() || hold.isNegative()) {
      return add(spec);
    }
    return add(spec, null, Math.max(1, hold.toMillis()));
  }

  /**
   * Installs an SA carried over from an earlier process (a hot restart) as MATURE: as {@link #add},
   * but its transform resumes at {@code sequence} (outbound: the next packet carries {@code
   * sequence + 1}; inbound: everything up to it counts as received). The caller has added the
   * safety margin to the outbound number.
   */
  public SadStatus restore(SaSpec spec, long sequence) {
    return add(spec, sequence, 0);
  }

  private SadStatus add(SaSpec spec, Long resumeAt, long holdMillis) {
    long now = now();
    if (spec.direction() == Direction.IN) {
      SecurityAssociation existing = findInbound(spec.spi());
      if (existing != null && existing.state() != SaState.DEAD) {
        return SadStatus.SPI_IN_USE; // cheap early answer; re-checked below
      }
    } else {
      SecurityAssociation existing = outboundById.get(new OutboundKey(spec.peer(), spec.spi()));
      if (existing != null && existing.state() != SaState.DEAD) {
        return SadStatus.SPI_IN_USE; // cheap early answer; re-checked below
      }
    }
    EspTransform t = resumeAt == null ? newTransform(spec) : resumedTransform(spec, resumeAt);
    if (t == null) {
      return SadStatus.TRANSFORM_FAILED;
    }
    SecurityAssociation sa = SecurityAssociation.mature(this, spec, t, now);
    if (holdMillis > 0) {
      sa.holdUntil(now + holdMillis);
    }
    if (spec.direction() == Direction.IN) {
      synchronized (inboundWriteLock) {
        long key = Integer.toUnsignedLong(spec.spi());
        SecurityAssociation existing = inboundBySpi.get(key);
        if (existing != null && existing.state() != SaState.DEAD) {
          sa.kill(XfrmStat.IN_LARVAL_QUEUE_DROPS);
          return SadStatus.SPI_IN_USE;
        }
        inboundBySpi.put(key, sa);
      }
      log.debug("added {}", sa);
      return SadStatus.OK;
    }
    OutboundKey key = new OutboundKey(spec.peer(), spec.spi());
    SecurityAssociation winner =
        outboundById.compute(
            key, (k, old) -> old == null || old.state() == SaState.DEAD ? sa : old);
    if (winner != sa) {
      sa.kill(XfrmStat.OUT_LARVAL_QUEUE_DROPS);
      return SadStatus.SPI_IN_USE;
    }
    slots.install(sa, outboundDrain, outboundDrainThread.apply(spec.peer()));
    log.debug("added {}", sa);
    return SadStatus.OK;
  }

  @Override
  public SadStatus update(SaSpec spec) {
    if (spec.direction() != Direction.IN) {
      return SadStatus.WRONG_DIRECTION;
    }
    SecurityAssociation sa = findInbound(spec.spi());
    if (sa == null) {
      return SadStatus.NO_SUCH_SA;
    }
    if (sa.state() != SaState.LARVAL) {
      return sa.state() == SaState.DEAD ? SadStatus.NO_SUCH_SA : SadStatus.NOT_LARVAL;
    }
    EspTransform t = newTransform(spec);
    if (t == null) {
      return SadStatus.TRANSFORM_FAILED;
    }
    SadStatus st = sa.promote(spec, t, now(), inboundDrain);
    if (st == SadStatus.OK) {
      log.debug("updated {}", sa);
    }
    return st;
  }

  private EspTransform resumedTransform(SaSpec spec, long sequence) {
    try {
      return Objects.requireNonNull(
          transforms.resume(spec.direction(), spec.espParams(), sequence));
    } catch (RuntimeException e) {
      log.warn("cannot resume the ESP transform for {}: {}", spec, e.toString());
      return null;
    }
  }

  private EspTransform newTransform(SaSpec spec) {
    try {
      return Objects.requireNonNull(transforms.create(spec.direction(), spec.espParams()));
    } catch (RuntimeException e) {
      // SaSpec.toString and exception messages from the crypto layer carry no key bytes
      log.warn("cannot build the ESP transform for {}: {}", spec, e.toString());
      return null;
    }
  }

  @Override
  public SadStatus delete(Direction direction, int spi, InetAddress peer) {
    SecurityAssociation sa = find(direction, spi, peer);
    if (sa == null
        || !sa.kill(
            direction == Direction.IN
                ? XfrmStat.IN_LARVAL_QUEUE_DROPS
                : XfrmStat.OUT_LARVAL_QUEUE_DROPS)) {
      return SadStatus.NO_SUCH_SA;
    }
    unindex(sa);
    log.debug("deleted {}", sa);
    fire(new SadEvent.Deleted(sa.info()));
    return SadStatus.OK;
  }

  @Override
  public Optional<SaInfo> get(Direction direction, int spi, InetAddress peer) {
    SecurityAssociation sa = find(direction, spi, peer);
    return sa == null ? Optional.empty() : Optional.of(sa.info());
  }

  private SecurityAssociation find(Direction direction, int spi, InetAddress peer) {
    if (direction == Direction.IN) {
      return findInbound(spi);
    }
    return peer == null ? null : outboundById.get(new OutboundKey(peer, spi));
  }

  @Override
  public int flush() {
    List<SecurityAssociation> all = allSas();
    List<SadEvent> events = new ArrayList<>();
    for (SecurityAssociation sa : all) {
      XfrmStat drop =
          sa.direction() == Direction.IN
              ? XfrmStat.IN_LARVAL_QUEUE_DROPS
              : XfrmStat.OUT_LARVAL_QUEUE_DROPS;
      if (sa.kill(drop)) {
        unindex(sa);
        events.add(new SadEvent.Deleted(sa.info()));
      }
    }
    slots.dropPending(XfrmStat.OUT_LARVAL_QUEUE_DROPS);
    log.debug("flushed {} SAs", events.size());
    events.forEach(this::fire);
    return events.size();
  }

  @Override
  public List<SaInfo> dump() {
    List<SaInfo> out = new ArrayList<>();
    for (SecurityAssociation sa : allSas()) {
      out.add(sa.info());
    }
    out.sort(
        Comparator.comparing((SaInfo i) -> i.direction() == Direction.OUT)
            .thenComparing(SaInfo::spi, Integer::compareUnsigned));
    return out;
  }

  /**
   * Every usable SA (MATURE or DYING) with a copy of its key material, for a capture key table; the
   * caller wipes the copies. Not part of {@link KeyEngine}: key management never reads keys back.
   */
  public List<SaSecrets> secrets() {
    List<SaSecrets> out = new ArrayList<>();
    for (SecurityAssociation sa : allSas()) {
      SaSecrets s = sa.secrets();
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public void setListener(SadListener listener) {
    this.listener = listener == null ? NO_LISTENER : listener;
  }

  /**
   * Registers where queued packets go when their SA becomes usable (replacing the builder's
   * drains). The daemon builds the SAD first and registers the data path's drains once the data
   * path exists, before any packet can be queued.
   */
  public void setDrains(LarvalDrain inbound, LarvalDrain outbound) {
    this.inboundDrain = Objects.requireNonNull(inbound, "inbound");
    this.outboundDrain = Objects.requireNonNull(outbound, "outbound");
  }

  /**
   * Like {@link #setDrains(LarvalDrain, LarvalDrain)}, and says on which thread the outbound drain
   * for a peer runs: {@code outboundThread} gives the executor whose thread sends to that peer
   * synchronously (null: the thread that adds the SA). Draining there keeps the queued packets
   * ahead of the ones the fast path sends once it opens (see {@link OutboundSlots#install}).
   */
  public void setDrains(
      LarvalDrain inbound, LarvalDrain outbound, Function<InetAddress, Executor> outboundThread) {
    setDrains(inbound, outbound);
    this.outboundDrainThread = Objects.requireNonNull(outboundThread, "outboundThread");
  }

  // ================================================================== timer

  /** {@link #expire} at the injected clock's current time. */
  public void tick() {
    expire(clock.getAsLong());
  }

  /**
   * The timer's work, to be called periodically (every second or so) by the daemon; the SAD has no
   * thread of its own. At {@code nowMillis} (same scale as the injected clock): LARVAL SAs older
   * than the acquire timeout die (HARD_EXPIRE, cause LARVAL_TIMEOUT; queued packets counted in
   * AcquireTimeouts); pending acquires past their deadline are dropped (packets counted in
   * AcquireTimeouts, no event; the next packet raises a new ACQUIRE); SAs whose time lifetimes are
   * reached become DYING (SOFT_EXPIRE) or DEAD (HARD_EXPIRE). It also refreshes the coarse clock
   * used for {@link SaInfo#lastUseMillis()}. Cost: a walk over all SAs and slots.
   */
  public void expire(long nowMillis) {
    coarseNow = nowMillis;
    List<SadEvent> events = new ArrayList<>();
    for (SecurityAssociation sa : allSas()) {
      SadEvent e = sa.expire(nowMillis, acquireTimeoutMillis);
      if (e != null) {
        if (e instanceof SadEvent.HardExpire) {
          unindex(sa);
        }
        events.add(e);
      }
    }
    slots.expire(nowMillis);
    events.forEach(this::fire);
  }

  // ================================================================== observation

  /** Number of inbound SAs in the index (any state). */
  public int inboundCount() {
    return inboundBySpi.size();
  }

  /** Number of outbound SAs in the index. */
  public int outboundCount() {
    return outboundById.size();
  }

  /** Number of pending outbound acquires. */
  public int pendingAcquireCount() {
    return slots.pendingCount();
  }

  /** Packets queued on all pending outbound acquires (each queue read under its slot's lock). */
  public int queuedOutboundTotal() {
    return slots.queuedTotal();
  }

  /** Packets queued on the pending acquire for (policy id, peer); 0 if none. */
  @Override
  public int queuedOutbound(long policyId, InetAddress peer) {
    return slots.queued(policyId, peer);
  }

  /**
   * The SAD's clock now, in the scale of {@link SaInfo}'s times (monotonic milliseconds by default,
   * not the epoch): subtract an SA's {@code addMillis} from it for the SA's age.
   */
  @Override
  public long nowMillis() {
    return clock.getAsLong();
  }

  // ================================================================== internals

  /** Last time seen on the clock (by a control operation or {@link #expire}). */
  long coarseNow() {
    return coarseNow;
  }

  private long now() {
    long n = clock.getAsLong();
    coarseNow = n;
    return n;
  }

  /** Called by an SA (not holding its lock, unless inside a drain) that reached a soft limit. */
  void softExpired(SecurityAssociation sa, ExpireCause cause) {
    fire(new SadEvent.SoftExpire(sa.info(), cause));
  }

  /** Called by an SA (not holding its lock, unless inside a drain) that died of a hard limit. */
  void hardExpired(SecurityAssociation sa, ExpireCause cause) {
    unindex(sa);
    fire(new SadEvent.HardExpire(sa.info(), cause));
  }

  /**
   * Removes a DEAD SA from the indexes and adds its counters to its peer's totals ({@link
   * PeerTraffic}). Idempotent: only the call that removes it counts it.
   */
  private void unindex(SecurityAssociation sa) {
    boolean removed;
    if (sa.direction() == Direction.IN) {
      removed = inboundBySpi.remove(Integer.toUnsignedLong(sa.spi()), sa);
    } else {
      removed = outboundById.remove(new OutboundKey(sa.peer(), sa.spi()), sa);
      slots.remove(sa);
    }
    if (removed) {
      traffic.retire(sa.info());
    }
  }

  /**
   * Each peer's traffic (by underlay address) since the SAD was made: the SAs in it now plus those
   * that left it (replaced by a rekey, expired, deleted). Only grows.
   */
  public Map<InetAddress, PeerTraffic.Totals> peerTotals() {
    Map<InetAddress, PeerTraffic.Totals> retired = traffic.retiredNow();
    return traffic.totals(retired, dump());
  }

  private void fire(SadEvent e) {
    log.debug("event: {}", e.describe());
    try {
      listener.onEvent(e);
    } catch (RuntimeException ex) {
      log.warn("SAD listener failed on {}", e.describe(), ex);
    }
  }

  private List<SecurityAssociation> allSas() {
    List<SecurityAssociation> all = new ArrayList<>(inboundBySpi.size() + outboundById.size());
    inboundBySpi.forEach(all::add);
    all.addAll(outboundById.values());
    return all;
  }

  /** Configures a {@link Sad}. Not thread-safe; build once. */
  public static final class Builder {
    private XfrmStats stats = new XfrmStats();
    private LongSupplier clock = () -> System.nanoTime() / 1_000_000L;
    private Random random;
    private EspTransform.Factory transforms = EspTransform.Factory.esp();
    private LarvalDrain inboundDrain = Builder::dropUnwired;
    private LarvalDrain outboundDrain = Builder::dropUnwired;
    private int queueLimit = DEFAULT_LARVAL_QUEUE_LIMIT;
    private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
    private Runnable raceWindowHook;

    private Builder() {}

    private static void dropUnwired(SecurityAssociation sa, ByteBuf packet) {
      log.warn("no LarvalDrain configured; dropping a queued packet for {}", sa);
      packet.release();
    }

    /** Where to count (default: a fresh set). */
    public Builder stats(XfrmStats stats) {
      this.stats = Objects.requireNonNull(stats);
      return this;
    }

    /**
     * Monotonic time in milliseconds (default {@code System.nanoTime() / 1e6}); used for lifetimes,
     * timeouts and the SA timestamps.
     */
    public Builder clock(LongSupplier millis) {
      this.clock = Objects.requireNonNull(millis);
      return this;
    }

    /** The SPI source (default a {@link SecureRandom}; a seeded {@link Random} in tests). */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    /** How transforms are built (default {@link EspTransform.Factory#esp()}). */
    public Builder transforms(EspTransform.Factory transforms) {
      this.transforms = Objects.requireNonNull(transforms);
      return this;
    }

    /** Receives the inbound ESP queued on a LARVAL SA when it is updated. */
    public Builder inboundDrain(LarvalDrain drain) {
      this.inboundDrain = Objects.requireNonNull(drain);
      return this;
    }

    /** Receives the outbound packets queued on an acquire when its SA is added. */
    public Builder outboundDrain(LarvalDrain drain) {
      this.outboundDrain = Objects.requireNonNull(drain);
      return this;
    }

    /**
     * Bound of each LARVAL / acquire queue in packets (default 64); the oldest packet is dropped
     * when it is full. 0 turns queueing off: such packets are dropped and counted at once (the
     * ACQUIRE is still raised), like Linux's {@code larval_drop}.
     */
    public Builder larvalQueueLimit(int packets) {
      if (packets < 0) {
        throw new IllegalArgumentException("queue limit must be >= 0");
      }
      this.queueLimit = packets;
      return this;
    }

    /** How long a pending acquire or a LARVAL SA waits for key management (default 30 s). */
    public Builder acquireTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("acquire timeout must be positive");
      }
      this.acquireTimeout = timeout;
      return this;
    }

    /** Test seam: see {@link Sad#raceWindowHook}. */
    Builder raceWindowHook(Runnable hook) {
      this.raceWindowHook = hook;
      return this;
    }

    public Sad build() {
      if (random == null) {
        random = new SecureRandom();
      }
      return new Sad(this);
    }
  }
}
