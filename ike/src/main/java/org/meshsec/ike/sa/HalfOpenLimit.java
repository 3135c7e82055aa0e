package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The half-open responder SAs (IKE_SA_INIT answered, not yet authenticated) against the node's
 * limits (RFC 7296 section 2.6): a total limit, a limit per source address, and the COOKIE
 * threshold. Shared by every protocol version the {@link IkeFront} serves, since they spend the
 * same memory.
 *
 * <ul>
 *   <li>A source address holds at most {@code perSource} half-open SAs, so one address that answers
 *       COOKIEs cannot take the whole table.
 *   <li>At the total limit, a request from a <em>configured</em> peer (a peer configuration names
 *       its address) is still admitted: the oldest half-open SA of an unconfigured source (one
 *       matched by a wildcard configuration) is evicted for it. Requests from unconfigured sources
 *       are dropped.
 *   <li>Under pressure (at least half the total limit in use) half-open SAs older than a quarter of
 *       the configured timeout ({@link #timeout}) are dropped, until the table is below half full
 *       again (each SA checks its age every quarter of the timeout).
 * </ul>
 *
 * <p>Each half-open SA is entered under a token (the SA object); {@link #closed} is idempotent, so
 * an evicted SA that is destroyed later is not counted twice.
 *
 * <p>Thread-safe: every method is synchronized on the limit; a front's check-then-open also runs
 * under that monitor ({@code synchronized (limit)}), so the limits are never overshot.
 */
public final class HalfOpenLimit {
  /** Under pressure the half-open timeout is divided by this. */
  static final int PRESSURE_DIVISOR = 4;

  private final int limit;
  private final int perSource;
  private final int cookieThreshold;

  /** The half-open SAs, oldest first. */
  private final Map<Object, Entry> entries = new LinkedHashMap<>();

  private final Map<InetAddress, Integer> bySource = new HashMap<>();

  private record Entry(InetAddress source, boolean configured) {}

  /** What a new IKE_SA_INIT request may do. */
  public enum Admission {
    /** Create the SA. */
    OPEN,
    /** Above the threshold: create it only if the request returns a valid COOKIE. */
    COOKIE,
    /** The total limit is reached (and nothing can be evicted for this source): drop. */
    DROP_TOTAL,
    /** The source's limit is reached: drop. */
    DROP_SOURCE
  }

  HalfOpenLimit(int limit, int perSource, int cookieThreshold) {
    this.limit = limit;
    this.perSource = perSource;
    this.cookieThreshold = cookieThreshold;
  }

  /**
   * The admission of a new request from {@code source} now; {@code configured}: a peer
   * configuration names that address.
   */
  public synchronized Admission admission(InetAddress source, boolean configured) {
    if (bySource.getOrDefault(source, 0) >= perSource) {
      return Admission.DROP_SOURCE;
    }
    int open = entries.size();
    if (open >= limit && !(configured && oldestUnconfigured() != null)) {
      return Admission.DROP_TOTAL;
    }
    return open >= cookieThreshold ? Admission.COOKIE : Admission.OPEN;
  }

  /**
   * A half-open SA {@code token} was created for {@code source} after {@link #admission} allowed
   * it. At the total limit the oldest unconfigured half-open SA is evicted to make room: it is
   * returned, already removed from the count, for the caller to destroy.
   */
  public synchronized Optional<Object> opened(
      Object token, InetAddress source, boolean configured) {
    Object evicted = null;
    if (entries.size() >= limit && configured) {
      evicted = oldestUnconfigured();
      if (evicted != null) {
        closed(evicted);
      }
    }
    entries.put(token, new Entry(source, configured));
    bySource.merge(source, 1, Integer::sum);
    return Optional.ofNullable(evicted);
  }

  /** The half-open SA {@code token} was authenticated, destroyed or evicted; idempotent. */
  public synchronized void closed(Object token) {
    Entry e = entries.remove(token);
    if (e != null) {
      bySource.computeIfPresent(e.source, (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  private Object oldestUnconfigured() {
    for (Map.Entry<Object, Entry> e : entries.entrySet()) {
      if (!e.getValue().configured) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Half-open SAs now. */
  public synchronized int count() {
    return entries.size();
  }

  /** Half-open SAs of {@code source} now. */
  public synchronized int count(InetAddress source) {
    return bySource.getOrDefault(source, 0);
  }

  /** Whether the table is under pressure: at least half the total limit in use. */
  public synchronized boolean underPressure() {
    return entries.size() * 2 >= limit;
  }

  /**
   * How long a half-open SA may stay unauthenticated now: {@code base} (the configured timeout), or
   * a quarter of it under pressure.
   */
  public Duration timeout(Duration base) {
    return underPressure() ? base.dividedBy(PRESSURE_DIVISOR) : base;
  }
}
