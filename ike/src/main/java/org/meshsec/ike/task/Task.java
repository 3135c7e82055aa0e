package org.meshsec.ike.task;

import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.sa.IkeSa;

/**
 * One job on an IKE SA, spread over one or more exchanges (STYLE point 1; strongSwan's {@code
 * task_t}). The variant is fixed at construction: an initiator task {@link #build}s a request and
 * {@link #process}es the response; a responder task {@link #process}es a request and {@link
 * #build}s the response. Several tasks can share one exchange (IKE_AUTH carries {@link IkeAuth} and
 * {@link ChildCreate}); each adds and reads its own payloads.
 *
 * <p>Tasks run only on their IKE SA's executor and are not thread-safe. They receive the SA as a
 * parameter, so a queued task can move to the SA that replaces its own (IKE rekey).
 */
public interface Task {

  /** What kind of task this is. */
  TaskType type();

  /** Whether this is the initiator variant. */
  boolean initiator();

  /** The exchange of the task's next message. */
  ExchangeType exchange();

  /**
   * Adds this task's payloads to a request (initiator) or response (responder).
   *
   * @return DONE when the task needs nothing more (an initiator that returns DONE here sends
   *     nothing), NEED_MORE to wait for the response or send another round, FAILED
   * @throws IkeException a protocol failure; a responder's is answered with its notification
   */
  TaskStatus build(IkeSa sa, OutMessage out) throws IkeException;

  /**
   * Reads this task's payloads of a response (initiator) or request (responder).
   *
   * @throws IkeException a protocol failure; a responder's is answered with its notification
   */
  TaskStatus process(IkeSa sa, Message in) throws IkeException;

  /**
   * Responder only: the response this task helped build has been sent (strongSwan's post_build). An
   * IKE SA deleted by the peer is destroyed here, after the response went out under its keys.
   */
  default void afterResponse(IkeSa sa) {}

  /** The IKE SA is going away with this task unfinished: release what it reserved. */
  default void abort(IkeSa sa) {}
}
