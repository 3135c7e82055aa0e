package org.meshsec.ike.v1.task;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The order in which this process saw lifecycle events (an exchange began, an SA or pair was
 * established): two SAs made for the same purpose are rivals (a collision) when each began before
 * the other was established here. An order, not a clock: virtual-time tests and real time alike.
 * Thread-safe.
 */
public final class EventOrder {
  private static final AtomicLong LAST = new AtomicLong();

  private EventOrder() {}

  /** A stamp above every stamp taken before. */
  public static long next() {
    return LAST.incrementAndGet();
  }
}
