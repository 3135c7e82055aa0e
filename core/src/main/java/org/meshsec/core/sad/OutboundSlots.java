package org.meshsec.core.sad;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.core.stats.XfrmStats;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of the {@link Sad}'s LARVAL queueing: for each (policy id, peer) a slot that
 * holds the outbound SAs for that pair (two for a while during a rekey; the newest MATURE one is
 * used unless a hold keeps it back, else the newest DYING one) and the pending acquire, if any,
 * with the packets queued behind it (the ACQUIRE of RFC 2367 section 3.1.6, the queue Linux calls
 * larval).
 *
 * <pre>
 *  pick(p, x)                      no pending acquire and a usable SA -&gt; sa (lock-free)
 *  acquire(p, x, packet), under the slot's lock:
 *                                  pending acquire -&gt; queued, null
 *                                  usable SA       -&gt; sa
 *                                  none            -&gt; new pending acquire, queued, ACQUIRE raised
 *                                                     (after the lock is released), null
 *  install(sa, drain, on), under the slot's lock: SA added, queued packets -&gt; drain in order
 *     (here, or in a task on {@code on} that takes the lock again), then the pending acquire is
 *     cleared (which opens the lock-free path)
 * </pre>
 *
 * <p>The index is a {@link LongTable} from policy id to a small copy-on-write array of slots, so
 * {@link #pick} reads two volatile references and scans a few slots without a lock or an
 * allocation.
 *
 * <p><b>Thread-safety.</b> Thread-safe. Each slot's lock guards its SA array (published through a
 * volatile field for the lock-free reads) and its pending acquire; {@link #indexLock} serialises
 * changes to the slot arrays. Lock order, as in the whole SAD: a slot's lock, then an SA's lock
 * (the drain seals under it), then the index lock. A slot that left the index is marked {@code
 * removed}, and a thread that locked it retries with the slot now in the index.
 */
final class OutboundSlots {
  private static final Logger log = LoggerFactory.getLogger(OutboundSlots.class);

  private static final SecurityAssociation[] NO_SAS = new SecurityAssociation[0];

  private final XfrmStats stats;
  private final int queueLimit;
  private final long acquireTimeoutMillis;
  private final LongSupplier now;
  private final BiConsumer<Policy, InetAddress> acquireRaised;

  private final LongTable<Slot[]> byPolicy = new LongTable<>();

  /** Serialises changes to the slot arrays of {@link #byPolicy}. */
  private final Object indexLock = new Object();

  /** A pending acquire: the packets waiting for an outbound SA. Guarded by its slot's lock. */
  private static final class PendingAcquire {
    final Policy policy;
    final long deadline;
    final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();

    /** The SA being installed while the queue is drained into it; null otherwise. */
    SecurityAssociation drainingInto;

    /**
     * The SA the queue is to drain into on the drain's own thread (see {@link #install}); null when
     * no drain is scheduled. While set, packets keep queueing behind the pending acquire.
     */
    SecurityAssociation scheduledInto;

    PendingAcquire(Policy policy, long deadline) {
      this.policy = policy;
      this.deadline = deadline;
    }
  }

  /** Outbound state for one (policy id, peer). */
  private static final class Slot {
    final long policyId;
    final InetAddress peer;
    final ReentrantLock lock = new ReentrantLock();

    /** MATURE/DYING outbound SAs, oldest first. Written under {@link #lock}. */
    volatile SecurityAssociation[] sas = NO_SAS;

    /** Non-null while an acquire is pending: the fast path must then queue. Under {@link #lock}. */
    volatile PendingAcquire pending;

    /** Set (under {@link #lock}) when the slot left the index; a thread holding it retries. */
    boolean removed;

    Slot(long policyId, InetAddress peer) {
      this.policyId = policyId;
      this.peer = peer;
    }

    /**
     * The newest MATURE SA not held back, else the newest DYING one, else the newest held one (see
     * {@link Sad#addHeld}), else null. Lock-free; reads {@code clock} only for a held SA.
     */
    SecurityAssociation best(LongSupplier clock) {
      SecurityAssociation[] a = sas;
      SecurityAssociation dying = null;
      SecurityAssociation held = null;
      for (int i = a.length - 1; i >= 0; i--) {
        SaState s = a[i].state();
        if (s == SaState.MATURE) {
          if (!a[i].held(clock)) {
            return a[i];
          }
          if (held == null) {
            held = a[i];
          }
        } else if (s == SaState.DYING && dying == null) {
          dying = a[i];
        }
      }
      return dying != null ? dying : held;
    }
  }

  /**
   * @param stats where queue drops are counted
   * @param queueLimit bound of each acquire queue in packets; 0 drops at once (OutNoStates)
   * @param acquireTimeoutMillis how long a new pending acquire waits, from {@code now}
   * @param now the SAD's clock
   * @param acquireRaised told of each new pending acquire, after the slot's lock is released
   */
  OutboundSlots(
      XfrmStats stats,
      int queueLimit,
      long acquireTimeoutMillis,
      LongSupplier now,
      BiConsumer<Policy, InetAddress> acquireRaised) {
    this.stats = stats;
    this.queueLimit = queueLimit;
    this.acquireTimeoutMillis = acquireTimeoutMillis;
    this.now = now;
    this.acquireRaised = acquireRaised;
  }

  /**
   * The lock-free fast path: the SA to use for ({@code policyId}, {@code peer}) when no acquire is
   * pending there; null if the caller must take {@link #acquire}.
   */
  SecurityAssociation pick(long policyId, InetAddress peer) {
    Slot slot = find(policyId, peer);
    if (slot != null && slot.pending == null) {
      return slot.best(now);
    }
    return null;
  }

  /**
   * The outbound SA for ({@code policyId}, {@code peer}) ignoring any pending acquire; null if none
   * is usable. Lock-free.
   */
  SecurityAssociation best(long policyId, InetAddress peer) {
    Slot slot = find(policyId, peer);
    return slot == null ? null : slot.best(now);
  }

  /**
   * The slow path, under the slot's lock: the SA to use now, or null when {@code packet} was queued
   * behind the (possibly new) pending acquire, or dropped.
   */
  SecurityAssociation acquire(Policy policy, InetAddress peer, ByteBuf packet) {
    while (true) {
      Slot slot = slotFor(policy.id(), peer);
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
        SecurityAssociation sa = slot.best(now);
        if (sa != null) {
          return sa; // installed since our lock-free look
        }
        p = new PendingAcquire(policy, now.getAsLong() + acquireTimeoutMillis);
        enqueue(p, packet);
        slot.pending = p;
      } finally {
        slot.lock.unlock();
      }
      acquireRaised.accept(policy, peer);
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

  /**
   * Puts a new outbound SA into its slot and, if an acquire is pending there, drains the queued
   * packets into it through {@code drain}, in order, before the fast path can see the SA. Does
   * nothing if the SA is already DEAD.
   *
   * <p>With {@code on} null the drain runs here, on the calling thread. Otherwise it runs as a task
   * on {@code on}, the thread on which the drain's sends reach the socket synchronously (a UDP
   * event loop): sent from here (the key manager's thread) they would be handed to that loop as
   * tasks, and a packet that a data-plane thread reads once the fast path opens could reach the
   * wire before them. Until the task has run, new packets keep queueing behind the acquire, so the
   * order is the order of arrival either way. When {@code on} refuses the task (shut down), the
   * drain runs here.
   */
  void install(SecurityAssociation sa, LarvalDrain drain, Executor on) {
    Slot slot;
    PendingAcquire scheduled = null;
    while (true) {
      slot = slotFor(sa.policyId(), sa.peer());
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
        if (p != null && p.scheduledInto == null) {
          if (on == null) {
            drainNow(slot, p, sa, drain);
          } else {
            p.scheduledInto = sa;
            scheduled = p;
          }
        }
        // (a drain already scheduled for another SA takes the best SA when it runs)
        break;
      } finally {
        slot.lock.unlock();
      }
    }
    if (scheduled != null) {
      Slot s = slot;
      PendingAcquire p = scheduled;
      try {
        on.execute(() -> drainScheduled(s, p, drain));
      } catch (RejectedExecutionException e) {
        drainScheduled(s, p, drain);
      }
    }
  }

  /** The scheduled drain of {@code p}: nothing if it was dropped meanwhile (flush). */
  private void drainScheduled(Slot slot, PendingAcquire p, LarvalDrain drain) {
    slot.lock.lock();
    try {
      if (slot.pending != p) {
        return;
      }
      SecurityAssociation into = p.scheduledInto;
      p.scheduledInto = null;
      if (into == null || !into.state().usable()) {
        into = slot.best(now); // the SA died before the task ran: another one, if there is one
      }
      if (into == null) {
        return; // the packets wait for the next SA, or the acquire's deadline
      }
      drainNow(slot, p, into, drain);
    } finally {
      slot.lock.unlock();
    }
  }

  /** Caller holds {@code slot.lock}: queued packets into {@code sa}, then the fast path opens. */
  private void drainNow(Slot slot, PendingAcquire p, SecurityAssociation sa, LarvalDrain drain) {
    p.drainingInto = sa;
    try {
      ByteBuf b;
      while ((b = p.queue.poll()) != null) {
        try {
          drain.drain(sa, b);
        } catch (RuntimeException e) {
          log.warn("outbound LarvalDrain failed for {}", sa, e);
        }
      }
    } finally {
      p.drainingInto = null;
      slot.pending = null; // opens the fast path: only after the drain
    }
    removeIfEmpty(slot); // the SA may have died during the drain
  }

  /** Takes a (DEAD) SA out of its slot. Idempotent. */
  void remove(SecurityAssociation sa) {
    Slot slot = find(sa.policyId(), sa.peer());
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
      removeIfEmpty(slot);
    } finally {
      slot.lock.unlock();
    }
  }

  /** Drops every pending acquire not being drained; its packets are counted in {@code stat}. */
  void dropPending(XfrmStat stat) {
    for (Slot slot : all()) {
      slot.lock.lock();
      try {
        PendingAcquire p = slot.pending;
        if (p != null && p.drainingInto == null) {
          stats.add(stat, releaseAll(p));
          slot.pending = null;
          removeIfEmpty(slot);
        }
      } finally {
        slot.lock.unlock();
      }
    }
  }

  /**
   * Drops the pending acquires past their deadline at {@code nowMillis} (packets counted in
   * AcquireTimeouts, no event: the next packet raises a new ACQUIRE).
   */
  void expire(long nowMillis) {
    for (Slot slot : all()) {
      slot.lock.lock();
      try {
        PendingAcquire p = slot.pending;
        if (p != null
            && p.drainingInto == null
            && p.scheduledInto == null
            && nowMillis >= p.deadline) {
          stats.add(XfrmStat.ACQUIRE_TIMEOUTS, releaseAll(p));
          slot.pending = null;
          removeIfEmpty(slot);
          log.debug(
              "acquire for policy {} peer {} timed out",
              p.policy.name(),
              InetText.format(slot.peer));
        }
      } finally {
        slot.lock.unlock();
      }
    }
  }

  /** Number of pending acquires. */
  int pendingCount() {
    int n = 0;
    for (Slot slot : all()) {
      if (slot.pending != null) {
        n++;
      }
    }
    return n;
  }

  /** Packets queued on all pending acquires (each queue read under its slot's lock). */
  int queuedTotal() {
    int n = 0;
    for (Slot slot : all()) {
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
  int queued(long policyId, InetAddress peer) {
    Slot slot = find(policyId, peer);
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

  private static int releaseAll(PendingAcquire p) {
    int n = p.queue.size();
    ByteBuf b;
    while ((b = p.queue.poll()) != null) {
      b.release();
    }
    return n;
  }

  private List<Slot> all() {
    List<Slot> slots = new ArrayList<>();
    byPolicy.forEach(arr -> slots.addAll(Arrays.asList(arr)));
    return slots;
  }

  private Slot find(long policyId, InetAddress peer) {
    Slot[] arr = byPolicy.get(policyId);
    if (arr != null) {
      for (Slot s : arr) {
        if (s.peer.equals(peer)) {
          return s;
        }
      }
    }
    return null;
  }

  /** The slot for (policy id, peer), created if absent. */
  private Slot slotFor(long policyId, InetAddress peer) {
    Slot s = find(policyId, peer);
    if (s != null) {
      return s;
    }
    synchronized (indexLock) {
      s = find(policyId, peer);
      if (s == null) {
        s = new Slot(policyId, peer);
        Slot[] arr = byPolicy.get(policyId);
        Slot[] next;
        if (arr == null) {
          next = new Slot[] {s};
        } else {
          next = Arrays.copyOf(arr, arr.length + 1);
          next[arr.length] = s;
        }
        byPolicy.put(policyId, next);
      }
      return s;
    }
  }

  /** Caller holds {@code slot.lock}: drops the slot from the index if it holds nothing. */
  private void removeIfEmpty(Slot slot) {
    if (slot.removed || slot.sas.length != 0 || slot.pending != null) {
      return;
    }
    slot.removed = true;
    synchronized (indexLock) {
      Slot[] arr = byPolicy.get(slot.policyId);
      if (arr == null) {
        return;
      }
      Slot[] next = Arrays.stream(arr).filter(s -> s != slot).toArray(Slot[]::new);
      if (next.length == 0) {
        byPolicy.remove(slot.policyId, arr);
      } else {
        byPolicy.put(slot.policyId, next);
      }
    }
  }

  private static SecurityAssociation[] append(SecurityAssociation[] a, SecurityAssociation sa) {
    SecurityAssociation[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = sa;
    return b;
  }
}
