package org.meshsec.ike.v1.task;

import java.util.List;
import org.meshsec.ike.task.TaskStatus;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.Payload;

/**
 * One job on an ISAKMP SA, spread over the messages of one IKEv1 exchange (strongSwan's {@code
 * task_t} as used by {@code sa/ikev1/tasks}). The variant is fixed at construction. Unlike IKEv2,
 * an IKEv1 exchange is not request/response pairs: Main Mode is six messages, three from each side,
 * so a task alternates {@link #build} and {@link #process} for as long as it returns NEED_MORE, the
 * initiator starting with build, the responder with process.
 *
 * <p>Tasks run only on their SA's executor and are not thread-safe.
 */
public interface V1Task {

  /** Whether this is the initiator variant. */
  boolean initiator();

  /** The exchange this task runs. */
  ExchangeType exchange();

  /**
   * Adds this task's payloads to the next outgoing message.
   *
   * @return DONE when the exchange is complete after this message, NEED_MORE otherwise
   * @throws V1Exception a protocol failure, answered with its notification if it has one
   */
  TaskStatus build(Phase1State sa, List<Payload> out) throws V1Exception;

  /**
   * Reads this task's payloads of a received (already decrypted) message.
   *
   * @return DONE when the exchange is complete with this message, NEED_MORE otherwise
   * @throws V1Exception a protocol failure, answered with its notification if it has one
   */
  TaskStatus process(Phase1State sa, IsakmpMessage in) throws V1Exception;
}
