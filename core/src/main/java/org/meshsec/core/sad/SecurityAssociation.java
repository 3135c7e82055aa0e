package org.meshsec.core.sad;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.core.stats.XfrmStats;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.OpenResult;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IPsec SA in one direction (RFC 4301 section 4.4.2): its identity (direction, SPI), the
 * attributes key management gave it, its {@link SaState}, its ESP transform and its counters.
 * Created and indexed by {@link Sad}; the data path uses {@link #seal} / {@link #open}.
 *
 * <p><b>Thread-safety and locking.</b> Each SA has its own lock. Under it happen: every state
 * change (see the diagram on {@link SaState}), every use of the ESP transform ({@link #seal},
 * {@link #open}: the transform is not thread-safe, and this is how it is serialised, so wiping its
 * keys on DEAD can never race a packet), the LARVAL queue, and the counters. The counters are plain
 * fields written only under the lock; {@link #info()} reads them under it too, so a snapshot is
 * consistent. The attributes (addresses, ports, mode, selector, suite, lifetimes) are one immutable
 * object behind a volatile field, replaced once when {@link KeyEngine#update} promotes a LARVAL SA;
 * the state is volatile so the hot path can read it without the lock.
 *
 * <p><b>The LARVAL race</b> (Solaris's {@code sadb_set_lpkt}): deciding "this SA is LARVAL, queue
 * the packet" is done under the lock, the same lock {@link KeyEngine#update} holds while it
 * promotes the SA and drains the queue. A packet is therefore either queued before promotion (and
 * drained, in order, by the update) or sees MATURE and is processed directly, after the drain:
 * never lost, never twice. The lock-free fast path of {@link Sad#inbound} reads only the volatile
 * {@code direct} flag, which becomes true after the drain is complete.
 *
 * <p>{@link #toString()} shows no key material (the SA holds none itself: only its transform does).
 *
 * <p><b>Why one class of this size.</b> Its length is the one lock protocol above: state changes,
 * the transform's use and wiping, the LARVAL queue with its drain, the lifetime accounting and the
 * counter snapshot all run under the same per-SA lock, and their correctness (never a packet lost
 * or processed twice across promotion, never a seal racing the key wipe) rests on that. Moving the
 * queue, the lifetimes or the counters into classes of their own would hand each of them this lock
 * or spread the protocol across files; the immutable attributes are already apart in {@link
 * SaAttributes}, and the outbound acquire queues in {@link OutboundSlots}.
 */
public final class SecurityAssociation {
  private static final Logger log = LoggerFactory.getLogger(SecurityAssociation.class);

  private final Sad sad;
  private final Direction direction;
  private final int spi;
  private final long createdMillis;
  private final ReentrantLock lock = new ReentrantLock();

  private volatile SaAttributes attrs;

  /** Written under {@link #lock}. */
  private volatile SaState state;

  /**
   * Outbound: until this time (the SAD's clock) an older usable SA of the slot is preferred to this
   * one (see {@link Sad#addHeld}); 0 once passed, or when there is no hold.
   */
  private volatile long holdUntil;

  /**
   * Fast-path gate of {@link Sad#inbound}: true exactly when the SA is usable and nothing is queued
   * or being drained. Written under {@link #lock}.
   */
  private volatile boolean direct;

  // ---- guarded by lock ----
  private EspTransform transform;

  /**
   * A copy of the key material the transform was built from, kept for the capture key table ({@link
   * #secrets()}); wiped with the transform when the SA dies.
   */
  private SecretBytes keys;

  /**
   * Inbound: one more transform per thread slot that opens this SA's packets in parallel ({@link
   * #openCrypto}), made on first use and closed with {@link #transform}. Written under {@link
   * #lock} (copy on write); each element is used under its own monitor.
   */
  private volatile EspTransform[] openers = NO_OPENERS;

  private static final EspTransform[] NO_OPENERS = new EspTransform[0];

  private ArrayDeque<ByteBuf> larvalQueue;
  private boolean draining;
  private long bytes;
  private long packets;
  private long replayDrops;
  private long icvFailures;

  /**
   * Inbound packets that opened but lay outside the selector (XfrmInTmplMismatch for this SA):
   * counted after the SA's lock is released, on the drop path only, so an atomic costs the packets
   * that pass nothing.
   */
  private final java.util.concurrent.atomic.AtomicLong policyMismatches =
      new java.util.concurrent.atomic.AtomicLong();

  private long addMillis = -1;
  private long lastUseMillis = -1;

  private SecurityAssociation(
      Sad sad, Direction direction, int spi, SaAttributes attrs, long createdMillis) {
    this.sad = sad;
    this.direction = direction;
    this.spi = spi;
    this.attrs = attrs;
    this.createdMillis = createdMillis;
  }

  /** A LARVAL inbound SA for {@link KeyEngine#getSpi}. */
  static SecurityAssociation larval(
      Sad sad, int spi, InetAddress local, InetAddress peer, long now) {
    SecurityAssociation sa =
        new SecurityAssociation(sad, Direction.IN, spi, SaAttributes.larval(local, peer), now);
    sa.lock.lock();
    try {
      sa.state = SaState.LARVAL;
      sa.larvalQueue = new ArrayDeque<>();
    } finally {
      sa.lock.unlock();
    }
    return sa;
  }

  /** A MATURE SA for {@link KeyEngine#add}. */
  static SecurityAssociation mature(Sad sad, SaSpec spec, EspTransform transform, long now) {
    SecurityAssociation sa =
        new SecurityAssociation(sad, spec.direction(), spec.spi(), SaAttributes.of(spec), now);
    sa.lock.lock();
    try {
      sa.transform = transform;
      sa.keys = SecretBytes.copyOf(spec.keyMaterial());
      sa.addMillis = now;
      sa.state = SaState.MATURE;
      sa.direct = true;
    } finally {
      sa.lock.unlock();
    }
    return sa;
  }

  // ------------------------------------------------------------------ identity and attributes

  public Direction direction() {
    return direction;
  }

  /** The SPI (an unsigned 32-bit value held in an int). */
  public int spi() {
    return spi;
  }

  /** The current state (a volatile read; may change right after). */
  /** See {@link Sad#addHeld}; set before the SA is published. */
  void holdUntil(long millis) {
    this.holdUntil = millis;
  }

  /** Whether a hold (see {@link Sad#addHeld}) keeps this SA behind older ones at {@code now}. */
  boolean held(java.util.function.LongSupplier now) {
    long h = holdUntil;
    if (h == 0) {
      return false;
    }
    if (now.getAsLong() >= h) {
      holdUntil = 0; // passed: later looks skip the clock
      return false;
    }
    return true;
  }

  public SaState state() {
    return state;
  }

  public InetAddress local() {
    return attrs.local();
  }

  /** Our UDP port; 0 while LARVAL. */
  public int localPort() {
    return attrs.localPort();
  }

  public InetAddress peer() {
    return attrs.peer();
  }

  /** The peer's UDP port; 0 while LARVAL. */
  public int peerPort() {
    return attrs.peerPort();
  }

  /** Transport or tunnel; null while LARVAL. */
  public IpsecMode mode() {
    return attrs.mode();
  }

  /** The selector the SA protects, in its own direction; null while LARVAL. */
  public Selector selector() {
    return attrs.selector();
  }

  /** The policy this SA serves; -1 while LARVAL. */
  public long policyId() {
    return attrs.policyId();
  }

  /** The ESP suite; null while LARVAL. */
  public EspSuite suite() {
    return attrs.suite();
  }

  public SaLifetime softLifetime() {
    return attrs.soft();
  }

  public SaLifetime hardLifetime() {
    return attrs.hard();
  }

  /**
   * The inbound policy check of RFC 4301 section 5.2 step 4: whether a decrypted inner packet falls
   * under this SA's selector. The caller counts {@link XfrmStat#IN_TMPL_MISMATCH} and drops it if
   * not.
   */
  /** Counts an inbound packet of this SA dropped by the inbound policy check. Thread-safe. */
  public void policyMismatch() {
    policyMismatches.incrementAndGet();
  }

  public boolean permits(PacketInfo inner) {
    Selector s = attrs.selector();
    return s != null && s.matches(inner);
  }

  // ------------------------------------------------------------------ data path

  /**
   * Seals the readable bytes of {@code buf} (the {@link org.meshsec.esp.EspContext#seal} buffer
   * contract) under the SA's lock, then accounts the packet against the lifetimes. Counts failures
   * in the SAD's {@link XfrmStats}. A DEAD SA answers {@link EspStatus#CLOSED} (counted
   * OutStateExpired). The packet that reaches a hard byte or packet limit is still sealed ({@code
   * OK}) and is the last: the SA becomes DEAD right after it (HARD_EXPIRE); the one that reaches a
   * soft limit makes it DYING (SOFT_EXPIRE). Sequence exhaustion makes it DEAD too. Never retains
   * or releases {@code buf}. Events are raised after the lock is released (see {@link
   * SadListener}).
   *
   * @throws IllegalStateException if this is an inbound SA (a programming error)
   */
  public EspStatus seal(ByteBuf buf, int nextHeader) {
    if (direction != Direction.OUT) {
      throw new IllegalStateException("seal on an inbound SA");
    }
    XfrmStats stats = sad.stats();
    ExpireCause soft = null;
    ExpireCause hard = null;
    EspStatus status;
    lock.lock();
    try {
      if (!state.usable()) {
        stats.increment(XfrmStat.OUT_STATE_EXPIRED);
        return EspStatus.CLOSED;
      }
      int length = buf.readableBytes();
      status = transform.seal(buf, nextHeader);
      switch (status) {
        case OK -> {
          bytes += length;
          packets++;
          lastUseMillis = sad.coarseNow();
          hard = ExpireCause.reached(attrs.hard(), -1, bytes, packets);
          if (hard != null) {
            killLocked(XfrmStat.OUT_LARVAL_QUEUE_DROPS);
          } else {
            soft = softLocked();
          }
        }
        case SEQ_EXHAUSTED -> {
          stats.increment(XfrmStat.OUT_STATE_SEQ_ERROR);
          hard = ExpireCause.SEQUENCE;
          killLocked(XfrmStat.OUT_LARVAL_QUEUE_DROPS);
        }
        case CLOSED -> stats.increment(XfrmStat.OUT_STATE_EXPIRED);
        default -> stats.increment(XfrmStat.OUT_ERROR);
      }
    } finally {
      lock.unlock();
    }
    raise(soft, hard);
    return status;
  }

  /**
   * Opens one ESP packet (the {@link org.meshsec.esp.EspContext#open} buffer contract: replay
   * check, ICV, decrypt, replay commit) under the SA's lock, then accounts it against the
   * lifetimes. Counts per-SA replay drops and ICV failures and the matching {@link XfrmStat}s. A
   * LARVAL SA (reached without going through {@link Sad#inbound}) answers {@link EspStatus#CLOSED}
   * counted InStateInvalid; a DEAD one CLOSED counted InStateExpired. Lifetimes as for {@link
   * #seal}. Never retains or releases {@code buf}.
   *
   * @throws IllegalStateException if this is an outbound SA (a programming error)
   */
  public EspStatus open(ByteBuf buf, OpenResult out) {
    if (direction != Direction.IN) {
      throw new IllegalStateException("open on an outbound SA");
    }
    XfrmStats stats = sad.stats();
    ExpireCause soft = null;
    ExpireCause hard = null;
    EspStatus status;
    lock.lock();
    try {
      if (notOpenableLocked()) {
        return EspStatus.CLOSED;
      }
      status = transform.open(buf, out);
      if (status == EspStatus.OK) {
        hard = acceptedLocked(buf.readableBytes());
        soft = hard == null ? softLocked() : null;
      } else {
        countOpenFailureLocked(status);
      }
    } finally {
      lock.unlock();
    }
    raise(soft, hard);
    return status;
  }

  /**
   * {@link #open} in three steps, for opening the packets of one SA on several threads: {@link
   * #openBegin} and {@link #openEnd} serialised under the SA's lock, in the order the packets are
   * to be delivered, and {@link #openCrypto} in between on any thread, in parallel. Counted as
   * {@link #open} counts.
   *
   * <p>This step: the state (LARVAL and DEAD answer {@code CLOSED}), the length, the SPI and the
   * replay window ({@link org.meshsec.esp.EspContext#openCheck}); the sequence number goes to
   * {@code out.sequence}. On any status but {@code OK} the packet is counted and must be dropped.
   */
  public EspStatus openBegin(ByteBuf buf, OpenResult out) {
    if (direction != Direction.IN) {
      throw new IllegalStateException("open on an outbound SA");
    }
    lock.lock();
    try {
      if (notOpenableLocked()) {
        return EspStatus.CLOSED;
      }
      EspStatus status = transform.openCheck(buf, out);
      if (status != EspStatus.OK) {
        countOpenFailureLocked(status);
      }
      return status;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Caller holds the lock: whether the SA cannot open packets, counted (LARVAL: InStateInvalid, it
   * was reached without {@link Sad#inbound}; DEAD: InStateExpired).
   */
  private boolean notOpenableLocked() {
    if (state == SaState.LARVAL) {
      sad.stats().increment(XfrmStat.IN_STATE_INVALID);
      return true;
    }
    if (state == SaState.DEAD) {
      sad.stats().increment(XfrmStat.IN_STATE_EXPIRED);
      return true;
    }
    return false;
  }

  /**
   * The middle step of {@link #openBegin}: the ICV and the decryption ({@link
   * org.meshsec.esp.EspContext#openCrypto}) on this SA's transform for {@code slot}, which only the
   * calling thread uses (a small number, one per thread that opens packets). Not counted here: give
   * the status to {@link #openEnd}. Takes no SA lock; {@code CLOSED} if the SA died meanwhile.
   */
  public EspStatus openCrypto(ByteBuf buf, OpenResult out, int slot) {
    EspTransform t = opener(slot);
    if (t == null) {
      return EspStatus.CLOSED;
    }
    synchronized (t) { // against the close (key wipe) when the SA dies
      return t.openCrypto(buf, out);
    }
  }

  /**
   * The last step of {@link #openBegin}: with the status of {@link #openCrypto}, counts a failure,
   * or commits the sequence number to the replay window (a copy committed first makes this one a
   * {@code REPLAY}) and accounts the packet against the lifetimes. Call in delivery order.
   */
  public EspStatus openEnd(ByteBuf buf, OpenResult out, EspStatus crypto) {
    ExpireCause soft = null;
    ExpireCause hard = null;
    EspStatus status = crypto;
    lock.lock();
    try {
      if (state == SaState.DEAD) {
        status = EspStatus.CLOSED;
      } else if (status == EspStatus.OK && !transform.openCommit(out.sequence)) {
        status = EspStatus.REPLAY;
      }
      if (status == EspStatus.OK) {
        hard = acceptedLocked(buf.readableBytes());
        soft = hard == null ? softLocked() : null;
      } else {
        countOpenFailureLocked(status);
      }
    } finally {
      lock.unlock();
    }
    raise(soft, hard);
    return status;
  }

  /** The transform of {@code slot} for {@link #openCrypto}, made on first use; null when dead. */
  private EspTransform opener(int slot) {
    EspTransform[] a = openers;
    if (slot < a.length && a[slot] != null) {
      return a[slot];
    }
    lock.lock();
    try {
      a = openers;
      if (slot < a.length && a[slot] != null) {
        return a[slot];
      }
      if (!state.usable() || keys == null) {
        return null;
      }
      SaAttributes at = attrs;
      byte[] km = keys.copy();
      EspTransform t;
      try {
        t =
            sad.transforms()
                .create(
                    Direction.IN,
                    new EspSaParams(spi, at.suite(), km, at.esn(), at.replayWindow()));
      } finally {
        java.util.Arrays.fill(km, (byte) 0);
      }
      EspTransform[] b = java.util.Arrays.copyOf(a, Math.max(a.length, slot + 1));
      b[slot] = t;
      openers = b;
      return t;
    } finally {
      lock.unlock();
    }
  }

  /**
   * An opened packet of {@code length} bytes: counters; returns the hard limit reached, or null.
   */
  private ExpireCause acceptedLocked(int length) {
    bytes += length;
    packets++;
    lastUseMillis = sad.coarseNow();
    ExpireCause hard = ExpireCause.reached(attrs.hard(), -1, bytes, packets);
    if (hard != null) {
      killLocked(XfrmStat.IN_LARVAL_QUEUE_DROPS);
    }
    return hard;
  }

  private void countOpenFailureLocked(EspStatus status) {
    XfrmStats stats = sad.stats();
    switch (status) {
      case OK -> {}
      case REPLAY -> {
        replayDrops++;
        stats.increment(XfrmStat.IN_STATE_SEQ_ERROR);
      }
      case ICV_MISMATCH -> {
        icvFailures++;
        stats.increment(XfrmStat.IN_STATE_PROTO_ERROR);
      }
      case BAD_LENGTH, BAD_PAD_LENGTH, BAD_PADDING ->
          stats.increment(XfrmStat.IN_STATE_PROTO_ERROR);
      case TRUNCATED -> stats.increment(XfrmStat.IN_HDR_ERROR);
      case NO_ROOM -> stats.increment(XfrmStat.IN_BUFFER_ERROR);
      case CLOSED -> stats.increment(XfrmStat.IN_STATE_EXPIRED);
      default -> stats.increment(XfrmStat.IN_ERROR);
    }
  }

  private void raise(ExpireCause soft, ExpireCause hard) {
    if (hard != null) {
      sad.hardExpired(this, hard);
    } else if (soft != null) {
      sad.softExpired(this, soft);
    }
  }

  /** MATURE -> DYING if a soft byte/packet limit is reached; returns the cause or null. */
  private ExpireCause softLocked() {
    if (state != SaState.MATURE) {
      return null;
    }
    ExpireCause c = ExpireCause.reached(attrs.soft(), -1, bytes, packets);
    if (c != null) {
      state = SaState.DYING;
    }
    return c;
  }

  // ------------------------------------------------------------------ SAD internals

  /** The lock-free fast-path gate (see the class comment). */
  boolean isDirect() {
    return direct;
  }

  /**
   * The slow path of {@link Sad#inbound}, under the lock: queue on LARVAL, else decide.
   *
   * @return true if the caller processes {@code esp} now (it keeps ownership); false if the SA took
   *     ownership (queued, or dropped and released because the SA is DEAD or the queue is off)
   */
  boolean admit(ByteBuf esp, int queueLimit) {
    lock.lock();
    try {
      switch (state) {
        case LARVAL -> {
          // The re-check under the lock (the Solaris sadb_set_lpkt race): update() cannot promote
          // the SA between this test and the enqueue, because it needs this lock.
          if (queueLimit == 0) {
            sad.stats().increment(XfrmStat.IN_LARVAL_QUEUE_DROPS);
            esp.release();
            return false;
          }
          if (larvalQueue.size() >= queueLimit) {
            larvalQueue.poll().release();
            sad.stats().increment(XfrmStat.IN_LARVAL_QUEUE_DROPS);
          }
          larvalQueue.add(esp);
          sad.stats().increment(XfrmStat.IN_LARVAL_QUEUED);
          return false;
        }
        case DEAD -> {
          sad.stats().increment(XfrmStat.IN_STATE_EXPIRED);
          esp.release();
          return false;
        }
        default -> {
          // MATURE or DYING: the drain is over, or we are the draining thread re-entering from
          // the LarvalDrain (we hold the lock, so nobody else can be draining).
          return true;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * LARVAL -> MATURE with the spec's attributes and {@code newTransform}, then hands every queued
   * packet, in order, to {@code drain}, all under the lock. On any status but OK the transform is
   * closed and the SA is unchanged.
   */
  SadStatus promote(SaSpec spec, EspTransform newTransform, long now, LarvalDrain drain) {
    lock.lock();
    try {
      if (state != SaState.LARVAL) {
        newTransform.close();
        return SadStatus.NOT_LARVAL;
      }
      attrs = SaAttributes.of(spec);
      transform = newTransform;
      keys = SecretBytes.copyOf(spec.keyMaterial());
      addMillis = now;
      state = SaState.MATURE;
      draining = true;
      try {
        ByteBuf b;
        // poll() one at a time: if the SA dies during the drain (a hard limit hit by a drained
        // packet), killLocked() empties the queue and the loop ends.
        while ((b = larvalQueue.poll()) != null) {
          try {
            drain.drain(this, b);
          } catch (RuntimeException e) {
            log.warn("inbound LarvalDrain failed for SPI 0x{}", Integer.toHexString(spi), e);
          }
        }
      } finally {
        draining = false;
        larvalQueue = null;
        direct = state.usable();
      }
      return SadStatus.OK;
    } finally {
      lock.unlock();
    }
  }

  /** Makes the SA DEAD; false if it already was. Queued packets are counted in {@code dropStat}. */
  boolean kill(XfrmStat dropStat) {
    lock.lock();
    try {
      if (state == SaState.DEAD) {
        return false;
      }
      killLocked(dropStat);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void killLocked(XfrmStat dropStat) {
    state = SaState.DEAD;
    direct = false;
    if (transform != null) {
      try {
        transform.close(); // wipes the keys
      } catch (RuntimeException e) {
        log.warn("closing the ESP transform of SPI 0x{} failed", Integer.toHexString(spi), e);
      }
      transform = null;
    }
    EspTransform[] os = openers;
    openers = NO_OPENERS;
    for (EspTransform o : os) {
      if (o != null) {
        synchronized (o) { // waits for an openCrypto in progress on another thread
          o.close();
        }
      }
    }
    if (keys != null) {
      keys.wipe();
      keys = null;
    }
    if (larvalQueue != null) {
      int n = larvalQueue.size();
      ByteBuf b;
      while ((b = larvalQueue.poll()) != null) {
        b.release();
      }
      sad.stats().add(dropStat, n);
      if (!draining) {
        larvalQueue = null;
      }
    }
  }

  /**
   * The timer's part of the life cycle: LARVAL timeout, time lifetimes (and byte/packet ones, in
   * case they were reached without a later packet). Returns the event to raise, or null; a
   * HardExpire means the SA is now DEAD.
   */
  SadEvent expire(long now, long larvalTimeoutMillis) {
    lock.lock();
    try {
      switch (state) {
        case LARVAL -> {
          if (now - createdMillis >= larvalTimeoutMillis) {
            killLocked(XfrmStat.ACQUIRE_TIMEOUTS);
            return new SadEvent.HardExpire(infoLocked(), ExpireCause.LARVAL_TIMEOUT);
          }
          return null;
        }
        case MATURE, DYING -> {
          SaAttributes a = attrs;
          long age = now - addMillis;
          ExpireCause hard = ExpireCause.reached(a.hard(), age, bytes, packets);
          if (hard != null) {
            killLocked(XfrmStat.IN_LARVAL_QUEUE_DROPS);
            return new SadEvent.HardExpire(infoLocked(), hard);
          }
          if (state == SaState.MATURE) {
            ExpireCause soft = ExpireCause.reached(a.soft(), age, bytes, packets);
            if (soft != null) {
              state = SaState.DYING;
              return new SadEvent.SoftExpire(infoLocked(), soft);
            }
          }
          return null;
        }
        default -> {
          return null;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether the current thread holds this SA's lock (for assertions in tests). */
  boolean isLockedByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  // ------------------------------------------------------------------ observation

  /**
   * The snapshot with a copy of the key material, for a capture key table; null while LARVAL and
   * once DEAD. The caller wipes the copy.
   */
  public SaSecrets secrets() {
    lock.lock();
    try {
      if (keys == null || !state.usable()) {
        return null;
      }
      return new SaSecrets(infoLocked(), SecretBytes.wrap(keys.copy()), transform.sequenceState());
    } finally {
      lock.unlock();
    }
  }

  /** A consistent snapshot of attributes and counters, taken under the lock. */
  public SaInfo info() {
    lock.lock();
    try {
      return infoLocked();
    } finally {
      lock.unlock();
    }
  }

  private SaInfo infoLocked() {
    SaAttributes a = attrs;
    return new SaInfo(
        direction,
        spi,
        state,
        a.local(),
        a.localPort(),
        a.peer(),
        a.peerPort(),
        a.mode(),
        a.selector(),
        a.policyId(),
        a.suite(),
        a.esn(),
        a.replayWindow(),
        a.soft(),
        a.hard(),
        bytes,
        packets,
        replayDrops,
        icvFailures,
        policyMismatches.get(),
        createdMillis,
        addMillis,
        lastUseMillis,
        larvalQueue == null ? 0 : larvalQueue.size());
  }

  @Override
  public String toString() {
    SaAttributes a = attrs;
    return String.format(
        "SA[%s spi=0x%08x %s peer=%s policy=%d %s]",
        direction, spi, state, InetText.format(a.peer()), a.policyId(), a.suite());
  }
}
