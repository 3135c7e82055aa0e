package org.meshsec.ike.port;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Limits log lines about bad input to one per source per interval, so that a flood cannot flood the
 * log: the first line from a source in each interval is let through ({@link #admit} returns true),
 * later ones are suppressed and counted. When an interval with suppressed lines has ended, the next
 * call writes one summary line, {@code "suppressed N messages from M sources in the last 10s"}
 * ({@code "more than M sources"} when the source table overflowed).
 *
 * <p>Memory is bounded: at most {@code maxSources} sources are remembered per interval (both those
 * let through and those suppressed); a source beyond that is suppressed and only counted.
 *
 * <p>Thread-safe: every method is synchronized on the limiter.
 */
public final class LogRateLimiter {
  private final Duration interval;
  private final int maxSources;
  private final Supplier<Instant> clock;
  private final Consumer<String> summarySink;

  private Instant windowStart;
  private final Set<Object> logged = new HashSet<>();
  private final Set<Object> suppressedSources = new HashSet<>();
  private long suppressed;
  private boolean overflow;

  /**
   * @param interval one line per source per this interval
   * @param maxSources sources remembered per interval, at most
   * @param clock the time
   * @param summarySink where the summary line goes
   */
  public LogRateLimiter(
      Duration interval, int maxSources, Supplier<Instant> clock, Consumer<String> summarySink) {
    if (interval.isNegative() || interval.isZero() || maxSources < 1) {
      throw new IllegalArgumentException("interval and maxSources must be positive");
    }
    this.interval = interval;
    this.maxSources = maxSources;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.summarySink = Objects.requireNonNull(summarySink, "summarySink");
  }

  /** A limiter whose summary goes to {@code log} at INFO. */
  public static LogRateLimiter forLog(
      Logger log, Duration interval, int maxSources, Supplier<Instant> clock) {
    return new LogRateLimiter(interval, maxSources, clock, log::info);
  }

  /**
   * Whether a line about {@code source} (an address, in its usual text form when logged) may be
   * written now; if not, it is counted in the next summary.
   */
  public synchronized boolean admit(Object source) {
    roll(clock.get());
    if (logged.contains(source)) {
      suppress(source);
      return false;
    }
    if (logged.size() >= maxSources) {
      overflow = true;
      suppress(source);
      return false;
    }
    logged.add(source);
    return true;
  }

  /** Writes the summary now if its interval has ended (for a periodic caller). */
  public synchronized void flush() {
    roll(clock.get());
  }

  /** Lines suppressed in the current interval. */
  public synchronized long suppressed() {
    return suppressed;
  }

  private void suppress(Object source) {
    suppressed++;
    if (suppressedSources.size() < maxSources) {
      suppressedSources.add(source);
    } else if (!suppressedSources.contains(source)) {
      overflow = true;
    }
  }

  private void roll(Instant now) {
    if (windowStart == null) {
      windowStart = now;
      return;
    }
    if (now.isBefore(windowStart.plus(interval))) {
      return;
    }
    if (suppressed > 0) {
      summarySink.accept(
          "suppressed "
              + suppressed
              + " messages from "
              + (overflow ? "more than " : "")
              + suppressedSources.size()
              + " sources in the last "
              + human(Duration.between(windowStart, now)));
    }
    windowStart = now;
    logged.clear();
    suppressedSources.clear();
    suppressed = 0;
    overflow = false;
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 1 ? s + "s" : d.toMillis() + "ms";
  }
}
