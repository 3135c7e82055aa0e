package org.meshsec.ike.sa;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The count of half-open responder SAs (IKE_SA_INIT answered, not yet authenticated) against the
 * node's limit and COOKIE threshold (RFC 7296 section 2.6). Shared by every protocol version the
 * {@link IkeFront} serves, since they spend the same memory.
 *
 * <p>Thread-safe: the count is atomic; a front's check-then-open runs under the limit's monitor
 * ({@code synchronized (limit)}), so the limit is never overshot.
 */
public final class HalfOpenLimit {
  private final int limit;
  private final int cookieThreshold;
  private final AtomicInteger count = new AtomicInteger();

  /** What a new IKE_SA_INIT request may do. */
  public enum Admission {
    /** Create the SA. */
    OPEN,
    /** Above the threshold: create it only if the request returns a valid COOKIE. */
    COOKIE,
    /** At the limit: drop the request. */
    DROP
  }

  HalfOpenLimit(int limit, int cookieThreshold) {
    this.limit = limit;
    this.cookieThreshold = cookieThreshold;
  }

  /** The admission of a new request now. */
  public Admission admission() {
    int open = count.get();
    if (open >= limit) {
      return Admission.DROP;
    }
    return open >= cookieThreshold ? Admission.COOKIE : Admission.OPEN;
  }

  /** A half-open SA was created. */
  public void opened() {
    count.incrementAndGet();
  }

  /** A half-open SA was authenticated or destroyed. */
  public void closed() {
    count.decrementAndGet();
  }

  public int count() {
    return count.get();
  }
}
