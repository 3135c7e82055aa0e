package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec ike ...}: commands on IKE SAs. Without a subcommand, prints usage. */
@Command(
    name = "ike",
    description = "Inspect IKE SAs.",
    subcommands = {IkeListCommand.class})
public final class IkeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }
}
