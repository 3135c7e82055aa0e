package org.meshsec.core.control;

import java.util.List;

/**
 * One named command of the control socket. Each CLI subcommand that talks to a running daemon maps
 * one-to-one to a command here (the way strongSwan's swanctl maps to vici commands).
 *
 * <p>Implementations are called on the control socket's thread and must be thread-safe with respect
 * to the data path (read snapshots, counters; hand mutations to their owner).
 */
@FunctionalInterface
public interface ControlCommand {
  /**
   * Runs the command.
   *
   * @param args the words after the command name (e.g. {@code --json})
   * @return the response; {@link Response#ok} text is printed by the CLI as is
   */
  Response run(List<String> args);

  /** A command's answer: success with text, or an error message (CLI exit code 1). */
  record Response(boolean ok, String body) {
    public static Response ok(String body) {
      return new Response(true, body);
    }

    public static Response error(String message) {
      return new Response(false, message);
    }
  }
}
