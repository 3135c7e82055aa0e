package org.meshsec.core.daemon;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.core.config.RoutingConfig;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Policy;
import org.meshsec.tun.exec.CommandStartException;
import org.meshsec.tun.exec.Commands;
import org.meshsec.tun.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy routing for the TUN device, so that OUT BYPASS policies really bypass the tunnel: the
 * daemon's routes live in a routing table of their own, reached through an {@code ip rule}, and
 * each BYPASS policy that covers part of those routes gets a rule of higher precedence that looks
 * up the main table instead. Traffic it matches never enters the TUN device and leaves in the clear
 * over whatever route the main table has (the underlay route), as a WireGuard user expects from
 * {@code wg-quick}'s table and rules.
 *
 * <pre>
 *   ip rule priority P-1000+i  [from SRC] to DST [ipproto N [sport A[-B]] [dport C[-D]]]
 *                              lookup main  (BYPASS)  |  lookup T  (see below)   proto 245
 *   ip rule priority P         lookup T                                          proto 245
 *   ip route ... table T:      every [tun] route, dev TUN                        proto 245
 * </pre>
 *
 * With the defaults T = {@value #DEFAULT_TABLE} and P = {@value #DEFAULT_PRIORITY}. Which policies
 * get a rule in the range P-1000 .. P-1, and what a rule cannot express, is {@link RoutingPlan}'s
 * job.
 *
 * <p>T and P come from {@code [routing]} ({@link RoutingConfig}).
 *
 * <p><b>Crash recovery.</b> Rules outlive the process (a TUN device and its routes do not): after a
 * {@code kill -9}, a restart would fail with "File exists". So {@link #open} first deletes every
 * rule of priority P-1000 .. P tagged with protocol {@value #RULE_PROTOCOL} (routes of that tag in
 * table T too). That is safe only because the daemon holds a {@link NetnsLock} on T and that range:
 * no running daemon in the namespace owns them, so what is there is a dead run's. A second daemon
 * in the namespace is refused by the lock before it deletes anything; two daemons share a namespace
 * with different tables and non-overlapping ranges. {@link #close()} removes everything it added,
 * then releases the lock.
 *
 * <p>Every change runs iproute2's {@code ip} without a shell and with a timeout, through {@link
 * org.meshsec.tun.exec.Commands} as {@link org.meshsec.tun.LinkConfigurator} does, and a failure
 * throws an {@link IOException} naming the operation, the command and {@code ip}'s stderr. Rule
 * protocols need Linux 4.17 and iproute2 4.17.
 *
 * <p>Thread-safety: thread-safe; operations are serialised on this object.
 */
public final class RoutingRules implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RoutingRules.class);

  /** The routing table that holds the TUN routes. */
  public static final int DEFAULT_TABLE = RoutingConfig.DEFAULT_TABLE;

  /** Priority of the rule that looks up {@link #DEFAULT_TABLE}. */
  public static final int DEFAULT_PRIORITY = RoutingConfig.DEFAULT_PRIORITY;

  /** How many priorities below the table rule are reserved for per-policy rules. */
  public static final int POLICY_RULE_RANGE = RoutingConfig.POLICY_RULE_RANGE;

  /** The {@code proto} tag on every rule and route meshsec adds (an unassigned RTPROT value). */
  public static final int RULE_PROTOCOL = 245;

  private static final Duration TIMEOUT = Commands.DEFAULT_TIMEOUT;
  private static final Pattern RULE_LINE = Pattern.compile("^(\\d+):.*\\bproto (\\S+)");

  private final String ifname;
  private final int table;
  private final int priority;
  private final String ipCommand;
  private final List<IpPrefix> routes;
  private final List<RoutingRule> tableRules = new ArrayList<>();
  private final List<List<String>> addedRoutes = new ArrayList<>();
  private List<RoutingRule> policyRules = List.of();
  private NetnsLock lock;
  private boolean closed;

  private RoutingRules(
      String ifname, List<IpPrefix> routes, int table, int priority, String ipCommand) {
    if (table <= 0 || table == 253 || table == 254 || table == 255) {
      throw new IllegalArgumentException("table must be a free table number, not " + table);
    }
    if (priority <= POLICY_RULE_RANGE || priority >= 32766) {
      throw new IllegalArgumentException("priority must be in (1000, 32766): " + priority);
    }
    this.ifname = Objects.requireNonNull(ifname, "ifname");
    this.routes = List.copyOf(routes);
    this.table = table;
    this.priority = priority;
    this.ipCommand = Objects.requireNonNull(ipCommand, "ipCommand");
  }

  /**
   * Removes stale rules (see the class comment), adds {@code routes} into the table through {@code
   * ifname} and the table rule for each IP family that has a route. Per-policy rules come with
   * {@link #applyPolicies}. On failure, what was added is removed again.
   */
  public static RoutingRules open(String ifname, List<IpPrefix> routes) throws IOException {
    return open(ifname, routes, DEFAULT_TABLE, DEFAULT_PRIORITY, "ip");
  }

  /**
   * Like {@link #open(String, List)} with the table and priorities of {@code routing}, whose owner
   * {@code lock} (taken for the same table and range) is released by {@link #close()}, also when
   * this fails.
   */
  public static RoutingRules open(
      String ifname, List<IpPrefix> routes, RoutingConfig routing, NetnsLock lock)
      throws IOException {
    RoutingRules r;
    try {
      r = new RoutingRules(ifname, routes, routing.table(), routing.priority(), "ip");
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    r.lock = lock;
    try {
      r.start();
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  /**
   * Like {@link #open(String, List)} with another table, priority or {@code ip} executable, and no
   * {@link NetnsLock}: the caller makes sure no running daemon owns the table and range.
   */
  public static RoutingRules open(
      String ifname, List<IpPrefix> routes, int table, int priority, String ipCommand)
      throws IOException {
    RoutingRules r = new RoutingRules(ifname, routes, table, priority, ipCommand);
    try {
      r.start();
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  private synchronized void start() throws IOException {
    removeStale();
    for (IpPrefix p : routes) {
      List<String> args =
          List.of(
              family(p.version()),
              "route",
              "add",
              p.toString(),
              "dev",
              ifname,
              "table",
              Integer.toString(table),
              "proto",
              Integer.toString(RULE_PROTOCOL));
      run("add route " + p + " to table " + table, args);
      addedRoutes.add(args);
    }
    for (int v : new int[] {4, 6}) {
      if (routes.stream().anyMatch(p -> p.version() == v)) {
        RoutingRule r =
            new RoutingRule(
                v, priority, null, null, 0, PortRange.ANY, PortRange.ANY, Integer.toString(table));
        run("add rule", r.args("add"));
        tableRules.add(r);
      }
    }
  }

  /** The table holding the TUN routes. */
  public int table() {
    return table;
  }

  /** The priority of the table rule. */
  public int priority() {
    return priority;
  }

  /** Every rule currently installed by this object, per-policy rules first. */
  public synchronized List<RoutingRule> rules() {
    List<RoutingRule> all = new ArrayList<>(policyRules);
    all.addAll(tableRules);
    return all;
  }

  /**
   * Brings the per-policy rules in line with {@code policies} (the SPD's content, with ids): rules
   * no longer wanted are deleted, missing ones added. Returns the plan's warnings.
   *
   * @throws IOException naming the first {@code ip} command that failed (later ones are attempted
   *     and suppressed); the rules then installed are those that succeeded
   */
  public synchronized List<String> applyPolicies(List<Policy> policies) throws IOException {
    if (closed) {
      throw new IllegalStateException("routing rules already removed");
    }
    RoutingPlan plan = RoutingPlan.of(routes, policies, table, priority);
    Set<RoutingRule> wanted = new LinkedHashSet<>(plan.rules());
    tableRules.forEach(wanted::remove);
    List<RoutingRule> now = new ArrayList<>();
    IOException first = null;
    for (RoutingRule r : policyRules) {
      if (wanted.contains(r)) {
        now.add(r);
        continue;
      }
      try {
        run("delete rule", r.args("del"));
      } catch (IOException e) {
        now.add(r);
        first = chain(first, e);
      }
    }
    for (RoutingRule r : wanted) {
      if (now.contains(r)) {
        continue;
      }
      try {
        run("add rule", r.args("add"));
        now.add(r);
      } catch (IOException e) {
        first = chain(first, e);
      }
    }
    now.sort(Comparator.comparingInt(RoutingRule::priority));
    policyRules = List.copyOf(now);
    for (String w : plan.warnings()) {
      log.warn("{}", w);
    }
    if (first != null) {
      throw first;
    }
    return plan.warnings();
  }

  /**
   * Deletes rules of priority P-1000 .. P carrying protocol {@value #RULE_PROTOCOL}, and routes of
   * that protocol in table T, for both IP families: what a killed daemon left behind.
   */
  private void removeStale() throws IOException {
    for (String fam : new String[] {"-4", "-6"}) {
      String listing;
      try {
        listing = query("list rules", List.of(fam, "rule", "show"));
      } catch (IOException e) {
        // IPv6 disabled in this kernel, for instance: there is nothing of that family to remove,
        // and adding a rule of it later fails with its own message.
        log.debug("{}", e.getMessage());
        continue;
      }
      for (String line : listing.split("\n")) {
        Matcher m = RULE_LINE.matcher(line.strip());
        if (!m.find() || !m.group(2).equals(Integer.toString(RULE_PROTOCOL))) {
          continue;
        }
        int pref = Integer.parseInt(m.group(1));
        if (pref < priority - POLICY_RULE_RANGE || pref > priority) {
          continue;
        }
        log.info("removing stale routing rule {}: {}", fam, line.strip());
        run(
            "delete stale rule",
            List.of(
                fam,
                "rule",
                "del",
                "priority",
                Integer.toString(pref),
                "proto",
                Integer.toString(RULE_PROTOCOL)));
      }
      // Routes die with their device; these exist only if a device of that name outlived us.
      // An empty or missing table makes ip complain, which is fine.
      ExecResult flush =
          Commands.runAllowingFailure(
              TIMEOUT,
              command(
                  List.of(
                      fam,
                      "route",
                      "flush",
                      "table",
                      Integer.toString(table),
                      "proto",
                      Integer.toString(RULE_PROTOCOL))));
      if (!flush.ok()) {
        log.debug("flushing table {} ({}): {}", table, fam, flush.stderr().strip());
      }
    }
  }

  /** Removes every rule and route added, newest first, continuing past failures. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<RoutingRule> all = new ArrayList<>(policyRules);
    all.addAll(tableRules);
    for (RoutingRule r : all) {
      try {
        run("delete rule", r.args("del"));
      } catch (IOException e) {
        log.warn("{}", e.getMessage());
      }
    }
    policyRules = List.of();
    tableRules.clear();
    if (org.meshsec.tun.LinkConfigurator.linkExists(ifname)) {
      for (int i = addedRoutes.size() - 1; i >= 0; i--) {
        List<String> del = new ArrayList<>(addedRoutes.get(i));
        del.set(2, "del");
        try {
          run("delete route", del);
        } catch (IOException e) {
          log.debug("{}", e.getMessage()); // the device went down and took its routes
        }
      }
    }
    addedRoutes.clear();
    if (lock != null) {
      lock.close();
    }
  }

  private static IOException chain(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private static String family(int version) {
    return version == 4 ? "-4" : "-6";
  }

  private void run(String operation, List<String> args) throws IOException {
    query(operation, args);
  }

  /**
   * Runs {@code ip ARGS} with {@link Commands} and returns its standard output; a failure names the
   * operation and the interface, then the command, its exit status and stderr.
   */
  private String query(String operation, List<String> args) throws IOException {
    try {
      return Commands.run(TIMEOUT, command(args)).stdout();
    } catch (CommandStartException e) {
      throw new IOException(
          operation + " for " + ifname + " failed: " + e.getMessage() + " (is iproute2 installed?)",
          e);
    } catch (IOException e) {
      throw new IOException(operation + " for " + ifname + " failed: " + e.getMessage(), e);
    }
  }

  private List<String> command(List<String> args) {
    List<String> cmd = new ArrayList<>(args.size() + 1);
    cmd.add(ipCommand);
    cmd.addAll(args);
    log.debug("routing: {}", Commands.render(cmd));
    return cmd;
  }
}
