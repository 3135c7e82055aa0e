package org.meshsec.lab.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One named network namespace for a test, made and removed with iproute2's {@code ip netns}: a
 * fresh unique name (prefix + 8 random hex digits) so parallel runs never meet, loopback up, and
 * removal in {@link #close()}. Commands run inside it through {@code ip netns exec}, which also
 * gives each command its own mount namespace with /sys remounted for the netns.
 *
 * <p>Test-only plumbing for the strongSwan harness; the general org.meshsec.lab.netns package may
 * replace it later. Not thread-safe for concurrent {@link #close()}; the query and exec methods may
 * be called from any thread.
 */
final class TestNetns implements AutoCloseable {
  private final String name;
  private volatile boolean closed;

  private TestNetns(String name) {
    this.name = name;
  }

  /**
   * Creates a namespace named {@code prefix} + 8 random hex digits and brings its loopback up.
   *
   * @param prefix at most 6 characters of [a-z0-9-]
   */
  static TestNetns create(String prefix) {
    if (!prefix.matches("[a-z0-9-]{1,6}")) {
      throw new IllegalArgumentException("prefix must be 1..6 of [a-z0-9-]: " + prefix);
    }
    byte[] r = new byte[4];
    ThreadLocalRandom.current().nextBytes(r);
    String name = prefix + HexFormat.of().formatHex(r);
    Exec.run(List.of("ip", "netns", "add", name)).check();
    TestNetns ns = new TestNetns(name);
    try {
      ns.ip("link", "set", "lo", "up");
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  String name() {
    return name;
  }

  /** {@code ip netns exec NAME} followed by {@code command}: the argv to start a process here. */
  List<String> command(List<String> command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name));
    argv.addAll(command);
    return argv;
  }

  /** Runs {@code command} in this namespace to completion. */
  Exec.Result exec(String... command) {
    return Exec.run(command(List.of(command)));
  }

  /** Runs {@code ip -n NAME args...} and throws if it fails. */
  Exec.Result ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", name));
    argv.addAll(List.of(args));
    return Exec.run(argv).check();
  }

  /** Adds {@code cidr} (e.g. "10.0.0.1/32") to {@code dev}. */
  void addAddress(String dev, String cidr) {
    ip("addr", "add", cidr, "dev", dev);
  }

  /** Starts a long-running process in this namespace; the caller owns and ends it. */
  Process start(List<String> command, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err)
      throws IOException {
    return new ProcessBuilder(command(command)).redirectOutput(out).redirectError(err).start();
  }

  /**
   * Joins {@code a} and {@code b} with a veth pair, {@code devA} in {@code a} holding {@code
   * cidrA}, {@code devB} in {@code b} holding {@code cidrB}, both up. The pair is created directly
   * inside the two namespaces, so the device names only need to be unique there, and it goes away
   * with either namespace.
   */
  static void veth(TestNetns a, String devA, String cidrA, TestNetns b, String devB, String cidrB) {
    Exec.run(
            List.of(
                "ip", "link", "add", devA, "netns", a.name, "type", "veth", "peer", "name", devB,
                "netns", b.name))
        .check();
    a.addAddress(devA, cidrA);
    b.addAddress(devB, cidrB);
    a.ip("link", "set", devA, "up");
    b.ip("link", "set", devB, "up");
  }

  /**
   * Deletes the namespace. Processes the test started in it must be ended first (the namespace
   * lives on, unnamed, while a process is still inside). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Exec.Result r = Exec.run(List.of("ip", "netns", "del", name));
    if (!r.ok() && !r.err().contains("No such file")) {
      throw new IllegalStateException("cannot delete netns " + name + ": " + r.err().strip());
    }
  }

  @Override
  public String toString() {
    return "netns " + name;
  }
}
