package org.meshsec.ike.task;

import org.meshsec.ike.message.DeletePayload;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.sa.ChildSa;
import org.meshsec.ike.sa.IkeSa;
import org.meshsec.ike.sa.IkeSaState;

/**
 * Deletes the IKE SA and, with it, its Child SAs (RFC 7296 section 1.4.1):
 *
 * <pre>
 *  HDR, SK {D(IKE)}  -->
 *              <--  HDR, SK {}
 * </pre>
 *
 * The initiator destroys the SA when the (empty) answer arrives, or when the request times out; the
 * responder destroys it right after sending the answer. Child SAs that an IKE rekey moved to the
 * new SA are not touched.
 */
public final class IkeDelete implements Task {
  private final boolean initiator;

  /**
   * @param initiator the variant
   */
  public IkeDelete(boolean initiator) {
    this.initiator = initiator;
  }

  @Override
  public TaskType type() {
    return TaskType.IKE_DELETE;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.INFORMATIONAL;
  }

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) {
    if (!initiator) {
      return TaskStatus.DONE;
    }
    sa.setState(IkeSaState.DELETING);
    for (ChildSa c : sa.children()) {
      sa.stopSending(c); // the peer drops the pairs when our Delete arrives
    }
    out.add(DeletePayload.ikeSa());
    return TaskStatus.NEED_MORE;
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) {
    if (initiator) {
      sa.destroy("deleted");
      return TaskStatus.DONE;
    }
    return TaskStatus.NEED_MORE;
  }

  @Override
  public void afterResponse(IkeSa sa) {
    sa.destroy("deleted by the peer");
  }
}
