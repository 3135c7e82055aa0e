package org.meshsec.ike.sa;

import java.net.InetSocketAddress;
import java.util.List;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.NotifyPayload;

/**
 * The exchanges of one IKE SA, as the SA and the engine ask for them: each method queues the task
 * for one job (RFC 7296 section 1: IKE_SA_INIT and IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL) and
 * starts it when the window is free; the rekeys, the liveness check, the IKE SA's delete and a
 * Child SA's creation are not queued twice. Implemented by the task manager of package {@code
 * org.meshsec.ike.task} and made by a {@link TaskFactory}, so that this package does not depend on
 * the task classes.
 *
 * <p>Not thread-safe: called only on the SA's executor.
 */
public interface IkeSaTasks {

  /** Handles a datagram the engine matched to the SA (its SPIs checked). */
  void receive(
      byte[] datagram, IkeHeader header, InetSocketAddress local, InetSocketAddress remote);

  /**
   * Original initiator: IKE_SA_INIT, then IKE_AUTH with the first of {@code children}, then a
   * CREATE_CHILD_SA for each other one.
   */
  void connect(List<ChildConfig> children);

  /** Responder of a new SA: answers IKE_SA_INIT, then IKE_AUTH with its Child SA. */
  void respondToConnect();

  /** Rekeys the IKE SA (section 2.18). */
  void rekeyIke();

  /** Checks the peer's liveness with an empty INFORMATIONAL (section 2.4). */
  void checkLiveness();

  /** Deletes the IKE SA (section 1.4.1). */
  void deleteIke();

  /** Creates a Child SA of {@code config} unless one is being created by us. */
  void createChild(ChildConfig config);

  /** Rekeys {@code child} (section 1.3.3) unless we are rekeying it already. */
  void rekeyChild(ChildSa child);

  /** Deletes the pairs (section 1.4.1). */
  void deleteChildren(List<ChildSa> children);

  /** Sends one notification in an INFORMATIONAL request (e.g. INVALID_SPI, section 2.21.4). */
  void inform(NotifyPayload notify);

  /**
   * Moves queued Child SA work to {@code heir}, the SA that replaced this one (strongSwan's
   * adopt_tasks), and starts it there; tasks about this IKE SA itself stay.
   */
  void moveQueuedTo(IkeSaTasks heir);

  /** The SA is going away: stops retransmitting and aborts every task. */
  void abortAll();

  /**
   * Whether no exchange is under way in either direction: no request of ours outstanding, no
   * initiator task started and no responder task waiting for more, so that the Message IDs alone
   * say where the SA stands (a hot restart carries only them over, {@link IkeSaSnapshot}).
   */
  boolean quiet();

  /** The Message ID of our next request (section 2.2). */
  long nextRequestId();

  /** The Message ID expected in the peer's next request. */
  long nextResponseId();

  /**
   * A resumed SA (hot restart): continues with these Message IDs, with no cached response to resend
   * (a retransmission of the peer's last request is dropped; the peer then retries as for a lost
   * response, section 2.1).
   */
  void resumeMessageIds(long nextRequest, long nextResponse);
}
