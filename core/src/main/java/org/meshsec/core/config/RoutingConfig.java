package org.meshsec.core.config;

/**
 * The {@code [routing]} table: where the daemon puts its policy routing (docs/routing.md). The
 * defaults suit one daemon per network namespace; two daemons share a namespace when each has its
 * own table and a rule priority range that does not overlap the other's. Immutable.
 *
 * @param table the routing table that holds the {@code [tun] routes}: 1..2^31-1, not 253, 254 or
 *     255 (the kernel's default, main and local tables)
 * @param priority the priority of the rule that looks the table up; the per-policy bypass rules
 *     take the {@value #POLICY_RULE_RANGE} priorities below it, so it lies in ({@value
 *     #POLICY_RULE_RANGE}, 32766)
 */
public record RoutingConfig(int table, int priority) {
  /** The table used when {@code [routing]} does not name one. */
  public static final int DEFAULT_TABLE = 4500;

  /** The priority used when {@code [routing]} does not name one. */
  public static final int DEFAULT_PRIORITY = 10000;

  /** How many priorities below the table rule are reserved for per-policy rules. */
  public static final int POLICY_RULE_RANGE = 1000;

  /** Priority of the kernel's rule that looks up the main table. */
  public static final int MAIN_RULE_PRIORITY = 32766;

  /** The defaults: table 4500, priority 10000. */
  public static final RoutingConfig DEFAULTS = new RoutingConfig(DEFAULT_TABLE, DEFAULT_PRIORITY);

  public RoutingConfig {
    String why = tableProblem(table);
    if (why == null) {
      why = priorityProblem(priority);
    }
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  /** The lowest priority reserved: that of the first per-policy rule. */
  public int firstPriority() {
    return priority - POLICY_RULE_RANGE;
  }

  /** "table 4500, rule priorities 9000-10000", for messages. */
  public String describe() {
    return "table " + table + ", rule priorities " + firstPriority() + "-" + priority;
  }

  /** Why {@code table} cannot hold the routes, or null when it can. */
  static String tableProblem(long table) {
    if (table < 1 || table > Integer.MAX_VALUE) {
      return "table " + table + " is out of range 1.." + Integer.MAX_VALUE;
    }
    if (table >= 253 && table <= 255) {
      return "table "
          + table
          + " is the kernel's "
          + (table == 253 ? "default" : table == 254 ? "main" : "local")
          + " table: choose a table of its own";
    }
    return null;
  }

  /** Why {@code priority} cannot be the table rule's priority, or null when it can. */
  static String priorityProblem(long priority) {
    if (priority <= POLICY_RULE_RANGE || priority >= MAIN_RULE_PRIORITY) {
      return "priority "
          + priority
          + " is out of range "
          + (POLICY_RULE_RANGE + 1)
          + ".."
          + (MAIN_RULE_PRIORITY - 1)
          + " (the "
          + POLICY_RULE_RANGE
          + " priorities below it hold the bypass rules, and it must come before the main table's"
          + " rule at "
          + MAIN_RULE_PRIORITY
          + ")";
    }
    return null;
  }
}
