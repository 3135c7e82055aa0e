package org.meshsec.lab.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.meshsec.core.control.ControlClient;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.tun.exec.Background;

/**
 * A {@code meshsec run} daemon in its own JVM inside a network namespace, for the demo, the
 * namespace tests and the end-to-end benchmark. The child runs with this JVM's java binary and
 * class path ({@link Jvm}), so it runs exactly the code under test.
 *
 * <p>Not thread-safe; one owner.
 */
public final class NodeProcess implements AutoCloseable {
  private final Netns ns;
  private final Path config;
  private final Path socket;
  private final List<String> jvmOptions;
  private Background process;

  private NodeProcess(Netns ns, Path config, Path socket, List<String> jvmOptions) {
    this.ns = ns;
    this.config = config;
    this.socket = socket;
    this.jvmOptions = jvmOptions;
  }

  /**
   * Starts {@code meshsec run --config CONFIG --socket SOCKET} in {@code ns} and waits until its
   * control socket answers {@code status} (the data path is up), or fails with the child's output.
   */
  public static NodeProcess start(
      Netns ns, Path config, Path socket, Duration timeout, String... jvmOptions)
      throws IOException, InterruptedException {
    NodeProcess n = new NodeProcess(ns, config, socket, List.of(jvmOptions));
    n.launch(timeout);
    return n;
  }

  private void launch(Duration timeout) throws IOException, InterruptedException {
    Files.deleteIfExists(socket);
    List<String> cmd = Jvm.base(jvmOptions.toArray(String[]::new));
    cmd.add(Jvm.DAEMON_MAIN);
    cmd.add("run");
    cmd.add("--config");
    cmd.add(config.toString());
    cmd.add("--socket");
    cmd.add(socket.toString());
    process = ns.spawn(cmd.toArray(String[]::new));
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "meshsec run in "
                + ns.name()
                + " exited with "
                + process.process().exitValue()
                + ": "
                + process.stderr()
                + process.stdout());
      }
      if (Files.exists(socket)) {
        try {
          if (ControlClient.call(socket, new ControlRequest.Status(false)).ok()) {
            return;
          }
        } catch (IOException e) {
          last = e;
        }
      }
      Thread.sleep(50);
    }
    String out = process.stderr() + process.stdout();
    process.close();
    throw new IOException(
        "meshsec run in " + ns.name() + " not ready after " + timeout + ": " + out, last);
  }

  /** Sends a control request ({@code status}, {@code sa-list --json}, {@code reload}, ...). */
  public ControlResponse control(ControlRequest request) throws IOException {
    return ControlClient.call(socket, request);
  }

  /** Restarts the daemon after {@link #kill9()} or {@link #stop()}. */
  public void restart(Duration timeout) throws IOException, InterruptedException {
    launch(timeout);
  }

  /** SIGKILL: no clean-up at all, as a crash or the OOM killer would do. */
  public void kill9() throws InterruptedException {
    process.process().destroyForcibly();
    process.process().waitFor();
  }

  /**
   * A stop for restart, as {@code meshsec stop --for-restart} asks it through the control socket:
   * the daemon writes its hot-restart state file and exits without deleting its SAs with the peers.
   * Waits for the exit; returns the exit code.
   *
   * @throws IOException when the daemon refuses the stop or does not exit within {@code timeout}
   */
  public int stopForRestart(Duration timeout) throws IOException, InterruptedException {
    ControlResponse r = control(new ControlRequest.Stop(true, false));
    if (!r.ok()) {
      throw new IOException("meshsec refused to stop for restart: " + r.body());
    }
    if (!process
        .process()
        .waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new IOException("meshsec did not exit after stop --for-restart within " + timeout);
    }
    return process.process().exitValue();
  }

  /** SIGTERM and wait (SIGKILL after a grace period). Returns the exit code. */
  public int stop() throws InterruptedException {
    process.close();
    return process.process().waitFor();
  }

  /** Everything the daemon printed so far (its log). */
  public String output() {
    return process == null ? "" : process.stdout() + process.stderr();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Netns namespace() {
    return ns;
  }

  public Path socket() {
    return socket;
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
