package org.meshsec.core.config;

import java.util.List;

/**
 * Outcome of {@link ConfigLoader#load}: either a valid {@link NodeConfig} or every problem found.
 * Bad content is never reported by an exception.
 */
public sealed interface ConfigResult permits ConfigResult.Ok, ConfigResult.Invalid {

  /** Whether loading succeeded. */
  boolean isOk();

  /**
   * The configuration.
   *
   * @throws IllegalStateException when the result is {@link Invalid}
   */
  NodeConfig config();

  /** The problems found, in file order then line order; empty when {@link #isOk()}. */
  List<ConfigError> errors();

  /** A valid configuration. */
  record Ok(NodeConfig config) implements ConfigResult {
    @Override
    public boolean isOk() {
      return true;
    }

    @Override
    public List<ConfigError> errors() {
      return List.of();
    }
  }

  /** At least one problem; no configuration. */
  record Invalid(List<ConfigError> errors) implements ConfigResult {
    public Invalid {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an invalid result needs at least one error");
      }
    }

    @Override
    public boolean isOk() {
      return false;
    }

    @Override
    public NodeConfig config() {
      throw new IllegalStateException("configuration is invalid: " + errors.get(0));
    }
  }
}
