package org.meshsec.ike.port;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Runs submitted tasks one at a time, in submission order, on a shared {@link Executor}: the owner
 * executor of an IKE SA (everything that mutates an IKE SA runs there: ike/README.md). Tasks of
 * different serial executors run in parallel on the shared pool.
 *
 * <p>Thread-safe. A task that throws does not stop the executor: the exception goes to the handler
 * given at construction and the next task runs.
 */
public final class SerialExecutor implements Executor {
  private final Executor pool;
  private final Thread.UncaughtExceptionHandler onError;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  public SerialExecutor(Executor pool, Thread.UncaughtExceptionHandler onError) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.onError = Objects.requireNonNull(onError, "onError");
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        onError.uncaughtException(Thread.currentThread(), e);
      }
    }
  }
}
