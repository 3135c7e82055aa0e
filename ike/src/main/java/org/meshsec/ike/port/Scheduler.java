package org.meshsec.ike.port;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * Time, timers and the shared pool the IKE SAs' executors run on (STYLE point 10: time is
 * injected). Each IKE SA wraps this in a {@link SerialExecutor}, so everything that touches one SA
 * runs one task at a time; timers only hand work to that executor.
 *
 * <p>Implementations are thread-safe. {@link ExecutorScheduler} uses a real pool and clock; the ike
 * test-jar's {@code ManualScheduler} runs everything on the test's thread in virtual time.
 */
public interface Scheduler extends Executor {

  /** The current time (virtual time in tests). */
  Instant now();

  /** Runs {@code task} soon on the shared pool. */
  @Override
  void execute(Runnable task);

  /** Runs {@code task} on the shared pool after {@code delay}. */
  Cancellable schedule(Runnable task, Duration delay);
}
