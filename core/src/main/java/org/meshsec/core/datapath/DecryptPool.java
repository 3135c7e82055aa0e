package org.meshsec.core.datapath;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.meshsec.core.sad.SecurityAssociation;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.core.stats.XfrmStats;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.OpenResult;

/**
 * Opens received ESP packets on several threads at once and delivers them in the order they were
 * received: the inbound half of the data path spread over more cores than the one UDP event loop
 * that all of one peer's ESP reaches (the kernel hashes a 4-tuple to one SO_REUSEPORT socket).
 *
 * <pre>
 *  UDP loop (receiving thread), per ESP datagram of a known SA:
 *    sa.openBegin   under the SA's lock: state, length, SPI, replay check   fail -&gt; counted, dropped
 *    ring full? -------------------------------------------------------------&gt; XfrmInBufferError
 *    append to this thread's ring (its order is the delivery order)
 *  UDP loop, end of the read batch:   wake the helpers, then open elements of its own ring too
 *  helper threads (decrypt_workers - 1) and the UDP loop, in parallel:
 *    claim the next unopened element of a ring -&gt; sa.openCrypto (ICV, decrypt; no SA lock,
 *    one transform per thread) -&gt; mark it done -&gt; try to deliver
 *  delivery, by whichever thread holds the ring's delivery lock, from the ring's head while the
 *  head element is done:
 *    sa.openEnd     under the SA's lock: replay commit (a copy committed first -&gt; replay),
 *                   lifetimes and counters
 *    {@link Delivery#deliver} (inner packet checks, GRO, TUN write); then {@link Delivery#runEnd}
 * </pre>
 *
 * This is wireguard-go's inbound pattern (device/receive.go: a per-peer queue of elements decrypted
 * in parallel and written when their turn comes) with the queue per receiving thread instead of per
 * peer, which keeps every SA's order (an SA's packets are a subsequence of its receiving thread's)
 * without a queue to find per SA, and without a hand-off back to the receiving loop: the thread
 * that completes the head element delivers. The replay window is checked before decryption (cheap
 * rejection, ESN inference, RFC 4303 Appendix A2) and committed after it in delivery order, so two
 * copies of one packet opened in parallel are delivered once (RFC 4303 section 3.4.3). What is
 * delivered, and in which order, is what opening each packet on the receiving thread delivers; the
 * one difference is in the counters: a forged copy of a packet whose genuine copy is still being
 * opened passes the early check and is counted as an ICV failure where the inline path counts a
 * replay.
 *
 * <p><b>Buffers.</b> {@link #submit} takes ownership of the datagram; it is passed to {@link
 * Delivery#deliver} (which then owns it) or released. Elements are preallocated per ring and
 * reused: nothing is allocated per packet.
 *
 * <p><b>Thread-safety.</b> Thread-safe. {@link #submit} and {@link #batchEnd} are called by the
 * receiving threads, each on its own ring; {@link Delivery} is called by one thread at a time per
 * ring (under the ring's delivery lock), possibly a different one each time. {@link #close} is
 * called once the receiving threads have stopped calling {@link #submit}.
 */
final class DecryptPool implements AutoCloseable {

  /**
   * Elements per receiving thread: packets received and not yet delivered beyond it are dropped.
   */
  static final int RING_SIZE = 1024;

  /** Wake the helpers after this many packets of one batch, before the batch ends. */
  private static final int WAKE_EVERY = 16;

  /** Polls for work before a helper parks. */
  private static final int SPINS = 64;

  /** What happens to an element when its turn comes; called in each ring's order. */
  interface Delivery {
    /**
     * One opened (or failed: {@code status}) packet of {@code sa}, to finish with {@link
     * SecurityAssociation#openEnd} and deliver. Takes ownership of {@code buf}.
     */
    void deliver(SecurityAssociation sa, ByteBuf buf, OpenResult result, EspStatus status);

    /** The end of a run of {@link #deliver} calls on this thread (flush what was coalesced). */
    void runEnd();
  }

  /** One received packet on its way through the pool; reused. */
  private static final class Element {
    final OpenResult result = new OpenResult();
    ByteBuf buf;
    SecurityAssociation sa;
    EspStatus status;
    volatile boolean done;

    void reset() {
      buf = null;
      sa = null;
      status = null;
      done = false;
    }
  }

  /** The packets of one receiving thread in the order received. */
  private static final class Ring {
    final Element[] elements = new Element[RING_SIZE];
    final int mask = RING_SIZE - 1;

