package org.meshsec.core.stats;

/**
 * The data-path error and drop counters (and one queueing counter), modelled on Linux {@code
 * /proc/net/xfrm_stat} (kernel {@code Documentation/networking/xfrm_proc.rst}). Every counter
 * counts <em>packets</em>, like the Linux ones. The constant order is the order of {@link
 * XfrmStats#snapshot()}; {@link #statName()} is the name shown by the CLI and exported as a metric
 * (the Linux name where there is one).
 *
 * <p>Who increments what: the SAD ({@link org.meshsec.core.sad.Sad} and {@link
 * org.meshsec.core.sad.SecurityAssociation}) counts the state-related counters it can see (no
 * state, expired or invalid state, sequence and protocol errors returned by the ESP transform,
 * LARVAL queue drops and acquire timeouts); the packet pipeline counts the policy and header
 * counters (InNoPols, InPolBlock, InTmplMismatch, OutPolBlock, InError, OutError, ...).
 */
public enum XfrmStat {
  /** All inbound errors not matched by a more specific counter. */
  IN_ERROR("XfrmInError"),
  /** No buffer (or no head/tailroom) for an inbound packet: ESP {@code NO_ROOM}. */
  IN_BUFFER_ERROR("XfrmInBufferError"),
  /** Header error: an ESP packet too short for its header, ESP {@code TRUNCATED}. */
  IN_HDR_ERROR("XfrmInHdrError"),
  /** No SA for the SPI of an inbound ESP packet (RFC 4303 section 3.4.2). */
  IN_NO_STATES("XfrmInNoStates"),
  /**
   * Transformation protocol error on an inbound packet: ICV failure (RFC 4303 section 3.4.4), bad
   * length, bad padding or pad length.
   */
  IN_STATE_PROTO_ERROR("XfrmInStateProtoError"),
  /** Sequence number error: the anti-replay check rejected the packet (RFC 4303 section 3.4.3). */
  IN_STATE_SEQ_ERROR("XfrmInStateSeqError"),
  /** The inbound packet's SA had expired (hard limit, deleted) by the time it was processed. */
  IN_STATE_EXPIRED("XfrmInStateExpired"),
  /** The inbound SA was not usable: a LARVAL SA reached outside the LARVAL queue. */
  IN_STATE_INVALID("XfrmInStateInvalid"),
  /** No inbound policy matched a packet (RFC 4301 section 5.2, step 3/4). */
  IN_NO_POLS("XfrmInNoPols"),
  /** An inbound policy said DISCARD. */
  IN_POL_BLOCK("XfrmInPolBlock"),
  /**
   * Inbound policy check failed: the decrypted inner packet does not match the SA's selector (RFC
   * 4301 section 5.2, step 4).
   */
  IN_TMPL_MISMATCH("XfrmInTmplMismatch"),
  /** All outbound errors not matched by a more specific counter (e.g. ESP {@code NO_ROOM}). */
  OUT_ERROR("XfrmOutError"),
  /**
   * No usable SA for an outbound packet and it was dropped instead of queued: the acquire queue is
   * configured off (limit 0, like Linux's {@code larval_drop} sysctl). Queued packets are not
   * counted here.
   */
  OUT_NO_STATES("XfrmOutNoStates"),
  /** Outbound sequence number space exhausted (RFC 4303 section 3.3.3). */
  OUT_STATE_SEQ_ERROR("XfrmOutStateSeqError"),
  /** The outbound SA had expired (hard limit, deleted) by the time the packet was sealed. */
  OUT_STATE_EXPIRED("XfrmOutStateExpired"),
  /**
   * No outbound policy matched a packet read from the TUN device: it is dropped (the SPD's default
   * is DISCARD, RFC 4301 section 4.4.1). (meshsec; Linux passes such packets in the clear.)
   */
  OUT_NO_POLS("XfrmOutNoPols"),
  /**
   * Outbound packets too big for the underlay path once wrapped in ESP in UDP, answered with an
   * ICMP "fragmentation needed" / ICMPv6 "packet too big" into the TUN. (meshsec)
   */
  OUT_PKT_TOO_BIG("XfrmOutPktTooBig"),
  /**
   * Packets read from the TUN device that matched a BYPASS policy: the kernel's policy routing
   * (docs/routing.md) normally keeps such traffic out of the TUN; those that still arrive (an
   * ICMP-typed bypass, no underlay route) cannot be sent in the clear from here and are dropped.
   * (meshsec)
   */
  OUT_BYPASS_DROPPED("XfrmOutBypassDropped"),
  /** An outbound policy said DISCARD. */
  OUT_POL_BLOCK("XfrmOutPolBlock"),
  /**
   * Inbound packets dropped from a LARVAL SA's queue: the oldest one when the queue is full, or all
   * queued ones when the LARVAL SA is deleted or flushed. (meshsec; Linux has no such queue.)
   */
  IN_LARVAL_QUEUE_DROPS("XfrmInLarvalQueueDrops"),
  /**
   * Inbound packets queued on a LARVAL SA (ESP that overtook the key exchange's last message, e.g.
   * IKEv1 Quick Mode (3), RFC 2409 section 5.5), cumulative: not a drop, each is delivered when the
   * SA becomes MATURE or counted again in {@link #IN_LARVAL_QUEUE_DROPS}. (meshsec)
   */
  IN_LARVAL_QUEUED("XfrmInLarvalQueued"),
  /**
   * Outbound packets dropped from a pending acquire's queue: the oldest one when the queue is full,
   * or all queued ones on flush. (meshsec; Linux's policy queue drops silently.)
   */
  OUT_LARVAL_QUEUE_DROPS("XfrmOutLarvalQueueDrops"),
  /**
   * Packets dropped because the key exchange did not finish in time: those queued on a pending
   * outbound acquire or on a LARVAL inbound SA when it timed out. (Closest Linux counter:
   * XfrmAcquireError.)
   */
  ACQUIRE_TIMEOUTS("XfrmAcquireTimeouts");

  private final String statName;

  XfrmStat(String statName) {
    this.statName = statName;
  }

  /** The name shown by the CLI and used as the metric name, e.g. {@code XfrmInNoStates}. */
  public String statName() {
    return statName;
  }
}
