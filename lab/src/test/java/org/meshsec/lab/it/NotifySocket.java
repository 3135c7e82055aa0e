package org.meshsec.lab.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.meshsec.tun.Errno;
import org.meshsec.tun.Native;
import org.meshsec.tun.NativeIoException;

/**
 * systemd's end of sd_notify(3) for tests: an AF_UNIX datagram socket bound to a path (the
 * NOTIFY_SOCKET to hand to the code under test), read through tun's libc facade since the JDK has
 * no AF_UNIX datagram sockets. The path lives in the file system, so a daemon in any network
 * namespace reaches it. Core's tests have the same helper ({@code FakeNotifySocket}); lab does not
 * see core's test classes. A thread of its own reads the socket all the time (a datagram socket's
 * queue is short, and the test thread is busy elsewhere at times); {@link #receive} takes what it
 * read. Thread-safe.
 */
final class NotifySocket implements AutoCloseable {
  final Path path;
  private final int fd;
  private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile boolean open = true;

  NotifySocket(Path path) throws NativeIoException {
    this.path = path;
    this.fd = Native.socket(Native.AF_UNIX, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
    try {
      Native.bind(fd, Native.sockaddrUn(path.toString()), path.toString());
    } catch (NativeIoException e) {
      Native.close(fd);
      throw e;
    }
    reader = new Thread(this::readLoop, "notify-socket-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The next datagram, or null when none arrives within {@code timeout}. */
  String receive(Duration timeout) {
    try {
      return heard.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Reads the socket until closed: the sender never finds the queue full while a test waits. */
  private void readLoop() {
    while (open) {
      String m = readOne(Duration.ofMillis(100));
      if (m != null) {
        heard.add(m);
      }
    }
  }

  private String readOne(Duration timeout) {
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
    open = false;
    reader.join(5000);
    Native.close(fd);
    Files.deleteIfExists(path);
  }
}
