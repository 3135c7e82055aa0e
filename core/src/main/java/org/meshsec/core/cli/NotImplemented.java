package org.meshsec.core.cli;

import picocli.CommandLine.Model.CommandSpec;

/** Shared by the placeholder subcommands until their control commands exist. */
final class NotImplemented {
  private NotImplemented() {}

  /** Prints {@code meshsec <command>: not implemented yet} and returns {@link ExitCode#USAGE}. */
  static int report(CommandSpec spec) {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": not implemented yet");
    return ExitCode.USAGE.code();
  }
}
