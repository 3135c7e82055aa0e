package org.meshsec.lab.netns;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns a set of network namespaces, veths, root-namespace changes and background processes, and
 * removes all of it in reverse order of creation on {@link #close()} -- or, if close() is never
 * reached (Ctrl-C during {@code meshsec-lab demo}, SIGTERM), from a JVM shutdown hook.
 *
 * <pre>{@code
 * try (Topology t = new Topology("msd")) {
 *   Netns a = t.namespace("a");               // msd-a-<pid>-<hex>, lo up
 *   Netns b = t.namespace("b");
 *   t.veth(a, "ul0", b, "ul0");               // both ends up
 *   a.addAddress("ul0", "192.0.2.1/24");
 *   try (Background sink = b.spawn("meshsec-lab", "tool", "tcp-sink", "5001")) { ... }
 * }                                           // processes stopped, namespaces deleted
 * }</pre>
 *
 * <p>What is undone: background processes are stopped (SIGTERM, then SIGKILL) and namespaces
 * deleted (after killing any process still inside), which also removes everything inside them
 * (interfaces, addresses, routes, sysctls) and the peer ends of their veths; veths, addresses,
 * routes and sysctls in the root namespace are removed or restored explicitly. Failures during
 * cleanup are logged and do not stop the rest of it.
 *
 * <p>Thread-safe: creation and cleanup are serialised on this object; a closed topology refuses to
 * create more.
 */
public final class Topology implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Topology.class);
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,7}");
  private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9]{0,7}");
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  /** Something to undo at cleanup. */
  @FunctionalInterface
  interface Undo {
    void run() throws IOException;
  }

  private record Step(String what, Undo undo) {}

  private final String prefix;
  private final Netns root;
  private final Deque<Step> steps = new ArrayDeque<>();
  private final List<Netns> namespaces = new ArrayList<>();
  private final Thread hook;
  private boolean closed;

  /**
   * An empty topology whose namespaces are named {@code <prefix>-<role>-<pid>-<hex>}. Registers a
   * shutdown hook that cleans up if {@link #close()} is not called.
   *
   * @param prefix 1-8 characters, {@code [a-z][a-z0-9]*}; by convention "msd" for the demo, "mst"
   *     for tests, "msb" for the benchmark
   */
  public Topology(String prefix) {
    checkPrefix(prefix);
    this.prefix = prefix;
    this.root = new Netns("", this);
    this.hook = new Thread(this::cleanup, "meshsec-netns-cleanup-" + prefix);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static void checkPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("prefix must match " + PREFIX + ": " + prefix);
    }
  }

  public String prefix() {
    return prefix;
  }

  /** The root namespace; changes made through this handle are undone on close. */
  public Netns root() {
    return root;
  }

  /** The namespaces created so far, in creation order. */
  public synchronized List<Netns> namespaces() {
    return List.copyOf(namespaces);
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Creates a namespace {@code <prefix>-<role>-<pid>-<hex>} with its loopback up, and writes a
   * creator marker under {@link Netns#MARKER_DIR}.
   *
   * @param role 1-8 characters, {@code [a-z][a-z0-9]*}, e.g. "a", "b", "ah"
   */
  public synchronized Netns namespace(String role) throws IOException {
    if (role == null || !ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException("role must match " + ROLE + ": " + role);
    }
    ensureOpen();
    String name;
    do {
      name = prefix + "-" + role + "-" + ProcessHandle.current().pid() + "-" + Netns.randomHex();
    } while (Netns.list().contains(name));
    final String ns = name;
    Netns.writeMarker(ns);
    // Recorded before creation so an interrupted "ip netns add" is still cleaned up.
    recordUndo("namespace " + ns, () -> Netns.delete(ns));
    Commands.run(Commands.DEFAULT_TIMEOUT, List.of("ip", "netns", "add", ns));
    Netns n = new Netns(ns, this);
    namespaces.add(n);
    n.linkUp("lo");
    log.debug("created namespace {}", ns);
    return n;
  }

  /**
   * Creates a veth pair, {@code leftDev} in {@code left} and {@code rightDev} in {@code right}, and
   * brings both ends up. Names are at most 15 characters; in the root namespace they must not clash
   * with existing interfaces (see {@link #uniqueIfName(String)}). If neither end lies in a
   * namespace this topology owns, the pair is deleted on close.
   */
  public synchronized Veth veth(Netns left, String leftDev, Netns right, String rightDev)
      throws IOException {
    checkIfName(leftDev);
    checkIfName(rightDev);
    if (left.isRoot() && right.isRoot() && leftDev.equals(rightDev)) {
      throw new IllegalArgumentException("both veth ends called " + leftDev + " in one namespace");
    }
    ensureOpen();
    // Create from a named namespace if there is one: "peer ... netns NAME" then puts the other
    // end in place; the root namespace has no name to refer to from inside another.
    boolean swap = left.isRoot() && !right.isRoot();
    Netns from = swap ? right : left;
    String fromDev = swap ? rightDev : leftDev;
    Netns to = swap ? left : right;
    String toDev = swap ? leftDev : rightDev;
    List<String> args = new ArrayList<>(List.of("link", "add", fromDev, "type", "veth"));
    args.addAll(List.of("peer", "name", toDev));
    if (!to.isRoot() && !to.equals(from)) {
      args.add("netns");
      args.add(to.name());
    } else if (to.isRoot() && !from.isRoot()) {
      args.add("netns");
      args.add(Long.toString(ProcessHandle.current().pid()));
    }
    from.ip(args.toArray(String[]::new));
    if (!owns(left) && !owns(right)) {
      recordUndo(
          "veth " + fromDev,
          () ->
              Commands.runAllowingFailure(
                  Commands.DEFAULT_TIMEOUT, from.ipCommand("link", "del", fromDev)));
    }
    left.linkUp(leftDev);
    right.linkUp(rightDev);
    return new Veth(left, leftDev, right, rightDev);
  }

  /** {@code stem} followed by random hex, 15 characters at most: for root-namespace devices. */
  public static String uniqueIfName(String stem) {
    String s = stem.length() > 10 ? stem.substring(0, 10) : stem;
    String name = s + Netns.randomHex() + Netns.randomHex().charAt(0);
    checkIfName(name);
    return name;
  }

  private static void checkIfName(String dev) {
    if (dev == null || !IFNAME.matcher(dev).matches()) {
      throw new IllegalArgumentException("bad interface name: " + dev);
    }
  }

  private boolean owns(Netns n) {
    return !n.isRoot() && n.owner() == this;
  }

  synchronized Background startBackground(List<String> argv, boolean capture) throws IOException {
    ensureOpen();
    Background bg = Commands.start(argv, capture);
    recordUndo("process " + bg.pid(), bg::close);
    return bg;
  }

  synchronized void recordUndo(String what, Undo undo) {
    steps.push(new Step(what, undo));
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("topology " + prefix + " is closed");
    }
  }

  /** Undoes everything in reverse order; never throws. Safe to call more than once. */
  @Override
  public void close() {
    cleanup();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook has run or will find nothing to do
    }
  }

  private synchronized void cleanup() {
    if (closed) {
      return;
    }
    closed = true;
    while (!steps.isEmpty()) {
      Step s = steps.pop();
      try {
        s.undo().run();
      } catch (IOException | RuntimeException e) {
        log.warn("cleanup of {} failed: {}", s.what(), e.getMessage());
      }
    }
    namespaces.clear();
  }

  @Override
  public String toString() {
    return "Topology[" + prefix + ", " + namespaces() + "]";
  }
}
