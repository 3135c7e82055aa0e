package org.meshsec.lab.it;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meshsec.core.control.ControlClient;
import org.meshsec.core.control.ControlJson;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.tun.exec.Background;

/**
 * One {@code meshsec run} in its own JVM inside a namespace. Unlike {@link
 * org.meshsec.lab.netns.NodeProcess} it never deletes the control socket itself before a start, so
 * a restart after {@code kill -9} proves that the daemon copes with the stale socket file.
 *
 * <p>Not to be confused with core's in-process test node ({@code
 * core/src/test/java/org/meshsec/core/datapath/Node.java}: a DataPath wired to queues, no daemon,
 * no namespace).
 *
 * <p>Not thread-safe; one owner (the test).
 */
final class NamespaceDaemon implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final String name;
  final Netns ns;
  final Path config;
  final Path socket;
  private final Map<String, String> env;
  private Background process;
  private final StringBuilder previousOutput = new StringBuilder();

  private NamespaceDaemon(
      String name, Netns ns, Path config, Path socket, Map<String, String> env) {
    this.name = name;
    this.ns = ns;
    this.config = config;
    this.socket = socket;
    this.env = Map.copyOf(env);
  }

  /** Starts the daemon and waits until its control socket answers {@code status}. */
  static NamespaceDaemon start(String name, Netns ns, Path config, Path socket)
      throws IOException, InterruptedException {
    return start(name, ns, config, socket, Map.of());
  }

  /** Like {@link #start(String, Netns, Path, Path)} with more environment variables. */
  static NamespaceDaemon start(
      String name, Netns ns, Path config, Path socket, Map<String, String> env)
      throws IOException, InterruptedException {
    NamespaceDaemon n = new NamespaceDaemon(name, ns, config, socket, env);
    n.launch();
    return n;
  }

  private void launch() throws IOException, InterruptedException {
    if (process != null) {
      previousOutput.append(output());
    }
    List<String> cmd = new ArrayList<>();
    if (!env.isEmpty()) {
      cmd.add("env");
      env.forEach((k, v) -> cmd.add(k + "=" + v));
    }
    cmd.addAll(Jvm.base("-Xmx256m", "-XX:+UseSerialGC"));
    cmd.add(Jvm.DAEMON_MAIN);
    cmd.addAll(List.of("run", "--config", config.toString(), "--socket", socket.toString()));
    process = ns.spawn(cmd.toArray(String[]::new));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "meshsec run ("
                + name
                + ") exited with "
                + process.process().exitValue()
                + ":\n"
                + output());
      }
      // A stale socket file from a killed run refuses connections until the daemon replaces it.
      if (Files.exists(socket)) {
        try {
          if (ControlClient.call(socket, new ControlRequest.Status(false)).ok()) {
            return;
          }
        } catch (IOException e) {
          // not yet
        }
      }
      Thread.sleep(50);
    }
    throw new IOException(
        "meshsec run (" + name + ") not ready after " + START_TIMEOUT + ":\n" + output());
  }

  /**
   * Runs {@code meshsec run} in {@code ns} and waits for it to exit by itself (a start that must be
   * refused), returning its result.
   *
   * @throws IOException when it is still running after {@link #START_TIMEOUT} (it is stopped)
   */
  static org.meshsec.tun.exec.ExecResult runUntilExit(Netns ns, Path config, Path socket)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(Jvm.base("-Xmx256m", "-XX:+UseSerialGC"));
    cmd.add(Jvm.DAEMON_MAIN);
    cmd.addAll(List.of("run", "--config", config.toString(), "--socket", socket.toString()));
    try (Background p = ns.spawn(cmd.toArray(String[]::new))) {
      return p.waitFor(START_TIMEOUT);
    }
  }

  /** Sends a control command and returns the response, whatever its status. */
  ControlResponse control(ControlRequest request) throws IOException {
    return ControlClient.call(socket, request);
  }

  /** Sends a control command that must succeed; returns its body. */
  String ok(ControlRequest request) throws IOException {
    ControlResponse r = control(request);
    if (!r.ok()) {
      throw new AssertionError(name + ": `" + request.command() + "` failed: " + r.body());
    }
    return r.body();
  }

  /** {@code stats --json} as a map of counter name to value. */
  Map<String, Object> stats() throws IOException {
    return jsonObject(ok(new ControlRequest.Stats(true)));
  }

  long counter(String name) throws IOException {
    Object v = stats().get(name);
    if (!(v instanceof Number n)) {
      throw new AssertionError("no counter " + name + " in " + stats());
    }
    return n.longValue();
  }

  /** {@code sa-list --json}. */
  List<Map<String, Object>> sas() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : jsonArray(ok(new ControlRequest.SaList(true)))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      out.add(m);
    }
    return out;
  }

  /** The SA with this SPI and direction from {@code sa-list --json}. */
  Map<String, Object> sa(String direction, int spi) throws IOException {
    String hex = String.format("0x%08x", spi);
    for (Map<String, Object> s : sas()) {
      if (direction.equals(s.get("direction")) && hex.equals(s.get("spi"))) {
        return s;
      }
    }
    throw new AssertionError(name + " has no " + direction + " SA " + hex + ": " + sas());
  }

  /** SIGKILL, as a crash or the OOM killer would: no clean-up at all. */
  void kill9() throws InterruptedException {
    process.process().destroyForcibly();
    process.process().waitFor();
  }

  /** SIGTERM and wait; returns the exit status. */
  int stop() throws InterruptedException {
    process.close();
    return process.process().waitFor();
  }

  void restart() throws IOException, InterruptedException {
    launch();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** What the daemon printed (its log), including earlier runs. */
  String output() {
    return previousOutput + (process == null ? "" : process.stdout() + process.stderr());
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }

  @Override
  public String toString() {
    return "NamespaceDaemon[" + name + " in " + ns.name() + "]";
  }

  /** A {@code --json} object read with Jackson: ordered maps, lists, Long numbers. */
  static Map<String, Object> jsonObject(String json) throws IOException {
    return JSON.forType(new TypeReference<Map<String, Object>>() {}).readValue(json);
  }

  /** A {@code --json} array read with Jackson. */
  static List<Object> jsonArray(String json) throws IOException {
    return JSON.forType(new TypeReference<List<Object>>() {}).readValue(json);
  }

  private static final ObjectReader JSON =
      ControlJson.mapper().reader().with(DeserializationFeature.USE_LONG_FOR_INTS);
}
