package org.meshsec.core.spd;

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
    if ((action == Action.PROTECT) != (template != null)) {
      throw new IllegalArgumentException("a template is required exactly for PROTECT policies");
    }
  }
}
