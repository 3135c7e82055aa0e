package org.meshsec.core.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.meshsec.core.control.ControlClient;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Options shared by the subcommands that talk to a running daemon ({@code status}, {@code sa list},
 * ...), and the call itself: each CLI subcommand builds one typed {@link ControlRequest} and prints
 * the response's body (stdout and exit 0 on success, stderr and exit 1 on failure; exit 4 when the
 * daemon cannot be reached). The steps the daemon reports before its answer ({@code initiate},
 * {@code terminate}, {@code rekey}) are printed one per line as they arrive: to stdout, or to
 * stderr with {@code --json} so that stdout stays one JSON document.
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

  /**
   * {@code --timeout SECONDS} as milliseconds (null stays null: the daemon's default).
   *
   * @throws ParameterException (a usage error, exit 2) outside [0, 600] seconds
   */
  static Long timeoutMillis(CommandSpec spec, Double seconds) {
    if (seconds == null) {
      return null;
    }
    double max = ControlRequest.MAX_TIMEOUT.toSeconds();
    if (!(seconds >= 0 && seconds <= max)) {
      throw new ParameterException(
          spec.commandLine(),
          "--timeout must be within [0, " + (long) max + "] seconds, not " + seconds);
    }
    return Math.round(seconds * 1000);
  }

  /** Sends {@code request} and prints the answer. */
  int call(CommandSpec spec, ControlRequest request) {
    try {
      PrintWriter steps = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
      ControlResponse r =
          ControlClient.call(
              socketPath(),
              request,
              line -> {
                steps.println(line);
                steps.flush();
              });
      if (r.ok()) {
        spec.commandLine().getOut().print(r.body());
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
      }
      spec.commandLine().getErr().print(r.body());
      spec.commandLine().getErr().flush();
      return ExitCode.FAILURE.code();
    } catch (IOException e) {
      spec.commandLine().getErr().println("meshsec: " + e.getMessage());
      return ExitCode.CONTROL_UNAVAILABLE.code();
    }
  }
}