    /** Next element to append: written by the owning receiving thread only. */
    volatile long tail;

    /** Next element to open. */
    final AtomicLong claim = new AtomicLong();

    /** Next element to deliver: written under {@link #deliverLock}. */
    volatile long head;

    final ReentrantLock deliverLock = new ReentrantLock();

    /** Appended since the helpers were last woken (owning thread only). */
    int unannounced;

    Ring() {
      for (int i = 0; i < RING_SIZE; i++) {
        elements[i] = new Element();
      }
    }
  }

  /** What a thread that opens packets needs: its transform slot, and its ring if it receives. */
  private static final class PerThread {
    final int slot;
    Ring ring;

    PerThread(int slot) {
      this.slot = slot;
    }
  }

  private final Delivery delivery;
  private final XfrmStats stats;
  private final Helper[] helpers;
  private final AtomicInteger slots = new AtomicInteger();
  private final ThreadLocal<PerThread> perThread =
      ThreadLocal.withInitial(() -> new PerThread(slots.getAndIncrement()));
  private volatile Ring[] rings = new Ring[0];
  private volatile boolean closed;
  private final boolean receiverOpens;
  private final LongAdder submitted = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder openedByHelpers = new LongAdder();

  /**
   * A pool of {@code threads - 1} helper threads beside the receiving threads (so {@code threads}
   * threads open the packets of one receiving thread).
   *
   * @throws IllegalArgumentException if {@code threads} is below 2
   */
  DecryptPool(int threads, XfrmStats stats, Delivery delivery) {
    this(threads, stats, delivery, true);
  }

  /**
   * With {@code receiverOpens} false the receiving threads only queue and deliver, and the helpers
   * open every packet (tests: all opening then happens in parallel, out of order).
   */
  DecryptPool(int threads, XfrmStats stats, Delivery delivery, boolean receiverOpens) {
    this.receiverOpens = receiverOpens;
    if (threads < 2) {
      throw new IllegalArgumentException("a decrypt pool needs at least 2 threads: " + threads);
    }
    this.delivery = delivery;
    this.stats = stats;
    this.helpers = new Helper[threads - 1];
    for (int i = 0; i < helpers.length; i++) {
      helpers[i] = new Helper(i);
    }
    for (Helper h : helpers) {
      h.thread.start();
    }
  }

  /**
   * Queues one ESP datagram of {@code sa} (readable bytes: SPI through ICV), received on the
   * calling thread. Takes ownership of {@code buf}: dropped (counted) when the SA refuses it at
   * once ({@link SecurityAssociation#openBegin}) or this thread's ring is full.
   */
  void submit(SecurityAssociation sa, ByteBuf buf) {
    PerThread pt = perThread.get();
    Ring r = pt.ring;
    if (r == null) {
      r = pt.ring = register();
    }
    long t = r.tail;
    if (closed || t - r.head >= RING_SIZE) {
      dropped.increment();
      stats.increment(XfrmStat.IN_BUFFER_ERROR);
      buf.release();
      return;
    }
    Element e = r.elements[(int) t & r.mask];
    e.result.clear();
    if (sa.openBegin(buf, e.result) != EspStatus.OK) { // counted by the SA
      buf.release();
      return;
    }
    e.sa = sa;
    e.buf = buf;
    r.tail = t + 1; // publishes the element to the helpers
    submitted.increment();
    if (++r.unannounced >= WAKE_EVERY) {
      r.unannounced = 0;
      wakeHelpers();
    }
  }

  /**
   * Ends a read batch of the calling thread: wakes the helpers, opens what of this thread's ring no
   * helper took, and delivers what is done. Packets still being opened by helpers are delivered by
   * them.
   */
  void batchEnd() {
    PerThread pt = perThread.get();
    Ring r = pt.ring;
    if (r == null) {
      return;
    }
    if (r.unannounced > 0) {
      r.unannounced = 0;
      wakeHelpers();
    }
    while (receiverOpens && openOne(r, pt.slot)) {
      // the receiving thread takes its share
    }
    deliver(r);
  }

  private synchronized Ring register() {
    Ring r = new Ring();
    Ring[] a = java.util.Arrays.copyOf(rings, rings.length + 1);
    a[rings.length] = r;
    rings = a;
    return r;
  }

  private void wakeHelpers() {
    for (Helper h : helpers) {
      if (h.parked) {
        LockSupport.unpark(h.thread);
      }
    }
  }

