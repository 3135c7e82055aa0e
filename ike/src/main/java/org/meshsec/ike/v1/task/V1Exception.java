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
  private final boolean unverified;

  private V1Exception(NotifyType notify, String reason, boolean unverified) {
    super(reason, null, false, false);
    this.notify = notify;
    this.unverified = unverified;
  }

  private V1Exception(NotifyType notify, String reason) {
    this(notify, reason, false);
  }

  /**
   * A HASH that does not verify: the message may be a forgery by anyone who saw the cookies, so the
   * exchange drops it and goes on rather than ending (RFC 2408 section 5.1 discards it).
   */
  public static V1Exception unverified(String reason) {
    return new V1Exception(NotifyType.AUTHENTICATION_FAILED, reason, true);
  }

  /** Whether this is a {@link #unverified} failure. */
  public boolean isUnverified() {
    return unverified;
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
