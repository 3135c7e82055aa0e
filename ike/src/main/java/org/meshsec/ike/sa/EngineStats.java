package org.meshsec.ike.sa;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.meshsec.ike.message.IkeParseError;

/** Counters of an {@link IkeEngine}, for metrics and tests. Thread-safe (atomic counters). */
public final class EngineStats {
  /**
   * Datagrams that did not decode (size, header, payloads, rules), not counting ICV failures. The
   * four counters below break some of them down by reason.
   */
  public final AtomicLong malformed = new AtomicLong();

  /** Datagrams shorter than the IKE header (RFC 7296 section 3.1). */
  public final AtomicLong tooShort = new AtomicLong();

  /** Datagrams longer than the largest message we accept. */
  public final AtomicLong tooLong = new AtomicLong();

  /** Datagrams whose header Length is not the datagram's length (RFC 7296 section 3.1). */
  public final AtomicLong badLength = new AtomicLong();

  /** Datagrams of an IKE major version we do not serve. */
  public final AtomicLong unsupportedVersion = new AtomicLong();

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

  /**
   * IKE SAs removed because the peer stopped answering, whatever the exchange: the sum of {@link
   * #dpdFailures}, {@link #unansweredExchanges} and {@link #unansweredHandshakes}.
   */
  public final AtomicLong deadPeers = new AtomicLong();

  /** Duplicate IKE SAs and Child SAs deleted by the tie-break. */
  public final AtomicLong duplicatesDeleted = new AtomicLong();

  /** ESP for SPIs the data plane did not know. */
  public final AtomicLong unknownEspSpi = new AtomicLong();

  /**
   * Dead peers found by our liveness check (DPD: the IKEv2 empty INFORMATIONAL, RFC 7296 section
   * 2.4; the IKEv1 R-U-THERE, RFC 3706) getting no answer while nothing else came from the peer;
   * part of {@link #deadPeers}.
   */
  public final AtomicLong dpdFailures = new AtomicLong();

  /**
   * Dead peers found by another exchange of an established IKE SA (a rekey, a Child SA's Delete, a
   * notification) getting no answer while nothing else came from the peer; part of {@link
   * #deadPeers}.
   */
  public final AtomicLong unansweredExchanges = new AtomicLong();

  /**
   * IKE SAs being set up (IKE_SA_INIT, IKE_AUTH) removed because the peer did not answer; part of
   * {@link #deadPeers}.
   */
  public final AtomicLong unansweredHandshakes = new AtomicLong();

  /** Why a peer was declared dead: which exchange went unanswered. */
  public enum DeadPeerCause {
    /** Our liveness check. */
    DPD,
    /** Another exchange of an established IKE SA. */
    EXCHANGE,
    /** IKE_SA_INIT or IKE_AUTH. */
    HANDSHAKE
  }

  /** Counts a dead peer in {@link #deadPeers} and in the counter of its cause. */
  public void deadPeer(DeadPeerCause cause) {
    deadPeers.incrementAndGet();
    switch (cause) {
      case DPD -> dpdFailures.incrementAndGet();
      case EXCHANGE -> unansweredExchanges.incrementAndGet();
      case HANDSHAKE -> unansweredHandshakes.incrementAndGet();
    }
  }

  /**
   * Initiations started because ESP arrived for an unknown SPI from a configured peer with which we
   * had no IKE SA (a rebooted node repairing its peer's stale SAs with INITIAL_CONTACT).
   */
  public final AtomicLong unknownSpiRepairs = new AtomicLong();

  /** Initiations started again by the back-off timer after a failure or a dead peer. */
  public final AtomicLong backoffRestarts = new AtomicLong();

  /** Exceptions caught at the engine's boundaries: bugs. Tests assert this stays 0. */
  public final AtomicLong internalErrors = new AtomicLong();

  /** IKE_SA_INIT requests dropped because the engine is shutting down. */
  public final AtomicLong refusedShuttingDown = new AtomicLong();

  /** IKEv1: datagrams of a known ISAKMP SA dropped without effect (forged, garbled, late). */
  public final AtomicLong v1Dropped = new AtomicLong();

  /** IKEv1: retransmissions of the peer answered with our last message (RFC 2408 section 5). */
  public final AtomicLong v1Retransmissions = new AtomicLong();

  /** IKEv1: Aggressive Mode from a peer not allowed to use it (RFC 2409 section 5.4). */
  public final AtomicLong v1AggressiveRefused = new AtomicLong();

  /** Counts a decoding failure by kind. */
  public void countDecodeError(IkeParseError e) {
    if (e.kind() == IkeParseError.Kind.INTEGRITY_CHECK_FAILED) {
      icvFailures.incrementAndGet();
    } else {
      malformed.incrementAndGet();
    }
  }

  /**
   * The counters now, by stable snake_case name, in a fixed order: what {@code meshsec stats}
   * shows.
   */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("malformed", malformed.get());
    m.put("too_short", tooShort.get());
    m.put("too_long", tooLong.get());
    m.put("bad_length", badLength.get());
    m.put("unsupported_version", unsupportedVersion.get());
    m.put("icv_failures", icvFailures.get());
    m.put("unknown_spi", unknownSpi.get());
    m.put("unexpected_message_ids", unexpectedMessageIds.get());
    m.put("retransmitted_requests", retransmittedRequests.get());
    m.put("retransmits", retransmits.get());
    m.put("errors_sent", errorsSent.get());
    m.put("cookies_sent", cookiesSent.get());
    m.put("half_open_dropped_total", halfOpenDropped.get());
    m.put("half_open_dropped_per_source", halfOpenDroppedPerSource.get());
    m.put("half_open_evicted", halfOpenEvicted.get());
    m.put("no_config", noConfig.get());
    m.put("dead_peers", deadPeers.get());
    m.put("duplicates_deleted", duplicatesDeleted.get());
    m.put("unknown_esp_spi", unknownEspSpi.get());
    m.put("unknown_spi_repairs", unknownSpiRepairs.get());
    m.put("dpd_failures", dpdFailures.get());
    m.put("dead_peers_unanswered_exchange", unansweredExchanges.get());
    m.put("dead_peers_unanswered_handshake", unansweredHandshakes.get());
    m.put("backoff_restarts", backoffRestarts.get());
    m.put("internal_errors", internalErrors.get());
    m.put("ikev1_dropped", v1Dropped.get());
    m.put("ikev1_retransmissions_answered", v1Retransmissions.get());
    m.put("ikev1_aggressive_refused", v1AggressiveRefused.get());
    return m;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("EngineStats[");
    snapshot()
        .forEach((k, v) -> b.append(b.length() > 12 ? " " : "").append(k).append('=').append(v));
    return b.append(']').toString();
  }
}
