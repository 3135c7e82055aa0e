package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec version}: prints {@code meshsec <version>}. */
@Command(name = "version", description = "Print the meshsec version.")
public final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("meshsec " + VersionInfo.version());
    return ExitCode.OK.code();
  }
}
