package org.meshsec.core.sad;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.core.stats.XfrmStats;
import org.meshsec.tun.InetText;
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
 *   <li><b>Outbound, by (policy id, peer)</b>: a {@link LongTable} from policy id to a small array
 *       of per-peer slots. A slot holds the outbound SAs for that pair (two for a while during a
 *       rekey; the newest MATURE one is used, else the newest DYING one) and the pending acquire,
 *       if any. Also a map by (peer, SPI) for {@link #get} and {@link #delete}.
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
 *     in order, then the pending acquire is cleared (which opens the fast path)
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
 */
public final class Sad implements KeyEngine {
  private static final Logger log = LoggerFactory.getLogger(Sad.class);

  /** Default bound of each LARVAL / acquire queue, in packets. */
  public static final int DEFAULT_LARVAL_QUEUE_LIMIT = 64;

  /** Default time a pending acquire or a LARVAL SA waits for key management. */
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);

  private static final int MAX_SPI_ATTEMPTS = 1 << 16;
  private static final SecurityAssociation[] NO_SAS = new SecurityAssociation[0];
  private static final SadListener NO_LISTENER = e -> {};

  private final XfrmStats stats;
  private final LongSupplier clock;
  private final Random random;
  private final EspTransform.Factory transforms;
  private volatile LarvalDrain inboundDrain;
  private volatile LarvalDrain outboundDrain;
  private final int queueLimit;
  private final long acquireTimeoutMillis;

  /**
   * Test seam, null in production: run on the slow paths between the lock-free look and the locked
   * re-check, where a stress test widens the race window the re-check closes.
   */
  private final Runnable raceWindowHook;

  private volatile SadListener listener = NO_LISTENER;
  private volatile long coarseNow;

  private final LongTable<SecurityAssociation> inboundBySpi = new LongTable<>();

  /** Serialises the check-then-insert of inbound SPIs (getSpi, add). */
  private final Object inboundWriteLock = new Object();

  private final LongTable<OutboundSlot[]> outboundByPolicy = new LongTable<>();

  /** Serialises changes to the slot arrays of {@link #outboundByPolicy}. */
  private final Object outboundIndexLock = new Object();

  private final ConcurrentHashMap<OutboundKey, SecurityAssociation> outboundById =
      new ConcurrentHashMap<>();

  private record OutboundKey(InetAddress peer, int spi) {}

  /** A pending acquire: the packets waiting for an outbound SA. Guarded by its slot's lock. */
  private static final class PendingAcquire {
    final Policy policy;
    final long deadline;
    final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();

    /** The SA being installed while the queue is drained into it; null otherwise. */
    SecurityAssociation drainingInto;

    PendingAcquire(Policy policy, long deadline) {
      this.policy = policy;
      this.deadline = deadline;
    }
  }

  /** Outbound state for one (policy id, peer). */
  private static final class OutboundSlot {
    final long policyId;
    final InetAddress peer;
    final ReentrantLock lock = new ReentrantLock();

    /** MATURE/DYING outbound SAs, oldest first. Written under {@link #lock}. */
    volatile SecurityAssociation[] sas = NO_SAS;

    /** Non-null while an acquire is pending: the fast path must then queue. Under {@link #lock}. */
    volatile PendingAcquire pending;

    /** Set (under {@link #lock}) when the slot left the index; a thread holding it retries. */
    boolean removed;

    OutboundSlot(long policyId, InetAddress peer) {
      this.policyId = policyId;
      this.peer = peer;
    }

    /** The newest MATURE SA, else the newest DYING one, else null. Lock-free. */
    SecurityAssociation best() {
      SecurityAssociation[] a = sas;
      SecurityAssociation dying = null;
      for (int i = a.length - 1; i >= 0; i--) {
        SaState s = a[i].state();
        if (s == SaState.MATURE) {
          return a[i];
        }
        if (s == SaState.DYING && dying == null) {
          dying = a[i];
        }
      }
      return dying;
    }
  }

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
  }

  /** A builder with the defaults: 64-packet queues, 30 s acquire timeout, SecureRandom SPIs. */
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
    OutboundSlot slot = findSlot(policy.id(), peer);
    if (slot != null && slot.pending == null) {
      SecurityAssociation sa = slot.best();
      if (sa != null) {
        return sa;
      }
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
    while (true) {
      OutboundSlot slot = slotFor(policy.id(), peer);
      slot.lock.lock();
      try {
        if (slot.removed) {
          continue; // raced with the slot's removal: take the new one
        }
        PendingAcquire p = slot.pending;
        if (p != null) {
          if (p.drainingInto != null) {
            // We hold the lock, so we are the draining thread, re-entering from the LarvalDrain.
            return p.drainingInto;
          }
          enqueue(p, packet);
          return null;
        }
        SecurityAssociation sa = slot.best();
        if (sa != null) {
          return sa; // installed since our lock-free look
        }
        p = new PendingAcquire(policy, now() + acquireTimeoutMillis);
        enqueue(p, packet);
        slot.pending = p;
      } finally {
        slot.lock.unlock();
      }
      fire(new SadEvent.Acquire(policy, peer));
      return null;
    }
  }

  private void enqueue(PendingAcquire p, ByteBuf packet) {
    if (queueLimit == 0) {
      stats.increment(XfrmStat.OUT_NO_STATES);
      packet.release();
      return;
    }
    if (p.queue.size() >= queueLimit) {
      p.queue.poll().release();
      stats.increment(XfrmStat.OUT_LARVAL_QUEUE_DROPS);
    }
    p.queue.add(packet);
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
    OutboundSlot slot = findSlot(policyId, peer);
    return slot == null ? null : slot.best();
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
    EspTransform t = newTransform(spec);
    if (t == null) {
      return SadStatus.TRANSFORM_FAILED;
    }
    SecurityAssociation sa = SecurityAssociation.mature(this, spec, t, now);
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
    installOutbound(sa);
    log.debug("added {}", sa);
    return SadStatus.OK;
  }

  /**
   * Puts a new outbound SA into its slot and, if an acquire is pending there, drains the queued
   * packets into it, in order, before the fast path can see the SA.
   */
  private void installOutbound(SecurityAssociation sa) {
    while (true) {
      OutboundSlot slot = slotFor(sa.policyId(), sa.peer());
      slot.lock.lock();
      try {
        if (slot.removed) {
          continue;
        }
        if (sa.state() == SaState.DEAD) {
          return; // deleted (delete/flush) before we got here; it is not in the slot
        }
        slot.sas = append(slot.sas, sa);
        PendingAcquire p = slot.pending;
        if (p != null) {
          p.drainingInto = sa;
          try {
            ByteBuf b;
            while ((b = p.queue.poll()) != null) {
              try {
                outboundDrain.drain(sa, b);
              } catch (RuntimeException e) {
                log.warn("outbound LarvalDrain failed for {}", sa, e);
              }
            }
          } finally {
            p.drainingInto = null;
            slot.pending = null; // opens the fast path: only after the drain
          }
          removeSlotIfEmpty(slot); // the SA may have died during the drain
        }
        return;
      } finally {
        slot.lock.unlock();
      }
    }
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
    for (OutboundSlot slot : allSlots()) {
      slot.lock.lock();
      try {
        PendingAcquire p = slot.pending;
        if (p != null && p.drainingInto == null) {
          stats.add(XfrmStat.OUT_LARVAL_QUEUE_DROPS, releaseAll(p));
          slot.pending = null;
          removeSlotIfEmpty(slot);
        }
      } finally {
        slot.lock.unlock();
      }
    }
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
    for (OutboundSlot slot : allSlots()) {
      slot.lock.lock();
      try {
        PendingAcquire p = slot.pending;
        if (p != null && p.drainingInto == null && nowMillis >= p.deadline) {
          stats.add(XfrmStat.ACQUIRE_TIMEOUTS, releaseAll(p));
          slot.pending = null;
          removeSlotIfEmpty(slot);
          log.debug(
              "acquire for policy {} peer {} timed out",
              p.policy.name(),
              InetText.format(slot.peer));
        }
      } finally {
        slot.lock.unlock();
      }
    }
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
    int n = 0;
    for (OutboundSlot slot : allSlots()) {
      if (slot.pending != null) {
        n++;
      }
    }
    return n;
  }

  /** Packets queued on all pending outbound acquires (each queue read under its slot's lock). */
  public int queuedOutboundTotal() {
    int n = 0;
    for (OutboundSlot slot : allSlots()) {
      if (slot.pending == null) {
        continue;
      }
      slot.lock.lock();
      try {
        PendingAcquire p = slot.pending;
        n += p == null ? 0 : p.queue.size();
      } finally {
        slot.lock.unlock();
      }
    }
    return n;
  }

  /** Packets queued on the pending acquire for (policy id, peer); 0 if none. */
  public int queuedOutbound(long policyId, InetAddress peer) {
    OutboundSlot slot = findSlot(policyId, peer);
    if (slot == null) {
      return 0;
    }
    slot.lock.lock();
    try {
      PendingAcquire p = slot.pending;
      return p == null ? 0 : p.queue.size();
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * The SAD's clock now, in the scale of {@link SaInfo}'s times (monotonic milliseconds by default,
   * not the epoch): subtract an SA's {@code addMillis} from it for the SA's age.
   */
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

  /** Removes a DEAD SA from the indexes. Idempotent. */
  private void unindex(SecurityAssociation sa) {
    if (sa.direction() == Direction.IN) {
      inboundBySpi.remove(Integer.toUnsignedLong(sa.spi()), sa);
      return;
    }
    outboundById.remove(new OutboundKey(sa.peer(), sa.spi()), sa);
    OutboundSlot slot = findSlot(sa.policyId(), sa.peer());
    if (slot == null) {
      return;
    }
    slot.lock.lock();
    try {
      SecurityAssociation[] a = slot.sas;
      int i = Arrays.asList(a).indexOf(sa);
      if (i >= 0) {
        SecurityAssociation[] b = new SecurityAssociation[a.length - 1];
        System.arraycopy(a, 0, b, 0, i);
        System.arraycopy(a, i + 1, b, i, a.length - i - 1);
        slot.sas = b;
      }
      removeSlotIfEmpty(slot);
    } finally {
      slot.lock.unlock();
    }
  }

  private void fire(SadEvent e) {
    log.debug("event: {}", e.describe());
    try {
      listener.onEvent(e);
    } catch (RuntimeException ex) {
      log.warn("SAD listener failed on {}", e.describe(), ex);
    }
  }

  private static int releaseAll(PendingAcquire p) {
    int n = p.queue.size();
    ByteBuf b;
    while ((b = p.queue.poll()) != null) {
      b.release();
    }
    return n;
  }

  private List<SecurityAssociation> allSas() {
    List<SecurityAssociation> all = new ArrayList<>(inboundBySpi.size() + outboundById.size());
    inboundBySpi.forEach(all::add);
    all.addAll(outboundById.values());
    return all;
  }

  private List<OutboundSlot> allSlots() {
    List<OutboundSlot> slots = new ArrayList<>();
    outboundByPolicy.forEach(arr -> slots.addAll(Arrays.asList(arr)));
    return slots;
  }

  private OutboundSlot findSlot(long policyId, InetAddress peer) {
    OutboundSlot[] arr = outboundByPolicy.get(policyId);
    if (arr != null) {
      for (OutboundSlot s : arr) {
        if (s.peer.equals(peer)) {
          return s;
        }
      }
    }
    return null;
  }

  /** The slot for (policy id, peer), created if absent. */
  private OutboundSlot slotFor(long policyId, InetAddress peer) {
    OutboundSlot s = findSlot(policyId, peer);
    if (s != null) {
      return s;
    }
    synchronized (outboundIndexLock) {
      s = findSlot(policyId, peer);
      if (s == null) {
        s = new OutboundSlot(policyId, peer);
        OutboundSlot[] arr = outboundByPolicy.get(policyId);
        OutboundSlot[] next;
        if (arr == null) {
          next = new OutboundSlot[] {s};
        } else {
          next = Arrays.copyOf(arr, arr.length + 1);
          next[arr.length] = s;
        }
        outboundByPolicy.put(policyId, next);
      }
      return s;
    }
  }

  /** Caller holds {@code slot.lock}: drops the slot from the index if it holds nothing. */
  private void removeSlotIfEmpty(OutboundSlot slot) {
    if (slot.removed || slot.sas.length != 0 || slot.pending != null) {
      return;
    }
    slot.removed = true;
    synchronized (outboundIndexLock) {
      OutboundSlot[] arr = outboundByPolicy.get(slot.policyId);
      if (arr == null) {
        return;
      }
      OutboundSlot[] next = Arrays.stream(arr).filter(s -> s != slot).toArray(OutboundSlot[]::new);
      if (next.length == 0) {
        outboundByPolicy.remove(slot.policyId, arr);
      } else {
        outboundByPolicy.put(slot.policyId, next);
      }
    }
  }

  private static SecurityAssociation[] append(SecurityAssociation[] a, SecurityAssociation sa) {
    SecurityAssociation[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = sa;
    return b;
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
