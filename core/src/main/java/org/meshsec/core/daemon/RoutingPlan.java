package org.meshsec.core.daemon;

import java.util.ArrayList;
import java.util.List;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;

/**
 * The {@code ip rule}s that make OUT BYPASS policies bypass the TUN device (see {@link
 * RoutingRules} for the table and the rules' shape), computed from the TUN routes and the SPD's
 * policies, and what could not be expressed. Pure: runs nothing; immutable.
 *
 * <p>T is the table of the TUN routes and P the priority of the rule that looks it up (by default
 * {@value RoutingRules#DEFAULT_TABLE} and {@value RoutingRules#DEFAULT_PRIORITY}). The rules of the
 * range P-1000 .. P-1 follow the SPD's order (higher priority first; see {@link Policy#beats}):
 * rule i is the i-th OUT policy, in that order, that needs a rule. A BYPASS policy needs one rule
 * per TUN route its destination intersects ({@code to} is the intersection). A PROTECT or DISCARD
 * policy needs one (looking up table T, so that the SPD decides) only when it ranks above a BYPASS
 * it overlaps -- otherwise the BYPASS rule would steal traffic the SPD protects or discards.
 * Policies after the last BYPASS are left to the catch-all rule P.
 *
 * <p><b>What cannot be expressed.</b> A rule has no ICMP type or code. A BYPASS rule must never be
 * broader than its policy (that would send traffic in the clear that the SPD protects), so a BYPASS
 * with an ICMP type or code gets no rule; its packets still reach the TUN device, where the data
 * path sees BYPASS and drops them ({@link org.meshsec.core.datapath.DataPath.ClearOut}), and a
 * warning says so at start. A PROTECT or DISCARD rule may be broader (it only sends traffic into
 * the TUN, where the SPD decides exactly), so its ICMP type and code are simply left out. Matching
 * happens on what the kernel knows at route lookup: for forwarded traffic the whole header; for
 * locally originated traffic the source address is not chosen yet when a socket is not bound, so a
 * {@code from} selector may miss the first lookup (use {@code src = "0.0.0.0/0"} for host-local
 * bypasses). A BYPASS rule whose main-table lookup finds no route falls through to table T, so
 * without an underlay route the traffic enters the TUN device and is dropped there: nothing leaks.
 *
 * @param rules per-policy rules, then one table rule per IP family that has routes
 * @param warnings one line per BYPASS policy that got no rule, and why
 */
public record RoutingPlan(List<RoutingRule> rules, List<String> warnings) {
  public RoutingPlan {
    rules = List.copyOf(rules);
    warnings = List.copyOf(warnings);
  }

  /** Computes the rules for {@code routes} and {@code policies}; see the class comment. */
  public static RoutingPlan of(
      List<IpPrefix> routes, List<Policy> policies, int table, int priority) {
    List<Policy> out = new ArrayList<>();
    for (Policy p : policies) {
      if (p.direction() == Direction.OUT) {
        out.add(p);
      }
    }
    out.sort((a, b) -> a.beats(b) ? -1 : b.beats(a) ? 1 : 0);
    List<String> warnings = new ArrayList<>();
    int last = -1;
    for (int i = 0; i < out.size(); i++) {
      Policy p = out.get(i);
      if (p.action() == Action.BYPASS && !pieces(p.selector(), routes).isEmpty()) {
        if (expressible(p.selector())) {
          last = i;
        } else {
          warnings.add(
              "bypass policy '"
                  + p.name()
                  + "' ("
                  + p.selector().describe()
                  + ") selects an ICMP type or code, which ip rules cannot match: its packets"
                  + " enter the TUN device and are dropped there instead of bypassing it");
        }
      }
    }
    List<RoutingRule> rules = new ArrayList<>();
    int next = priority - RoutingRules.POLICY_RULE_RANGE;
    String tableName = Integer.toString(table);
    for (int i = 0; i <= last; i++) {
      Policy p = out.get(i);
      Selector s = p.selector();
      String lookup;
      if (p.action() == Action.BYPASS) {
        if (!expressible(s)) {
          continue;
        }
        lookup = "main";
      } else if (overlapsLaterBypass(out, i, last)) {
        lookup = tableName;
      } else {
        continue;
      }
      for (IpPrefix to : pieces(s, routes)) {
        if (next >= priority) {
          throw new IllegalArgumentException(
              "more than "
                  + RoutingRules.POLICY_RULE_RANGE
                  + " routing rules needed for the bypass policies");
        }
        rules.add(
            new RoutingRule(
                s.version(),
                next++,
                s.src().length() == 0 ? null : s.src(),
                to,
                s.protocol(),
                s.srcPorts(),
                s.dstPorts(),
                lookup));
      }
    }
    for (int v : new int[] {4, 6}) {
      if (routes.stream().anyMatch(r -> r.version() == v)) {
        rules.add(
            new RoutingRule(v, priority, null, null, 0, PortRange.ANY, PortRange.ANY, tableName));
      }
    }
    return new RoutingPlan(rules, warnings);
  }

  private static boolean expressible(Selector s) {
    return s.icmpType() < 0 && s.icmpCode() < 0;
  }

  /** The parts of the selector's destination that lie inside a route: one prefix per route. */
  private static List<IpPrefix> pieces(Selector s, List<IpPrefix> routes) {
    List<IpPrefix> out = new ArrayList<>();
    for (IpPrefix r : routes) {
      IpPrefix i = intersection(s.dst(), r);
      if (i != null && !out.contains(i)) {
        out.add(i);
      }
    }
    return out;
  }

  static IpPrefix intersection(IpPrefix a, IpPrefix b) {
    if (a.contains(b)) {
      return b;
    }
    if (b.contains(a)) {
      return a;
    }
    return null;
  }

  private static boolean overlapsLaterBypass(List<Policy> out, int i, int last) {
    Selector s = out.get(i).selector();
    for (int j = i + 1; j <= last; j++) {
      Policy q = out.get(j);
      if (q.action() == Action.BYPASS && expressible(q.selector()) && overlap(s, q.selector())) {
        return true;
      }
    }
    return false;
  }

  /** Whether some packet could match both selectors (ICMP type/code ignored: conservative). */
  static boolean overlap(Selector a, Selector b) {
    if (a.version() != b.version()
        || intersection(a.src(), b.src()) == null
        || intersection(a.dst(), b.dst()) == null) {
      return false;
    }
    if (a.protocol() != Selector.ANY_PROTOCOL
        && b.protocol() != Selector.ANY_PROTOCOL
        && a.protocol() != b.protocol()) {
      return false;
    }
    int proto = a.protocol() != Selector.ANY_PROTOCOL ? a.protocol() : b.protocol();
    if (proto != Selector.ANY_PROTOCOL && !PacketInfo.hasPorts(proto)) {
      return true;
    }
    return overlap(a.srcPorts(), b.srcPorts()) && overlap(a.dstPorts(), b.dstPorts());
  }

  private static boolean overlap(PortRange a, PortRange b) {
    return a.from() <= b.to() && b.from() <= a.to();
  }
}
