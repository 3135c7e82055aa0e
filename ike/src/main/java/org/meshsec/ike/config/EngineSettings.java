package org.meshsec.ike.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Node-wide settings of the IKE engine.
 *
 * @param ikePort our IKE port for IKE_SA_INIT (500)
 * @param nattPort our port for everything after IKE_SA_INIT, and ESP in UDP (4500, RFC 3948)
 * @param halfOpenLimit responder IKE SAs not yet authenticated, at most; further IKE_SA_INIT
 *     requests are dropped
 * @param cookieThreshold from this many half-open SAs on, IKE_SA_INIT requests must return a COOKIE
 *     (RFC 7296 section 2.6)
 * @param halfOpenTimeout a responder SA not authenticated within this time is dropped
 * @param retransmit retransmission of requests
 * @param maxMessageLength largest IKE message we send unfragmented; larger protected messages are
 *     fragmented (RFC 7383) when the peer supports it. 1280 - 40 (IPv6) - 8 (UDP) - 4 (marker)
 * @param fragmentation whether to announce and use IKEv2 fragmentation
 * @param nonceLength our nonce length in bytes (RFC 7296 section 2.10: at least 16 and at least
 *     half the PRF key size)
 * @param halfOpenPerSource half-open responder SAs of one source address, at most (see {@code
 *     org.meshsec.ike.sa.HalfOpenLimit}). Default 20: an initiator has one IKE_SA_INIT in flight
 *     per IKE SA it sets up (its retransmissions reach the same half-open SA), so 20 leaves room
 *     for a NAT gateway hiding a handful of peers that start together, while a flood from one
 *     address (even one that returns COOKIEs) gets at most 2% of the default total of 1000: it
 *     takes 50 addresses to fill the table
 */
public record EngineSettings(
    int ikePort,
    int nattPort,
    int halfOpenLimit,
    int cookieThreshold,
    Duration halfOpenTimeout,
    RetransmitPolicy retransmit,
    int maxMessageLength,
    boolean fragmentation,
    int nonceLength,
    int halfOpenPerSource) {

  /** The default {@link #halfOpenPerSource}. */
  public static final int DEFAULT_HALF_OPEN_PER_SOURCE = 20;

  /**
   * Defaults: 500/4500, 1000 half-open (20 per source), cookies from 100, 30 s, 1228-byte messages.
   */
  public static final EngineSettings DEFAULT =
      new EngineSettings(
          500,
          4500,
          1000,
          100,
          Duration.ofSeconds(30),
          RetransmitPolicy.DEFAULT,
          1228,
          true,
          32,
          DEFAULT_HALF_OPEN_PER_SOURCE);

  public EngineSettings {
    Objects.requireNonNull(halfOpenTimeout, "halfOpenTimeout");
    Objects.requireNonNull(retransmit, "retransmit");
    if (ikePort < 1 || ikePort > 0xFFFF || nattPort < 1 || nattPort > 0xFFFF) {
      throw new IllegalArgumentException("ports out of range");
    }
    if (halfOpenLimit < 1 || cookieThreshold < 0 || halfOpenPerSource < 1) {
      throw new IllegalArgumentException("half-open limits must be positive");
    }
    if (maxMessageLength < 256) {
      throw new IllegalArgumentException("max message length below 256");
    }
    if (nonceLength < 32 || nonceLength > 256) {
      throw new IllegalArgumentException("nonce length must be 32..256 (half of SHA-512's key)");
    }
  }

  /** Settings with the default {@link #halfOpenPerSource}. */
  public EngineSettings(
      int ikePort,
      int nattPort,
      int halfOpenLimit,
      int cookieThreshold,
      Duration halfOpenTimeout,
      RetransmitPolicy retransmit,
      int maxMessageLength,
      boolean fragmentation,
      int nonceLength) {
    this(
        ikePort,
        nattPort,
        halfOpenLimit,
        cookieThreshold,
        halfOpenTimeout,
        retransmit,
        maxMessageLength,
        fragmentation,
        nonceLength,
        DEFAULT_HALF_OPEN_PER_SOURCE);
  }

  /** These settings with another limit of half-open SAs per source address. */
  public EngineSettings withHalfOpenPerSource(int perSource) {
    return new EngineSettings(
        ikePort,
        nattPort,
        halfOpenLimit,
        cookieThreshold,
        halfOpenTimeout,
        retransmit,
        maxMessageLength,
        fragmentation,
        nonceLength,
        perSource);
  }

  /** These settings with other half-open limits. */
  public EngineSettings withHalfOpen(int limit, int cookieFrom) {
    return new EngineSettings(
        ikePort,
        nattPort,
        limit,
        cookieFrom,
        halfOpenTimeout,
        retransmit,
        maxMessageLength,
        fragmentation,
        nonceLength,
        halfOpenPerSource);
  }

  /** These settings with another maximum message length. */
  public EngineSettings withMaxMessageLength(int length) {
    return new EngineSettings(
        ikePort,
        nattPort,
        halfOpenLimit,
        cookieThreshold,
        halfOpenTimeout,
        retransmit,
        length,
        fragmentation,
        nonceLength,
        halfOpenPerSource);
  }

  /** These settings with another retransmission policy. */
  public EngineSettings withRetransmit(RetransmitPolicy policy) {
    return new EngineSettings(
        ikePort,
        nattPort,
        halfOpenLimit,
        cookieThreshold,
        halfOpenTimeout,
        policy,
        maxMessageLength,
        fragmentation,
        nonceLength,
        halfOpenPerSource);
  }
}
