package org.meshsec.ike.sa;

/**
 * Hears the lifecycle of the engine's IKE SAs, so that a caller can wait for a negotiation to
 * complete or fail without polling {@link IkeEngine#list()}: the daemon's {@code initiate}, {@code
 * terminate} and {@code rekey} commands, metrics, logs.
 *
 * <p>Called on the IKE SA's executor (one SA's events arrive in order; different SAs' events may
 * interleave across threads). Implementations must be quick, thread-safe and must not throw; an
 * exception is logged and otherwise ignored.
 */
public interface IkeListener {

  /**
   * The SA's state or its set of Child SAs (by inbound SPI and state) changed; {@code info} is the
   * snapshot taken after the change. Established SAs with their installed children arrive here.
   */
  default void ikeSaChanged(IkeSaInfo info) {}

  /**
   * The SA is gone. {@code last} is its final snapshot (state DESTROYED); {@code reason} says why
   * in words for an operator ("deleted by the peer", "IKE_AUTH failed", "peer dead: ...").
   */
  default void ikeSaDestroyed(IkeSaInfo last, String reason) {}

  /**
   * An exchange this side initiated on the SA has completed: its response arrived and was processed
   * (successfully or not; the state in {@code info}, taken after processing, tells which). {@code
   * exchange} names it as the RFC does ("IKE_SA_INIT", "IKE_AUTH", "CREATE_CHILD_SA",
   * "INFORMATIONAL"; for IKEv1 "Main Mode", "Aggressive Mode", "Quick Mode"). Heard before the
   * {@link #ikeSaChanged} of the same step, so a waiting caller can show progress (the daemon's
   * {@code initiate}, {@code terminate} and {@code rekey} stream it to the CLI).
   */
  default void exchangeDone(IkeSaInfo info, String exchange) {}

  /**
   * A Child SA we initiated on {@code sa} could not be negotiated (IKEv1 Quick Mode: the peer
   * refused it with {@code reason}, e.g. "peer sent NO-PROPOSAL-CHOSEN", or it timed out); the IKE
   * SA stays.
   */
  default void childSaFailed(IkeSaInfo sa, String child, String reason) {}

  /** A listener that hears nothing. */
  IkeListener NONE = new IkeListener() {};
}
