package org.meshsec.tun.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs external commands to completion with a timeout, without a shell, standard input from {@code
 * /dev/null}, capturing standard output and error (read while the command runs, so a long listing
 * never blocks it on a full pipe). Stateless and thread-safe.
 *
 * <p>Failures: {@link CommandStartException} when the program cannot be started, {@link
 * CommandFailedException} on a non-zero exit (from {@link #run}), an {@link IOException} whose
 * message says "timed out after" when the timeout passes (the command and its descendants are then
 * killed), {@link InterruptedIOException} when the calling thread is interrupted (likewise).
 */
public final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);

  /** The timeout used when none is given: long enough for any ip(8) call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private Commands() {}

  /**
   * Runs {@code argv} and waits for it.
   *
   * @throws CommandFailedException if it exits non-zero
   * @throws IOException if it cannot be started or does not finish within {@code timeout}
   */
  public static ExecResult run(Duration timeout, List<String> argv) throws IOException {
    ExecResult r = runAllowingFailure(timeout, argv);
    if (!r.ok()) {
      throw new CommandFailedException(r);
    }
    return r;
  }

  /**
   * Like {@link #run} but returns the result whatever the exit status.
   *
   * @throws IOException if it cannot be started or does not finish within {@code timeout}
   */
  public static ExecResult runAllowingFailure(Duration timeout, List<String> argv)
      throws IOException {
    return runAllowingFailure(timeout, argv, Map.of());
  }

  /**
   * Like {@link #runAllowingFailure(Duration, List)}, with {@code env} added to (or replacing
   * entries of) this JVM's environment for the command.
   *
   * @throws IOException if it cannot be started or does not finish within {@code timeout}
   */
  public static ExecResult runAllowingFailure(
      Duration timeout, List<String> argv, Map<String, String> env) throws IOException {
    log.debug("run: {}", render(argv));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(env);
    Process p = start(argv, pb);
    Drain out = Drain.start(p.getInputStream(), "stdout of " + argv.get(0), Long.MAX_VALUE);
    Drain err = Drain.start(p.getErrorStream(), "stderr of " + argv.get(0), Long.MAX_VALUE);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.kill(p.toHandle(), Duration.ZERO);
        String soFar = err.text().strip();
        throw new IOException(
            "`"
                + render(argv)
                + "` timed out after "
                + timeout
                + "; killed"
                + (soFar.isEmpty() ? "" : ". stderr so far: " + soFar));
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
   * Starts {@code argv} in the background; see {@link Background}.
   *
   * @param capture true to keep its output in memory (capped), false to let it write to this JVM's
   *     standard output and error
   * @throws CommandStartException if it cannot be started
   */
  public static Background start(List<String> argv, boolean capture) throws IOException {
    return start(argv, Map.of(), capture);
  }

  /**
   * Like {@link #start(List, boolean)}, with {@code env} added to (or replacing entries of) this
   * JVM's environment for the command.
   *
   * @throws CommandStartException if it cannot be started
   */
  public static Background start(List<String> argv, Map<String, String> env, boolean capture)
      throws IOException {
    log.debug("spawn: {}", render(argv));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(env);
    if (!capture) {
      pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    return new Background(argv, start(argv, pb), capture);
  }

  private static Process start(List<String> argv, ProcessBuilder pb) throws IOException {
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      return pb.start();
    } catch (IOException e) {
      throw new CommandStartException(argv, e);
    }
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
