package org.meshsec.ike.task;

import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.IkeProtocolError;
import org.meshsec.ike.message.NotifyType;

/**
 * A typed protocol failure inside a task: the error notification to answer with, if any (RFC 7296
 * section 2.21), and a reason for the log. The {@link TaskManager} turns it into the response, or
 * into the failure of the exchange on the initiator side, in one place. Reasons name fields and
 * sizes, never key material.
 */
public final class IkeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient IkeProtocolError error;

  private IkeException(IkeProtocolError error, String reason) {
    super(reason, null, false, false);
    this.error = error;
  }

  /** A failure answered with {@code type} (no notification data). */
  public static IkeException notify(NotifyType type, String reason) {
    return new IkeException(IkeProtocolError.of(type), reason);
  }

  /** A failure answered with {@code type} and {@code data}. */
  public static IkeException notify(NotifyType type, Bytes data, String reason) {
    return new IkeException(new IkeProtocolError(type, data), reason);
  }

  /** A failure answered with the given error. */
  public static IkeException of(IkeProtocolError error, String reason) {
    return new IkeException(error, reason);
  }

  /** A failure that is not reported to the peer. */
  public static IkeException silent(String reason) {
    return new IkeException(null, reason);
  }

  /** The notification to send, if any. */
  public Optional<IkeProtocolError> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public String toString() {
    return getMessage() + (error != null ? " (" + error + ")" : "");
  }
}
