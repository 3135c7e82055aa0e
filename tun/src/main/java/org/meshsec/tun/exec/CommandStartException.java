package org.meshsec.tun.exec;

import java.io.IOException;
import java.util.List;

/**
 * A program could not be started (not installed, not executable). The message is "cannot run
 * `COMMAND`: REASON"; the cause is the {@link IOException} of {@link ProcessBuilder#start()}.
 */
public final class CommandStartException extends IOException {
  private static final long serialVersionUID = 1L;
  private final List<String> command;

  CommandStartException(List<String> command, IOException cause) {
    super("cannot run `" + Commands.render(command) + "`: " + cause.getMessage(), cause);
    this.command = List.copyOf(command);
  }

  /** The argv that could not be started. */
  public List<String> command() {
    return command;
  }
}
