package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec mesh ...}: commands on the mesh file. Without a subcommand, prints usage. */
@Command(
    name = "mesh",
    description = "Review what this node derives from its mesh file.",
    subcommands = {MeshShowCommand.class})
public final class MeshCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }
}
