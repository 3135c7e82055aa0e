package org.meshsec.tun;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.meshsec.inet.InetText;
import org.meshsec.tun.exec.CommandStartException;
import org.meshsec.tun.exec.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures one network interface (MTU, up, IPv4/IPv6 addresses, routes, deletion) by running
 * iproute2's {@code ip}, and remembers what it added so that {@link #undo()} / {@link #close()}
 * removes it again, in reverse order.
 *
 * <p>Why {@code ip} and not rtnetlink through jnr-ffi: these are control-plane operations done a
 * handful of times at start, reload and stop, never per packet. Building and parsing rtnetlink
 * messages (nlmsghdr, ifaddrmsg, rtmsg, nested attributes, ACK and error parsing, IPv6 variants)
 * would be several hundred lines of native-struct code to get right and maintain, for no measurable
 * gain; {@code ip} is present wherever TUN devices are, speaks exactly the netlink the kernel
 * expects, and its error text ("RTNETLINK answers: File exists") is what operators already know.
 * Every command runs without a shell, with a timeout; a failure throws an {@link IOException}
 * naming the operation, the command line and {@code ip}'s stderr. What cannot come from {@code ip}
 * is the device itself: TUN devices are created by {@link TunDevice} through /dev/net/tun.
 *
 * <p>Undo: {@link #up()}, {@link #addAddress} and {@link #addRoute} record their inverse; {@link
 * #undo()} runs the inverses newest first, goes on past failures and reports them together. If the
 * interface no longer exists (a TUN device disappears when its fds close) the kernel has already
 * removed its addresses and routes, and undo has nothing to do. {@link #setMtu} is not undone: the
 * MTU belongs to the interface and goes with it.
 *
 * <p>Thread-safety: thread-safe; operations are serialised on this object.
 */
public final class LinkConfigurator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkConfigurator.class);

  /** Default time one {@code ip} command may take. */
  public static final Duration DEFAULT_TIMEOUT = Commands.DEFAULT_TIMEOUT;

  private final String ifname;
  private final String ipCommand;
  private final Duration timeout;
  private final Deque<Step> undoLog = new ArrayDeque<>();

  /**
   * One recorded undo: the operation's name, its command and, for deletions, a query whose output
   * is non-empty while the object still exists (a failed deletion of something already gone, such
   * as an IPv6 address the kernel flushed when the link went down, is not an error).
   */
  private record Step(String operation, List<String> undoArgs, List<String> presenceQuery) {}

  /** Configures {@code ifname} with {@code ip} from the PATH and the default timeout. */
  public LinkConfigurator(String ifname) {
    this(ifname, "ip", DEFAULT_TIMEOUT);
  }

  /**
   * @param ifname the interface to configure
   * @param ipCommand the {@code ip} executable (a name looked up on the PATH, or a path)
   * @param timeout how long one command may run before it is killed
   */
  public LinkConfigurator(String ifname, String ipCommand, Duration timeout) {
    TunOptions.validateName(ifname);
    if (ifname.contains("%")) {
      throw new IllegalArgumentException("use the kernel-assigned name, not a pattern: " + ifname);
    }
    this.ifname = ifname;
    this.ipCommand = Objects.requireNonNull(ipCommand, "ipCommand");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The interface this configurator works on. */
  public String interfaceName() {
    return ifname;
  }

  /** True if an interface named {@code name} exists in this network namespace. */
  public static boolean linkExists(String name) {
    return !name.isEmpty()
        && !name.contains("/")
        && !name.equals(".")
        && !name.equals("..")
        && Files.exists(Path.of("/sys/class/net", name));
  }

  /** {@code ip link set dev IF mtu N}. Not undone. */
  public synchronized void setMtu(int mtu) throws IOException {
    if (mtu < 68 || mtu > 65535) {
      throw new IllegalArgumentException("MTU must be in [68, 65535], got " + mtu);
    }
    run("set MTU", List.of("link", "set", "dev", ifname, "mtu", Integer.toString(mtu)));
  }

  /** {@code ip link set dev IF up}; undone by setting it down. */
  public synchronized void up() throws IOException {
    run("bring link up", List.of("link", "set", "dev", ifname, "up"));
    undoLog.push(new Step("bring link down", List.of("link", "set", "dev", ifname, "down"), null));
  }

  /**
   * {@code ip -4|-6 addr add ADDRESS/PREFIX dev IF}, plus {@code nodad} for IPv6; undone by
   * deleting the address. IPv6 duplicate address detection means nothing on a point-to-point
   * interface without a link layer, and while it runs the address is "tentative": unusable as a
   * source, so the kernel would pick another interface's address for traffic into the tunnel.
   */
  public synchronized void addAddress(InetAddress address, int prefixLength) throws IOException {
    List<String> args = new ArrayList<>(addressArgs("add", address, prefixLength));
    if (!(address instanceof Inet4Address)) {
      args.add("nodad");
    }
    run("add address " + cidr(address, prefixLength), args);
    int hostBits = address.getAddress().length * 8;
    undoLog.push(
        new Step(
            "delete address " + cidr(address, prefixLength),
            addressArgs("del", address, prefixLength),
            List.of(
                family(address),
                "-o",
                "addr",
                "show",
                "dev",
                ifname,
                "to",
                cidr(address, hostBits))));
  }

  /** {@code ip -4|-6 addr del ADDRESS/PREFIX dev IF}; forgets a recorded add of it. */
  public synchronized void removeAddress(InetAddress address, int prefixLength) throws IOException {
    List<String> args = addressArgs("del", address, prefixLength);
    run("delete address " + cidr(address, prefixLength), args);
    undoLog.removeIf(s -> s.undoArgs().equals(args));
  }

  /**
   * {@code ip -4|-6 route add NETWORK/PREFIX dev IF}: routes the prefix into this interface. Host
   * bits of {@code destination} are cleared. Undone by deleting the route.
   */
  public synchronized void addRoute(InetAddress destination, int prefixLength) throws IOException {
    InetAddress network = network(destination, prefixLength);
    run("add route " + cidr(network, prefixLength), routeArgs("add", network, prefixLength));
    undoLog.push(
        new Step(
            "delete route " + cidr(network, prefixLength),
            routeArgs("del", network, prefixLength),
            List.of(
                family(network),
                "-o",
                "route",
                "show",
                "exact",
                cidr(network, prefixLength),
                "dev",
                ifname)));
  }

  /** {@code ip -4|-6 route del NETWORK/PREFIX dev IF}; forgets a recorded add of it. */
  public synchronized void removeRoute(InetAddress destination, int prefixLength)
      throws IOException {
    InetAddress network = network(destination, prefixLength);
    List<String> args = routeArgs("del", network, prefixLength);
    run("delete route " + cidr(network, prefixLength), args);
    undoLog.removeIf(s -> s.undoArgs().equals(args));
  }

  /**
   * {@code ip link del dev IF}: deletes the interface (for instance a persistent TUN device left
   * over by a crash). Everything recorded for undo goes with it.
   */
  public synchronized void deleteLink() throws IOException {
    run("delete link", List.of("link", "del", "dev", ifname));
    undoLog.clear();
  }

  /**
   * Removes everything recorded, newest first, continuing past failures. Does nothing if the
   * interface is gone.
   *
   * @throws IOException the first failure, with later ones suppressed
   */
  public synchronized void undo() throws IOException {
    if (!linkExists(ifname)) {
      if (!undoLog.isEmpty()) {
        log.debug("{} is gone; its addresses and routes went with it", ifname);
      }
      undoLog.clear();
      return;
    }
    IOException first = null;
    while (!undoLog.isEmpty()) {
      Step step = undoLog.pop();
      try {
        run(step.operation(), step.undoArgs());
      } catch (IOException e) {
        if (!linkExists(ifname)) {
          undoLog.clear();
          break;
        }
        if (step.presenceQuery() != null && isGone(step)) {
          log.debug("{} on {}: already gone", step.operation(), ifname);
          continue;
        }
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private boolean isGone(Step step) {
    try {
      return query("check " + step.operation(), step.presenceQuery()).isBlank();
    } catch (IOException e) {
      return false;
    }
  }

  /** The operations {@link #undo()} would run, newest first (for logs and tests). */
  public synchronized List<String> pendingUndo() {
    List<String> out = new ArrayList<>(undoLog.size());
    for (Step s : undoLog) {
      out.add(s.operation());
    }
    return out;
  }

  /** Same as {@link #undo()}. */
  @Override
  public void close() throws IOException {
    undo();
  }

  private List<String> addressArgs(String verb, InetAddress address, int prefixLength) {
    return List.of(family(address), "addr", verb, cidr(address, prefixLength), "dev", ifname);
  }

  private List<String> routeArgs(String verb, InetAddress network, int prefixLength) {
    return List.of(family(network), "route", verb, cidr(network, prefixLength), "dev", ifname);
  }

  private static String family(InetAddress a) {
    return a instanceof Inet4Address ? "-4" : "-6";
  }

  private static String cidr(InetAddress a, int prefixLength) {
    int max = a.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length must be in [0, " + max + "]");
    }
    return InetText.format(a) + "/" + prefixLength;
  }

  /** {@code a} with the bits after {@code prefixLength} cleared. */
  static InetAddress network(InetAddress a, int prefixLength) {
    byte[] b = a.getAddress();
    cidr(a, prefixLength); // validates
    for (int bit = prefixLength; bit < b.length * 8; bit++) {
      b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs {@code ip ARGS}; throws naming the operation, the command and its stderr. */
  private void run(String operation, List<String> args) throws IOException {
    query(operation, args);
  }

  /**
   * Runs {@code ip ARGS} with {@link Commands} and returns its standard output; a failure names the
   * operation and the interface, then the command, its exit status and stderr.
   */
  private String query(String operation, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(args.size() + 1);
    cmd.add(ipCommand);
    cmd.addAll(args);
    String what = operation + " on " + ifname;
    log.debug("{}: {}", what, Commands.render(cmd));
    try {
      return Commands.run(timeout, cmd).stdout();
    } catch (CommandStartException e) {
      throw new IOException(what + " failed: " + e.getMessage() + " (is iproute2 installed?)", e);
    } catch (IOException e) {
      throw new IOException(what + " failed: " + e.getMessage(), e);
    }
  }
}
