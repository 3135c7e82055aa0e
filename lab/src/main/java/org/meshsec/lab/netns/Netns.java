package org.meshsec.lab.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.CommandFailedException;
import org.meshsec.tun.exec.Commands;
import org.meshsec.tun.exec.ExecResult;
import org.meshsec.tun.exec.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Linux network namespace (or the root namespace this JVM runs in), and the operations the demo
 * and the tests need in it: addresses, links, routes, sysctls, and commands run inside it.
 *
 * <p>Namespaces are created by a {@link Topology}, which names them {@code <prefix>-<role>-<pid>-<4
 * hex>} (for example {@code msd-a-4711-3f9c}; pid is the creating JVM's, so {@link
 * #cleanupStale(String)} can tell live from leftover) and removes them on close. Changes made
 * through a handle whose namespace the topology owns vanish with the namespace; changes made in the
 * root namespace (through {@link Topology#root()}) are recorded and undone. {@link #of(String)}
 * gives an unowned handle to an existing namespace: nothing done through it is recorded.
 *
 * <p>Everything runs {@code ip} from iproute2; sysctls are written through {@code /proc/sys} with
 * {@code sh}, so no procps is needed. Immutable and thread-safe (the commands it runs are not
 * atomic as a group, of course).
 */
public final class Netns {
  private static final Logger log = LoggerFactory.getLogger(Netns.class);

  /** Where creator markers ({@code <name>.owner}: pid and process start time) are kept. */
  public static final Path MARKER_DIR = Path.of("/run/meshsec-test");

  static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SYSCTL_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:/-]*");
  private static volatile Optional<String> rootProblem;

  private final String name; // "" for the root namespace
  private final Topology owner; // null when unowned

  Netns(String name, Topology owner) {
    this.name = name;
    this.owner = owner;
  }

  /** An unowned handle to an existing namespace called {@code name}; nothing is recorded. */
  public static Netns of(String name) {
    if (name == null || name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("bad namespace name: " + name);
    }
    return new Netns(name, null);
  }

  /** The namespace's name; the empty string for the root namespace. */
  public String name() {
    return name;
  }

  /** Whether this is the root namespace (the one this JVM runs in). */
  public boolean isRoot() {
    return name.isEmpty();
  }

  /** The topology that created (or, for the root namespace, records changes in) this; or null. */
  public Topology owner() {
    return owner;
  }

  /** The argv that runs {@code cmd} inside this namespace ({@code ip netns exec NAME cmd...}). */
  public List<String> command(String... cmd) {
    if (cmd.length == 0) {
      throw new IllegalArgumentException("empty command");
    }
    List<String> argv = new ArrayList<>();
    if (!isRoot()) {
      argv.addAll(List.of("ip", "netns", "exec", name));
    }
    argv.addAll(Arrays.asList(cmd));
    return argv;
  }

  /** The argv of {@code ip ARGS} acting on this namespace ({@code ip -n NAME ARGS}). */
  public List<String> ipCommand(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("ip");
    if (!isRoot()) {
      argv.add("-n");
      argv.add(name);
    }
    argv.addAll(Arrays.asList(args));
    return argv;
  }

  /**
   * Runs {@code cmd} inside this namespace to completion, with {@link Commands#DEFAULT_TIMEOUT}.
   *
   * @throws CommandFailedException on a non-zero exit (names command, status and stderr)
   * @throws IOException on a start failure or timeout
   */
  public ExecResult exec(String... cmd) throws IOException {
    return exec(Commands.DEFAULT_TIMEOUT, cmd);
  }

  /** Runs {@code cmd} inside this namespace; see {@link #exec(String...)}. */
  public ExecResult exec(Duration timeout, String... cmd) throws IOException {
    return Commands.run(timeout, command(cmd));
  }

  /** Runs {@code cmd} inside this namespace and returns its result whatever the exit status. */
  public ExecResult execAllowingFailure(Duration timeout, String... cmd) throws IOException {
    return Commands.runAllowingFailure(timeout, command(cmd));
  }

  /** Runs {@code ip ARGS} on this namespace ({@code ip -n NAME ARGS}). */
  public ExecResult ip(String... args) throws IOException {
    return Commands.run(Commands.DEFAULT_TIMEOUT, ipCommand(args));
  }

  /**
   * Starts {@code cmd} inside this namespace in the background, capturing its output. If this
   * handle has an owner, the process is stopped when the topology closes (before its namespaces are
   * deleted); close the returned handle to stop it earlier.
   */
  public Background spawn(String... cmd) throws IOException {
    return spawn(true, cmd);
  }

  /** Like {@link #spawn(String...)}, but the process writes to this JVM's stdout and stderr. */
  public Background spawnInheritingIo(String... cmd) throws IOException {
    return spawn(false, cmd);
  }

  private Background spawn(boolean capture, String... cmd) throws IOException {
    List<String> argv = command(cmd);
    if (owner != null) {
      return owner.startBackground(argv, capture);
    }
    return Commands.start(argv, capture);
  }

  /** {@code ip link set DEV up}. */
  public void linkUp(String dev) throws IOException {
    ip("link", "set", "dev", dev, "up");
  }

  /** {@code ip link set DEV mtu MTU}. */
  public void setMtu(String dev, int mtu) throws IOException {
    ip("link", "set", "dev", dev, "mtu", Integer.toString(mtu));
  }

  /**
   * Adds an address such as {@code 192.0.2.1/24} or {@code 2001:db8:1::1/64} to {@code dev}. IPv6
   * addresses are added with {@code nodad}, so they are usable at once.
   */
  public void addAddress(String dev, String cidr) throws IOException {
    List<String> args = new ArrayList<>(List.of("addr", "add", cidr, "dev", dev));
    if (cidr.contains(":")) {
      args.add("nodad");
    }
    ip(args.toArray(String[]::new));
    if (isRoot() && owner != null) {
      owner.recordUndo(
          "address " + cidr + " on " + dev,
          () ->
              Commands.runAllowingFailure(
                  Commands.DEFAULT_TIMEOUT, ipCommand("addr", "del", cidr, "dev", dev)));
    }
  }

  /**
   * Adds a route. {@code destination} is a prefix or {@code default}; {@code via} (a gateway) and
   * {@code dev} may each be null, not both. The family (-4/-6) follows the addresses given; for
   * {@code default} with no gateway, pass an IPv6 {@code destination} like {@code ::/0} instead.
   */
  public void addRoute(String destination, String via, String dev) throws IOException {
    if (via == null && dev == null) {
      throw new IllegalArgumentException("route to " + destination + " needs a gateway or a dev");
    }
    boolean v6 = destination.contains(":") || (via != null && via.contains(":"));
    List<String> args = new ArrayList<>(List.of(v6 ? "-6" : "-4", "route", "add", destination));
    if (via != null) {
      args.add("via");
      args.add(via);
    }
    if (dev != null) {
      args.add("dev");
      args.add(dev);
    }
    ip(args.toArray(String[]::new));
    if (isRoot() && owner != null) {
      List<String> del = new ArrayList<>(args);
      del.set(2, "del");
      owner.recordUndo(
          "route " + String.join(" ", args),
          () ->
              Commands.runAllowingFailure(
                  Commands.DEFAULT_TIMEOUT, ipCommand(del.toArray(String[]::new))));
    }
  }

  /** Adds a route through gateway {@code via}; see {@link #addRoute(String, String, String)}. */
  public void addRoute(String destination, String via) throws IOException {
    addRoute(destination, via, null);
  }

  /**
   * Sets a sysctl inside this namespace (like {@code sysctl -w KEY=VALUE}), e.g. {@code
   * net.ipv4.ip_forward}. Dots in the key separate path components; use {@code /} instead where a
   * component (an interface name) contains a dot. In the root namespace the previous value is
   * recorded and restored when the owner closes.
   */
  public void sysctl(String key, String value) throws IOException {
    String path = sysctlPath(key);
    if (value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("sysctl value with a newline");
    }
    String previous = isRoot() && owner != null ? sysctl(key) : null;
    exec("sh", "-c", "printf '%s\\n' \"$1\" > \"$2\"", "sh", value, path);
    if (previous != null) {
      owner.recordUndo(
          "sysctl " + key + "=" + previous,
          () ->
              Commands.runAllowingFailure(
                  Commands.DEFAULT_TIMEOUT,
                  command("sh", "-c", "printf '%s\\n' \"$1\" > \"$2\"", "sh", previous, path)));
    }
  }

  /** Reads a sysctl inside this namespace (value with surrounding whitespace removed). */
  public String sysctl(String key) throws IOException {
    return exec("cat", sysctlPath(key)).stdout().strip();
  }

  private static String sysctlPath(String key) {
    if (!SYSCTL_KEY.matcher(key).matches() || key.contains("..")) {
      throw new IllegalArgumentException("bad sysctl key: " + key);
    }
    String rel = key.contains("/") ? key : key.replace('.', '/');
    return "/proc/sys/" + rel;
  }

  // ---------------------------------------------------------------- static helpers

  /** Names of all named network namespaces ({@code ip netns list}). */
  public static List<String> list() throws IOException {
    String out = Commands.run(Commands.DEFAULT_TIMEOUT, List.of("ip", "netns", "list")).stdout();
    List<String> names = new ArrayList<>();
    for (String line : out.split("\n")) {
      String s = line.strip();
      if (!s.isEmpty()) {
        int sp = s.indexOf(' ');
        names.add(sp < 0 ? s : s.substring(0, sp)); // "name (id: 3)"
      }
    }
    return names;
  }

  /**
   * Whether namespace tests can run here: this JVM is root and {@code ip netns} works (probed once
   * by adding and deleting a namespace). When they cannot, this returns false so a test can skip
   * with {@code Assumptions.assumeTrue(Netns.requireRoot("..."))} -- except under CI (environment
   * variable {@code CI=true}), where it throws, because a namespace test that skips in CI is not a
   * test.
   *
   * @param what what needs root, for the message (e.g. "two-node ping test")
   * @throws IllegalStateException when namespaces are unusable and {@code CI=true}
   */
  public static boolean requireRoot(String what) {
    return requireRoot(what, rootProblem(), System.getenv("CI"));
  }

  /** The decision of {@link #requireRoot(String)}, given the probe's verdict and $CI. */
  static boolean requireRoot(String what, Optional<String> problem, String ciEnv) {
    if (problem.isEmpty()) {
      return true;
    }
    String msg = what + " needs root and a working `ip netns`: " + problem.get();
    if ("true".equalsIgnoreCase(ciEnv)) {
      throw new IllegalStateException(msg + " (CI=true: failing instead of skipping)");
    }
    log.warn("{}; skipping", msg);
    return false;
  }

  private static Optional<String> rootProblem() {
    Optional<String> p = rootProblem;
    if (p == null) {
      synchronized (Netns.class) {
        p = rootProblem;
        if (p == null) {
          p = probeRoot();
          rootProblem = p;
        }
      }
    }
    return p;
  }

  private static Optional<String> probeRoot() {
    try {
      long euid = effectiveUid();
      if (euid != 0) {
        return Optional.of("not root (effective uid " + euid + ")");
      }
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot read /proc/self/status: " + e.getMessage());
    }
    String probe = "msprobe-" + ProcessHandle.current().pid() + "-" + randomHex();
    try {
      Commands.run(Commands.DEFAULT_TIMEOUT, List.of("ip", "netns", "add", probe));
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
    try {
      Commands.run(Commands.DEFAULT_TIMEOUT, List.of("ip", "netns", "del", probe));
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  private static long effectiveUid() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
      }
    }
    throw new IOException("no Uid line in /proc/self/status");
  }

  /**
   * Deletes leftover namespaces named {@code <prefix>-<role>-<pid>-<hex>} whose creator is gone:
   * the pid is not running, or (when the marker file under {@link #MARKER_DIR} is there) it is
   * running but started at another time (a reused pid). Processes still inside such a namespace are
   * killed first, so its veths go too. Namespaces of live creators are never touched.
   *
   * @return the names deleted
   */
  public static List<String> cleanupStale(String prefix) throws IOException {
    Topology.checkPrefix(prefix);
    Pattern p = Pattern.compile(Pattern.quote(prefix) + "-[a-z0-9]+-(\\d+)-[0-9a-f]{4}");
    List<String> removed = new ArrayList<>();
    for (String ns : list()) {
      Matcher m = p.matcher(ns);
      if (!m.matches() || creatorAlive(ns, Long.parseLong(m.group(1)))) {
        continue;
      }
      log.info("removing stale namespace {} (creator pid {} is gone)", ns, m.group(1));
      delete(ns);
      removed.add(ns);
    }
    return removed;
  }

  private static boolean creatorAlive(String ns, long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return false;
    }
    Optional<String> marker = readMarker(ns);
    if (marker.isEmpty()) {
      return true; // no marker: the pid alone says it may be alive; keep it
    }
    String[] f = marker.get().strip().split("\\s+");
    if (f.length < 2 || !f[0].equals(Long.toString(pid))) {
      return true;
    }
    return startMillis(h.get()).map(s -> s.toString().equals(f[1])).orElse(true);
  }

  static Optional<Long> startMillis(ProcessHandle h) {
    return h.info().startInstant().map(java.time.Instant::toEpochMilli);
  }

  private static Optional<String> readMarker(String ns) {
    try {
      return Optional.of(Files.readString(MARKER_DIR.resolve(ns + ".owner")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Writes the creator marker for {@code ns}; best effort. */
  static void writeMarker(String ns) {
    ProcessHandle self = ProcessHandle.current();
    String text = self.pid() + " " + startMillis(self).map(String::valueOf).orElse("?") + "\n";
    try {
      Files.createDirectories(MARKER_DIR);
      Files.writeString(MARKER_DIR.resolve(ns + ".owner"), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.debug("cannot write marker for {}: {}", ns, e.toString());
    }
  }

  /**
   * Kills every process inside {@code ns}, deletes it and its marker. Deleting the namespace
   * destroys its interfaces, and with them the peer ends of its veths.
   */
  static void delete(String ns) throws IOException {
    ExecResult pids =
        Commands.runAllowingFailure(Commands.DEFAULT_TIMEOUT, List.of("ip", "netns", "pids", ns));
    if (pids.ok()) {
      for (String s : pids.stdout().split("\\s+")) {
        if (!s.isEmpty()) {
          ProcessHandle.of(Long.parseLong(s))
              .ifPresent(h -> Processes.kill(h, Duration.ofMillis(500)));
        }
      }
    }
    try {
      Commands.run(Commands.DEFAULT_TIMEOUT, List.of("ip", "netns", "del", ns));
    } finally {
      try {
        Files.deleteIfExists(MARKER_DIR.resolve(ns + ".owner"));
      } catch (IOException e) {
        log.debug("cannot delete marker for {}: {}", ns, e.toString());
      }
    }
  }

  static String randomHex() {
    byte[] b = new byte[2];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b).toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Netns n && n.name.equals(name) && n.owner == owner;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, System.identityHashCode(owner));
  }

  @Override
  public String toString() {
    return isRoot() ? "Netns[root]" : "Netns[" + name + "]";
  }
}
