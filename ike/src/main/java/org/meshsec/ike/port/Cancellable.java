package org.meshsec.ike.port;

/** A scheduled task that can be cancelled. {@link #cancel()} is idempotent and thread-safe. */
@FunctionalInterface
public interface Cancellable {

  /** Does nothing. */
  Cancellable NONE = () -> {};

  /** Prevents the task from running if it has not started. */
  void cancel();
}
