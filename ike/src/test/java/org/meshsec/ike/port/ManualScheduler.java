package org.meshsec.ike.port;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A deterministic {@link Scheduler} for tests: virtual time that moves only when the test says so,
 * and tasks that run on the test's own thread, in time order, ties in submission order. {@link
 * #execute} tasks are due "now" and run at the next {@link #runPending()} or {@link #advance}.
 *
 * <p>Thread-safe in the sense that submission from other threads is allowed, but meant to be driven
 * from one thread. A task that throws stops the run and the exception propagates to the caller of
 * {@link #runPending()} or {@link #advance}, so a test sees it.
 */
public final class ManualScheduler implements Scheduler {

  /** The virtual time a new scheduler starts at. */
  public static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(
          (a, b) -> {
            int c = a.at.compareTo(b.at);
            return c != 0 ? c : Long.compare(a.seq, b.seq);
          });
  private Instant now;
  private long seq;

  private static final class Entry implements Cancellable {
    final Instant at;
    final long seq;
    final Runnable task;
    volatile boolean cancelled;

    Entry(Instant at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  /** A scheduler at {@link #EPOCH}. */
  public ManualScheduler() {
    this(EPOCH);
  }

  /** A scheduler at {@code start}. */
  public ManualScheduler(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized void execute(Runnable task) {
    queue.add(new Entry(now, seq++, Objects.requireNonNull(task, "task")));
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    Entry e = new Entry(now.plus(delay), seq++, Objects.requireNonNull(task, "task"));
    queue.add(e);
    return e;
  }

  /** Runs every task due at the current time, including those they submit. Returns how many. */
  public int runPending() {
    int n = 0;
    while (true) {
      Entry e;
      synchronized (this) {
        e = queue.peek();
        if (e == null || e.at.isAfter(now)) {
          return n;
        }
        queue.poll();
      }
      if (!e.cancelled) {
        e.task.run();
        n++;
      }
    }
  }

  /**
   * Moves virtual time forward by {@code d}, running every task that falls due on the way at its
   * own time, in order.
   */
  public void advance(Duration d) {
    Instant target;
    synchronized (this) {
      target = now.plus(d);
    }
    while (true) {
      runPending();
      synchronized (this) {
        Entry e = queue.peek();
        while (e != null && e.cancelled) {
          queue.poll();
          e = queue.peek();
        }
        if (e == null || e.at.isAfter(target)) {
          now = target;
          break;
        }
        now = e.at;
      }
    }
    runPending();
  }

  /** The time of the next task not cancelled, or null when nothing is scheduled. */
  public synchronized Instant nextDue() {
    return queue.stream()
        .filter(e -> !e.cancelled)
        .map(e -> e.at)
        .min(Instant::compareTo)
        .orElse(null);
  }

  /** Tasks queued and not cancelled. */
  public synchronized int pendingCount() {
    return (int) queue.stream().filter(e -> !e.cancelled).count();
  }
}
