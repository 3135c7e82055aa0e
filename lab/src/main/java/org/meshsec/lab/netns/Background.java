package org.meshsec.lab.netns;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command running in the background (usually inside a namespace, see {@link
 * Netns#spawn(String...)}). {@link #close()} stops it: SIGTERM to it and its descendants, then
 * SIGKILL after a grace period. A {@link Topology} closes every background process it started
 * before it deletes namespaces.
 *
 * <p>Output is either captured in memory (at most 8 MiB per stream; read it with {@link #stdout()},
 * {@link #stderr()}, {@link #awaitOutput}) or inherited from this JVM.
 *
 * <p>Thread-safe.
 */
public final class Background implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Background.class);
  private static final long CAPTURE_CAP = 8L << 20;

  /** How long {@link #close()} waits after SIGTERM before SIGKILL. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(3);

  private final List<String> command;
  private final Process process;
  private final Commands.Drain out;
  private final Commands.Drain err;
  private volatile boolean closed;

  private Background(List<String> command, Process process, boolean capture) {
    this.command = List.copyOf(command);
    this.process = process;
    this.out = capture ? Commands.Drain.start(process.getInputStream(), "bg", CAPTURE_CAP) : null;
    this.err = capture ? Commands.Drain.start(process.getErrorStream(), "bg", CAPTURE_CAP) : null;
  }

  /** Starts {@code argv}; {@code capture} false means stdout/stderr go to this JVM's. */
  static Background start(List<String> argv, boolean capture) throws IOException {
    log.debug("spawn: {}", Commands.render(argv));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    if (!capture) {
      pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    try {
      return new Background(argv, pb.start(), capture);
    } catch (IOException e) {
      throw new IOException("cannot start `" + Commands.render(argv) + "`: " + e.getMessage(), e);
    }
  }

  /** The argv that was started. */
  public List<String> command() {
    return command;
  }

  /** The underlying process. */
  public Process process() {
    return process;
  }

  /** Its pid (with {@code ip netns exec} this is the command itself: ip exec()s it). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Captured standard output so far ("" when output is inherited). */
  public String stdout() {
    return out == null ? "" : out.text();
  }

  /** Captured standard error so far ("" when output is inherited). */
  public String stderr() {
    return err == null ? "" : err.text();
  }

  /**
   * Waits until stdout or stderr contains {@code needle}. Returns false on timeout, or as soon as
   * the process has exited without printing it.
   */
  public boolean awaitOutput(String needle, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (stdout().contains(needle) || stderr().contains(needle)) {
        return true;
      }
      boolean drained = out == null || (out.finished() && err.finished());
      if (!process.isAlive() && drained) {
        return stdout().contains(needle) || stderr().contains(needle);
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits for the process to exit by itself and returns its result (whatever the exit status).
   *
   * @throws IOException if it is still running after {@code timeout} (it is left running)
   */
  public ExecResult waitFor(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException(
          "`" + Commands.render(command) + "` still running after " + timeout.toMillis() + " ms");
    }
    if (out != null) {
      out.join(Duration.ofSeconds(5));
      err.join(Duration.ofSeconds(5));
    }
    return new ExecResult(command, process.exitValue(), stdout(), stderr());
  }

  /** Stops the process and its descendants (SIGTERM, then SIGKILL after {@link #STOP_GRACE}). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (process.isAlive()) {
      log.debug("stopping pid {}: {}", process.pid(), Commands.render(command));
      Processes.kill(process.toHandle(), STOP_GRACE);
    }
  }

  @Override
  public String toString() {
    return "Background[pid " + process.pid() + ": " + Commands.render(command) + "]";
  }
}
