package org.meshsec.core.control;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.meshsec.tun.Errno;
import org.meshsec.tun.Native;
import org.meshsec.tun.NativeIoException;

/**
 * Who, if anyone, serves a Unix stream socket path: connects to it (non-blocking) and, when a
 * listener accepts, asks the kernel for the listener's credentials with {@code SO_PEERCRED}
 * (unix(7): the credentials of the process that called listen(2)). A path nobody listens on
 * (ECONNREFUSED) is stale: the socket file of a process that died. Runs through tun's libc facade
 * because the JDK neither reports a peer's pid nor connects without blocking on a full backlog.
 *
 * <p>Stateless; thread-safe.
 */
public final class ControlSocketProbe {

  /** What is at the path. */
  public sealed interface Result {}

  /** Nothing at the path. */
  public record Absent() implements Result {}

  /** A socket file that nobody listens on: left by a process that exited without removing it. */
  public record Stale() implements Result {}

  /**
   * A live listener.
   *
   * @param pid its process id (0 when the kernel could not say, e.g. another pid namespace)
   * @param uid its user id (-1 when unknown)
   */
  public record Live(int pid, int uid) implements Result {
    /** "pid 1234, uid 0", for messages. */
    public String describe() {
      return (pid > 0 ? "pid " + pid : "pid unknown") + (uid >= 0 ? ", uid " + uid : "");
    }
  }

  private ControlSocketProbe() {}

  /**
   * Probes {@code path}.
   *
   * @throws NativeIoException when the probe itself fails (no socket, EACCES on the path, or a path
   *     too long for a Unix socket)
   */
  public static Result probe(Path path) throws NativeIoException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return new Absent();
    }
    byte[] addr;
    try {
      addr = Native.sockaddrUn(path.toString());
    } catch (IllegalArgumentException e) {
      throw new NativeIoException("connect(" + path + ")", Errno.EINVAL, e.getMessage(), null);
    }
    int fd =
        Native.socket(
            Native.AF_UNIX, Native.SOCK_STREAM | Native.SOCK_CLOEXEC | Native.SOCK_NONBLOCK, 0);
    try {
      int res = Native.connect(fd, addr);
      if (res == -Errno.ECONNREFUSED) {
        return new Stale();
      }
      if (res == -Errno.ENOENT) {
        return new Absent();
      }
      if (res == -Errno.EAGAIN) {
        return new Live(0, -1); // a listener whose backlog is full: alive, too busy to say who
      }
      if (res < 0) {
        throw Native.newIoException("connect(" + path + ")", -res, null);
      }
      byte[] cred = new byte[Native.UCRED_SIZE];
      Native.getsockopt(fd, Native.SOL_SOCKET, Native.SO_PEERCRED, cred, "SO_PEERCRED");
      ByteBuffer b = ByteBuffer.wrap(cred).order(ByteOrder.nativeOrder());
      return new Live(b.getInt(0), b.getInt(4));
    } finally {
      Native.close(fd);
    }
  }
}
