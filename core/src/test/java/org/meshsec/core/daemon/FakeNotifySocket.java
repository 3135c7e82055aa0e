package org.meshsec.core.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.tun.Errno;
import org.meshsec.tun.Native;
import org.meshsec.tun.NativeIoException;

/**
 * systemd's end of sd_notify(3) for tests: an AF_UNIX datagram socket bound to a path (the
 * NOTIFY_SOCKET to hand to the code under test), read through tun's libc facade since the JDK has
 * no AF_UNIX datagram sockets. Not thread-safe: one reader.
 */
final class FakeNotifySocket implements AutoCloseable {
  final Path path;
  private final int fd;

  FakeNotifySocket(Path path) throws NativeIoException {
    this.path = path;
    this.fd = Native.socket(Native.AF_UNIX, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
    try {
      Native.bind(fd, Native.sockaddrUn(path.toString()), path.toString());
    } catch (NativeIoException e) {
      Native.close(fd);
      throw e;
    }
  }

  /** The next datagram, or null when none arrives within {@code timeout}. */
  String receive(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[4096];
    for (; ; ) {
      long n =
          Native.recvfrom(fd, buf, buf.length, Native.MSG_DONTWAIT, new byte[128], new int[] {128});
      if (n >= 0) {
        return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
      }
      if (n != -Errno.EAGAIN && n != -Errno.EINTR) {
        throw new IllegalStateException("recvfrom: " + Errno.name((int) -n));
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      byte[] pfd = new byte[Native.POLLFD_SIZE];
      pfd[0] = (byte) fd;
      pfd[1] = (byte) (fd >> 8);
      pfd[2] = (byte) (fd >> 16);
      pfd[3] = (byte) (fd >> 24);
      pfd[4] = (byte) Native.POLLIN;
      Native.poll(pfd, 1, (int) Math.max(1, left / 1_000_000));
    }
  }

  /** Every datagram that arrives within {@code window}. */
  List<String> receiveFor(Duration window) {
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    for (; ; ) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return out;
      }
      String m = receive(Duration.ofNanos(left));
      if (m != null) {
        out.add(m);
      }
    }
  }

  @Override
  public void close() throws Exception {
    Native.close(fd);
    Files.deleteIfExists(path);
  }
}