  /** Claims and opens the next unopened element of {@code r}; false if there is none. */
  private boolean openOne(Ring r, int slot) {
    while (true) {
      long c = r.claim.get();
      if (c >= r.tail) {
        return false;
      }
      if (r.claim.compareAndSet(c, c + 1)) {
        Element e = r.elements[(int) c & r.mask];
        EspStatus st;
        try {
          st = e.sa.openCrypto(e.buf, e.result, slot);
        } catch (RuntimeException ex) { // a crypto provider failure: the packet is lost, not order
          st = EspStatus.CLOSED;
        }
        e.status = st;
        e.done = true; // publishes status and result to the delivering thread
        return true;
      }
    }
  }

  /** Delivers the done elements at the head of {@code r}, if no other thread is doing it. */
  private void deliver(Ring r) {
    do {
      if (!r.deliverLock.tryLock()) {
        return; // the holder re-checks the head after it lets go
      }
      try {
        long h = r.head;
        long t = r.tail;
        boolean any = false;
        while (h < t && !closed) {
          Element e = r.elements[(int) h & r.mask];
          if (!e.done) {
            break;
          }
          SecurityAssociation sa = e.sa;
          ByteBuf buf = e.buf;
          EspStatus st = e.status;
          try {
            delivery.deliver(sa, buf, e.result, st);
          } catch (RuntimeException ex) {
            // Delivery owns the buffer from the call on; one bad packet must not stop the ring
            org.slf4j.LoggerFactory.getLogger(DecryptPool.class)
                .warn("delivering an opened packet failed: {}", ex.toString());
          }
          e.reset();
          r.head = ++h; // frees the element for the receiving thread
          any = true;
        }
        if (any) {
          delivery.runEnd();
        }
      } finally {
        r.deliverLock.unlock();
      }
    } while (!closed && headDone(r));
  }

  private static boolean headDone(Ring r) {
    long h = r.head;
    return h < r.tail && r.elements[(int) h & r.mask].done;
  }

  /** Datagrams queued for parallel opening. */
  long submitted() {
    return submitted.sum();
  }

  /** Datagrams dropped because a ring was full (or the pool closed); also XfrmInBufferError. */
  long dropped() {
    return dropped.sum();
  }

  /** Datagrams opened by the helper threads (the rest by the receiving threads). */
  long openedByHelpers() {
    return openedByHelpers.sum();
  }

  /** Packets queued and not yet delivered, over all receiving threads. */
  long inFlight() {
    long n = 0;
    for (Ring r : rings) {
      n += r.tail - r.head;
    }
    return n;
  }

  /** Helper threads still running (0 after {@link #close}). */
  int helpersAlive() {
    int n = 0;
    for (Helper h : helpers) {
      n += h.thread.isAlive() ? 1 : 0;
    }
    return n;
  }

  /** Helper threads. */
  int helpers() {
    return helpers.length;
  }

  /**
   * Stops the helpers and releases every packet not yet delivered (counted as dropped). Call after
   * the receiving threads stopped submitting (the UDP sockets are closed). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Helper h : helpers) {
      LockSupport.unpark(h.thread);
    }
    for (Helper h : helpers) {
      try {
        h.thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Ring r : rings) {
      r.deliverLock.lock();
      try {
        for (long h = r.head; h < r.tail; h++) {
          Element e = r.elements[(int) h & r.mask];
          if (e.buf != null) {
            e.buf.release();
            dropped.increment();
          }
          e.reset();
        }
        r.claim.set(r.tail);
        r.head = r.tail;
      } finally {
        r.deliverLock.unlock();
      }
    }
  }

  /** One helper thread: opens and delivers elements of any ring; parks when there are none. */
  private final class Helper implements Runnable {
    final Thread thread;
    volatile boolean parked;

    Helper(int index) {
      thread = new FastThreadLocalThread(this, "meshsec-decrypt-" + index);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      int slot = perThread.get().slot;
      int idle = 0;
      while (!closed) {
        boolean worked = false;
        for (Ring r : rings) {
          if (openOne(r, slot)) {
            openedByHelpers.increment();
            deliver(r);
            worked = true;
          }
        }
        if (worked) {
          idle = 0;
          continue;
        }
        if (++idle < SPINS) {
          Thread.onSpinWait();
          continue;
        }
        parked = true; // then look once more: a submit that missed the flag is seen here
        if (!anyWork() && !closed) {
          LockSupport.park(this);
        }
        parked = false;
        idle = 0;
      }
    }

    private boolean anyWork() {
      for (Ring r : rings) {
        if (r.claim.get() < r.tail) {
          return true;
        }
      }
      return false;
    }
  }
}
