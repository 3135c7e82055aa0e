package org.meshsec.ike.port;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Scheduler}: a {@link ScheduledExecutorService} (the shared pool the IKE
 * SAs' serial executors run on) and a {@link Clock}. Thread-safe. The caller owns the service and
 * shuts it down.
 */
public final class ExecutorScheduler implements Scheduler {
  private final ScheduledExecutorService service;
  private final Clock clock;

  public ExecutorScheduler(ScheduledExecutorService service, Clock clock) {
    this.service = Objects.requireNonNull(service, "service");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public void execute(Runnable task) {
    service.execute(task);
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f = service.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }
}
