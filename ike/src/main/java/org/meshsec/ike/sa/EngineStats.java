package org.meshsec.ike.sa;

import java.util.concurrent.atomic.AtomicLong;
import org.meshsec.ike.message.IkeParseError;

/** Counters of an {@link IkeEngine}, for metrics and tests. Thread-safe (atomic counters). */
public final class EngineStats {
  /** Datagrams that did not decode (header, payloads, rules), not counting ICV failures. */
  public final AtomicLong malformed = new AtomicLong();

  /** Protected messages whose ICV did not verify. */
  public final AtomicLong icvFailures = new AtomicLong();

  /** Messages for an IKE SA we do not have (unknown SPIs). */
  public final AtomicLong unknownSpi = new AtomicLong();

  /** Requests and responses with a Message ID outside the window (stale or future). */
  public final AtomicLong unexpectedMessageIds = new AtomicLong();

  /** Requests retransmitted by the peer that we answered from the cache. */
  public final AtomicLong retransmittedRequests = new AtomicLong();

  /** Our requests we retransmitted. */
  public final AtomicLong retransmits = new AtomicLong();

  /** Error responses sent. */
  public final AtomicLong errorsSent = new AtomicLong();

  /** IKE_SA_INIT requests answered with a COOKIE. */
  public final AtomicLong cookiesSent = new AtomicLong();

  /** IKE_SA_INIT requests dropped because the total half-open limit was reached. */
  public final AtomicLong halfOpenDropped = new AtomicLong();

  /** IKE_SA_INIT requests dropped because their source's half-open limit was reached. */
  public final AtomicLong halfOpenDroppedPerSource = new AtomicLong();

  /** Half-open SAs of unconfigured sources evicted to admit a configured peer. */
  public final AtomicLong halfOpenEvicted = new AtomicLong();

  /** IKE_SA_INIT requests for which no peer configuration matched. */
  public final AtomicLong noConfig = new AtomicLong();

  /** IKE SAs removed because the peer stopped answering. */
  public final AtomicLong deadPeers = new AtomicLong();

  /** Duplicate IKE SAs and Child SAs deleted by the tie-break. */
  public final AtomicLong duplicatesDeleted = new AtomicLong();

  /** ESP for SPIs the data plane did not know. */
  public final AtomicLong unknownEspSpi = new AtomicLong();

  /** Exceptions caught at the engine's boundaries: bugs. Tests assert this stays 0. */
  public final AtomicLong internalErrors = new AtomicLong();

  /** Counts a decoding failure by kind. */
  public void countDecodeError(IkeParseError e) {
    if (e.kind() == IkeParseError.Kind.INTEGRITY_CHECK_FAILED) {
      icvFailures.incrementAndGet();
    } else {
      malformed.incrementAndGet();
    }
  }

  @Override
  public String toString() {
    return "EngineStats[malformed="
        + malformed
        + " icv="
        + icvFailures
        + " unknownSpi="
        + unknownSpi
        + " mid="
        + unexpectedMessageIds
        + " retransmits="
        + retransmits
        + " cached="
        + retransmittedRequests
        + " cookies="
        + cookiesSent
        + " halfOpenDropped="
        + halfOpenDropped
        + " dead="
        + deadPeers
        + " duplicates="
        + duplicatesDeleted
        + " internal="
        + internalErrors
        + "]";
  }
}
