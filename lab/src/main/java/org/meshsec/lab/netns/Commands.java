package org.meshsec.lab.netns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs external commands to completion with a timeout, capturing their output. Stateless and
 * thread-safe.
 */
public final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);

  /** The timeout used when none is given: long enough for any ip(8) call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private Commands() {}

  /**
   * Runs {@code argv} and waits for it.
   *
   * @throws CommandFailedException if it exits non-zero (the message names command, status and
   *     stderr)
   * @throws IOException if it cannot be started or does not finish within {@code timeout} (it is
   *     then killed, with its descendants)
   */
  public static ExecResult run(Duration timeout, List<String> argv) throws IOException {
    ExecResult r = runAllowingFailure(timeout, argv);
    if (!r.ok()) {
      throw new CommandFailedException(r);
    }
    return r;
  }

  /** Like {@link #run} but returns the result whatever the exit status. */
  public static ExecResult runAllowingFailure(Duration timeout, List<String> argv)
      throws IOException {
    log.debug("run: {}", render(argv));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot start `" + render(argv) + "`: " + e.getMessage(), e);
    }
    Drain out = Drain.start(p.getInputStream(), "stdout of " + argv.get(0), Long.MAX_VALUE);
    Drain err = Drain.start(p.getErrorStream(), "stderr of " + argv.get(0), Long.MAX_VALUE);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.kill(p.toHandle(), Duration.ZERO);
        throw new IOException(
            "`"
                + render(argv)
                + "` did not finish within "
                + timeout.toMillis()
                + " ms; killed. stderr so far: "
                + err.text().strip());
      }
      out.join(timeout);
      err.join(timeout);
    } catch (InterruptedException e) {
      Processes.kill(p.toHandle(), Duration.ZERO);
      Thread.currentThread().interrupt();
      InterruptedIOException iioe =
          new InterruptedIOException("interrupted while running `" + render(argv) + "`");
      iioe.initCause(e);
      throw iioe;
    }
    return new ExecResult(argv, p.exitValue(), out.text(), err.text());
  }

  /**
   * The command as a shell-like string, for messages and logs. Arguments longer than 200 characters
   * (class paths) are shortened.
   */
  public static String render(List<String> argv) {
    return argv.stream()
        .map(a -> a.length() > 200 ? a.substring(0, 60) + "...(" + a.length() + " chars)" : a)
        .map(a -> a.isEmpty() || a.matches(".*[\\s'\"$\\\\].*") ? "'" + a + "'" : a)
        .collect(Collectors.joining(" "));
  }

  /**
   * Copies a stream into memory on a daemon thread. Keeps at most {@code cap} bytes; later output
   * is dropped (and counted) so a chatty background process cannot exhaust the heap.
   */
  static final class Drain implements Runnable {
    private final InputStream in;
    private final long cap;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private long dropped;
    private final Thread thread;

    private Drain(InputStream in, String name, long cap) {
      this.in = in;
      this.cap = cap;
      this.thread = new Thread(this, "drain " + name);
      thread.setDaemon(true);
    }

    static Drain start(InputStream in, String name, long cap) {
      Drain d = new Drain(in, name, cap);
      d.thread.start();
      return d;
    }

    @Override
    public void run() {
      byte[] b = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(b)) >= 0) {
          synchronized (this) {
            int keep = (int) Math.max(0, Math.min(n, cap - buf.size()));
            buf.write(b, 0, keep);
            dropped += n - keep;
          }
        }
      } catch (IOException e) {
        // stream closed under us (process killed): keep what we have
      }
    }

    void join(Duration timeout) throws InterruptedException {
      thread.join(Math.max(1, timeout.toMillis()));
    }

    boolean finished() {
      return !thread.isAlive();
    }

    synchronized String text() {
      String s = buf.toString(StandardCharsets.UTF_8);
      return dropped == 0 ? s : s + "\n[" + dropped + " bytes of output dropped]\n";
    }
  }
}
