package org.meshsec.core.spd;

import java.util.Objects;

/**
 * A policy's identity across configurations and reloads: the name the operator gave it and its
 * direction (a {@code direction = "both"} entry is two policies with one name). The SPD's ids are
 * not identity: a reload keeps an unchanged policy's id, and a changed policy gets a new one.
 *
 * @param name the policy's name in the config file
 * @param direction OUT or IN
 */
public record PolicyKey(String name, Direction direction) {
  public PolicyKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(direction, "direction");
  }

  /** {@code name/OUT} or {@code name/IN}, as logs and messages show a policy. */
  @Override
  public String toString() {
    return name + "/" + direction;
  }
}
