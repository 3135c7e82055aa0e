package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec sa ...}: commands on security associations. Without a subcommand, prints usage.
 */
@Command(
    name = "sa",
    description = "Inspect security associations.",
    subcommands = {SaListCommand.class, SaExportKeysCommand.class})
public final class SaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }
}
