package org.meshsec.core.spd;

import java.util.Objects;

/**
 * One SPD entry (RFC 4301 section 4.4.1). Higher {@code priority} wins; among equal priorities the
 * policy added first wins (its lower {@code id}), so the SPD keeps the "ordered" semantics of RFC
 * 4301 while letting narrow exceptions (SSH or ICMP BYPASS) override broad PROTECT rules.
 *
 * @param id unique, assigned by the SPD in insertion order
 * @param name the name the operator gave it (config file key), for logs and the CLI
 * @param priority larger wins
 * @param direction OUT or IN
 * @param selector what traffic it matches
 * @param action PROTECT, BYPASS or DISCARD
 * @param template the SA requirements; non-null exactly when {@code action} is PROTECT
 */
public record Policy(
    long id,
    String name,
    int priority,
    Direction direction,
    Selector selector,
    Action action,
    IpsecTemplate template) {
  public Policy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(action, "action");
    if ((action == Action.PROTECT) != (template != null)) {
      throw new IllegalArgumentException("a template is required exactly for PROTECT policies");
    }
  }

  /** Its identity across configurations: name and direction. */
  public PolicyKey key() {
    return new PolicyKey(name, direction);
  }

  /** This policy with another id (the SPD assigns ids; callers pass any value, e.g. 0). */
  public Policy withId(long newId) {
    return new Policy(newId, name, priority, direction, selector, action, template);
  }

  /**
   * Whether this policy wins over {@code other} under the SPD's order: higher priority, then lower
   * id.
   */
  public boolean beats(Policy other) {
    return priority != other.priority ? priority > other.priority : id < other.id;
  }
}
