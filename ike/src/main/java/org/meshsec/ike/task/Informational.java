package org.meshsec.ike.task;

import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.sa.IkeSa;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an INFORMATIONAL request that deletes nothing (RFC 7296 section 1.4): a liveness check
 * (empty) or notifications, which are logged; AUTHENTICATION_FAILED from the initiator (it could
 * not verify our IKE_AUTH response, section 2.21.2) removes the SA after the answer. The answer is
 * empty. Also the initiator of a single notification such as INVALID_SPI (section 2.21.4).
 */
public final class Informational implements Task {
  private static final Logger log = LoggerFactory.getLogger(Informational.class);

  private final NotifyPayload notify;
  private boolean peerGaveUp;

  /** Responder. */
  public Informational() {
    this.notify = null;
  }

  /** Initiator: sends {@code notify} alone. */
  public Informational(NotifyPayload notify) {
    this.notify = notify;
  }

  @Override
  public TaskType type() {
    return TaskType.INFORMATIONAL;
  }

  @Override
  public boolean initiator() {
    return notify != null;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.INFORMATIONAL;
  }

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) {
    if (notify != null) {
      out.add(notify);
      return TaskStatus.NEED_MORE;
    }
    return TaskStatus.DONE;
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) {
    if (notify != null) {
      return TaskStatus.DONE;
    }
    for (NotifyPayload n : in.all(NotifyPayload.class)) {
      if (n.notifyType().equals(NotifyType.AUTHENTICATION_FAILED)) {
        peerGaveUp = true; // the initiator could not authenticate us (section 2.21.2)
      }
      if (n.notifyType().equals(NotifyType.AUTHENTICATION_FAILED)) {
        log.warn("{}: peer reports AUTHENTICATION_FAILED: it could not authenticate us", sa);
      } else if (n.notifyType().value() < NotifyType.FIRST_STATUS_TYPE) {
        log.info("{}: peer reports {} (SPI {})", sa, n.notifyType(), n.spi());
      } else {
        log.debug("{}: peer notifies {}", sa, n.notifyType());
      }
    }
    return TaskStatus.NEED_MORE;
  }

  @Override
  public void afterResponse(IkeSa sa) {
    if (peerGaveUp) {
      sa.destroy("the peer could not authenticate us");
    }
  }
}
