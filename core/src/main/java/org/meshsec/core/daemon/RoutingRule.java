package org.meshsec.core.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Selector;

/**
 * One {@code ip rule} of {@link RoutingRules}, tagged with protocol {@value
 * RoutingRules#RULE_PROTOCOL}.
 *
 * @param version 4 or 6
 * @param priority the rule's priority (smaller is consulted first)
 * @param from source prefix, or null for any
 * @param to destination prefix, or null for any
 * @param protocol IP protocol number, or 0 for any
 * @param sport source ports ({@link PortRange#ANY} for any)
 * @param dport destination ports ({@link PortRange#ANY} for any)
 * @param table the table to look up: {@code "main"} or a number
 */
public record RoutingRule(
    int version,
    int priority,
    IpPrefix from,
    IpPrefix to,
    int protocol,
    PortRange sport,
    PortRange dport,
    String table) {
  public RoutingRule {
    Objects.requireNonNull(sport, "sport");
    Objects.requireNonNull(dport, "dport");
    Objects.requireNonNull(table, "table");
  }

  /** The arguments of {@code ip} that add ({@code "add"}) or delete ({@code "del"}) it. */
  public List<String> args(String verb) {
    List<String> a = new ArrayList<>();
    a.add(version == 4 ? "-4" : "-6");
    a.addAll(List.of("rule", verb, "priority", Integer.toString(priority)));
    if (from != null) {
      a.add("from");
      a.add(from.toString());
    }
    if (to != null) {
      a.add("to");
      a.add(to.toString());
    }
    if (protocol != Selector.ANY_PROTOCOL) {
      a.add("ipproto");
      a.add(Integer.toString(protocol));
    }
    if (!sport.isAny()) {
      a.add("sport");
      a.add(ports(sport));
    }
    if (!dport.isAny()) {
      a.add("dport");
      a.add(ports(dport));
    }
    a.addAll(List.of("lookup", table, "proto", Integer.toString(RoutingRules.RULE_PROTOCOL)));
    return a;
  }

  private static String ports(PortRange r) {
    return r.from() == r.to() ? Integer.toString(r.from()) : r.from() + "-" + r.to();
  }

  @Override
  public String toString() {
    return String.join(" ", args("add"));
  }
}
