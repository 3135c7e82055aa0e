package org.meshsec.tun;

import java.io.IOException;

/**
 * A failed system call: names the call and its errno, in the shape of Netty's {@code
 * Errors.NativeIoException}, e.g. {@code ioctl(TUNSETIFF) failed: EPERM (1): Operation not
 * permitted}, optionally followed by {@code -- } and a hint telling the operator how to fix it.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class NativeIoException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String syscall;
  private final int errno;

  /**
   * @param syscall the call and, in parentheses, what it was applied to, e.g. {@code
   *     ioctl(TUNSETIFF)} or {@code open(/dev/net/tun)}
   * @param errno the positive errno value
   * @param description the C library's text for {@code errno} ({@code strerror}), may be null
   * @param hint what the operator should do about it, may be null
   */
  public NativeIoException(String syscall, int errno, String description, String hint) {
    super(message(syscall, errno, description, hint));
    this.syscall = syscall;
    this.errno = errno;
  }

  private static String message(String syscall, int errno, String description, String hint) {
    StringBuilder sb = new StringBuilder(96);
    String name = Errno.name(errno);
    sb.append(syscall).append(" failed: ").append(name);
    if (!name.startsWith("errno")) {
      sb.append(" (").append(errno).append(')');
    }
    if (description != null && !description.isEmpty()) {
      sb.append(": ").append(description);
    }
    if (hint != null && !hint.isEmpty()) {
      sb.append(" -- ").append(hint);
    }
    return sb.toString();
  }

  /** The system call as named in the message, e.g. {@code ioctl(TUNSETIFF)}. */
  public String syscall() {
    return syscall;
  }

  /** The positive errno value the call failed with. */
  public int errno() {
    return errno;
  }
}
