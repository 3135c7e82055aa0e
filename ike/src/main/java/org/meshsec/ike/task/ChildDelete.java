package org.meshsec.ike.task;

import java.util.ArrayList;
import java.util.List;
import org.meshsec.ike.message.DeletePayload;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.ProtocolId;
import org.meshsec.ike.sa.ChildSa;
import org.meshsec.ike.sa.ChildSaState;
import org.meshsec.ike.sa.IkeSa;

/**
 * Deletes Child SA pairs (RFC 7296 section 1.4.1) in an INFORMATIONAL exchange:
 *
 * <pre>
 *  HDR, SK {D(ESP, our inbound SPIs)}  -->
 *                   <--  HDR, SK {D(ESP, the responder's inbound SPIs of the same pairs)}
 * </pre>
 *
 * The responder removes the pairs named by the peer's inbound SPIs (our outbound ones) and answers
 * with its own inbound SPIs, including pairs it is itself deleting (simultaneous deletes, section
 * 1.4.1: "the responder ... SHOULD include the SPIs of the SAs it deletes in its response").
 * Unknown SPIs are ignored. The initiator stops sending on the pairs' outbound SAs when it sends
 * the request ({@link IkeSa#stopSending}) and removes the pairs when the answer arrives.
 */
public final class ChildDelete implements Task {
  private final boolean initiator;
  private final List<ChildSa> children = new ArrayList<>();

  /** Initiator: deletes {@code pairs}. */
  public ChildDelete(List<ChildSa> pairs) {
    this.initiator = true;
    this.children.addAll(pairs);
  }

  private ChildDelete() {
    this.initiator = false;
  }

  /** Responder. */
  public static ChildDelete responder() {
    return new ChildDelete();
  }

  @Override
  public TaskType type() {
    return TaskType.CHILD_DELETE;
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
      if (!children.isEmpty()) {
        out.add(DeletePayload.childSas(ProtocolId.ESP, spis()));
      }
      return TaskStatus.DONE;
    }
    children.removeIf(
        c -> c.state() == ChildSaState.DELETED || sa.childByInbound(c.inboundSpi()).isEmpty());
    if (children.isEmpty()) {
      return TaskStatus.DONE;
    }
    for (ChildSa c : children) {
      c.setState(ChildSaState.DELETING);
      sa.stopSending(c);
    }
    out.add(DeletePayload.childSas(ProtocolId.ESP, spis()));
    return TaskStatus.NEED_MORE;
  }

  private int[] spis() {
    return children.stream().mapToInt(ChildSa::inboundSpi).toArray();
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) {
    if (initiator) {
      for (ChildSa c : children) {
        sa.removeChild(c, true);
      }
      return TaskStatus.DONE;
    }
    for (DeletePayload d : in.all(DeletePayload.class)) {
      if (!d.protocolId().equals(ProtocolId.ESP)) {
        continue;
      }
      for (int spi : d.childSpis()) {
        sa.childByOutbound(spi)
            .ifPresent(
                c -> {
                  children.add(c);
                  sa.removeChild(c, true);
                });
      }
    }
    return TaskStatus.NEED_MORE;
  }

  @Override
  public void abort(IkeSa sa) {
    if (initiator) {
      for (ChildSa c : children) {
        if (c.state() == ChildSaState.DELETING) {
          c.setState(ChildSaState.INSTALLED);
        }
      }
    }
  }
}
