package org.meshsec.core.config;

import java.util.List;

/** The {@code [routing]} table. Stateless. */
final class RoutingParser {
  static final List<String> ROUTING_KEYS = List.of("table", "priority");

  private RoutingParser() {}

  /** Parses {@code [routing]}: absent means the defaults; null when invalid (reported). */
  static RoutingConfig parse(TomlSection s) {
    if (s == null) {
      return RoutingConfig.DEFAULTS;
    }
    s.checkKeys(ROUTING_KEYS);
    boolean ok = true;
    long table = RoutingConfig.DEFAULT_TABLE;
    if (s.has("table")) {
      Long t = s.integer("table");
      String why = t == null ? null : RoutingConfig.tableProblem(t);
      if (why != null) {
        s.error("table", why);
      }
      ok &= t != null && why == null;
      table = t == null ? table : t;
    }
    long priority = RoutingConfig.DEFAULT_PRIORITY;
    if (s.has("priority")) {
      Long p = s.integer("priority");
      String why = p == null ? null : RoutingConfig.priorityProblem(p);
      if (why != null) {
        s.error("priority", why);
      }
      ok &= p != null && why == null;
      priority = p == null ? priority : p;
    }
    return ok ? new RoutingConfig((int) table, (int) priority) : null;
  }
}
