package org.meshsec.ike.task;

import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.sa.IkeSa;

/**
 * Dead peer detection (RFC 7296 section 2.4): an empty INFORMATIONAL request the peer must answer.
 * The task manager's retransmission gives up if no answer comes, which makes the SA's DPD action
 * apply. The responder side is {@link Informational}.
 *
 * <pre>
 *  HDR, SK {}  -->
 *       <--  HDR, SK {}
 * </pre>
 */
public final class IkeDpd implements Task {

  /**
   * @param initiator must be true: the answer is given by {@link Informational}
   */
  public IkeDpd(boolean initiator) {
    if (!initiator) {
      throw new IllegalArgumentException("DPD requests are answered by Informational");
    }
  }

  @Override
  public TaskType type() {
    return TaskType.IKE_DPD;
  }

  @Override
  public boolean initiator() {
    return true;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.INFORMATIONAL;
  }

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) {
    return TaskStatus.NEED_MORE;
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) {
    return TaskStatus.DONE;
  }
}
