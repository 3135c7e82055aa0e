package org.meshsec.core.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.meshsec.core.control.ControlClient;
import org.meshsec.core.control.ControlCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Options shared by the subcommands that talk to a running daemon ({@code status}, {@code sa list},
 * ...), and the call itself: each CLI subcommand maps to one control command.
 */
final class ControlOptions {
  /** Default control socket; {@code $MESHSEC_SOCKET} overrides it. */
  static final String DEFAULT_SOCKET = "/run/meshsec/meshsec.sock";

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "The daemon's control socket (default: $MESHSEC_SOCKET or " + DEFAULT_SOCKET + ").")
  Path socket;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  static Path defaultSocket() {
    String env = System.getenv("MESHSEC_SOCKET");
    return Path.of(env == null || env.isBlank() ? DEFAULT_SOCKET : env);
  }

  Path socketPath() {
    return socket != null ? socket : defaultSocket();
  }

  /** Sends {@code command} (plus --json if asked) and prints the answer. */
  int call(CommandSpec spec, String command) {
    try {
      ControlCommand.Response r =
          ControlClient.call(socketPath(), command + (json ? " --json" : ""));
      if (r.ok()) {
        spec.commandLine().getOut().print(r.body());
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
      }
      spec.commandLine().getErr().print(r.body());
      spec.commandLine().getErr().flush();
      return ExitCode.CONFIG_ERROR.code();
    } catch (IOException e) {
      spec.commandLine().getErr().println("meshsec: " + e.getMessage());
      return ExitCode.CONTROL_UNAVAILABLE.code();
    }
  }
}
