package org.meshsec.ike.v1.task;

import java.util.Optional;
import org.meshsec.ike.v1.message.NotifyType;

/**
 * A typed protocol failure inside an IKEv1 task: the notification to answer with, if any (RFC 2408
 * section 5 names one per check), and a reason for the log. Reasons name fields and sizes, never
 * key material.
 */
public final class V1Exception extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient NotifyType notify;

  private V1Exception(NotifyType notify, String reason) {
    super(reason, null, false, false);
    this.notify = notify;
  }

  /** A failure answered with {@code type}. */
  public static V1Exception notify(NotifyType type, String reason) {
    return new V1Exception(type, reason);
  }

  /** A failure that is not reported to the peer. */
  public static V1Exception silent(String reason) {
    return new V1Exception(null, reason);
  }

  /** The notification to send, if any. */
  public Optional<NotifyType> notifyType() {
    return Optional.ofNullable(notify);
  }

  @Override
  public String toString() {
    return getMessage() + (notify != null ? " (" + notify + ")" : "");
  }
}
