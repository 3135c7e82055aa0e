package org.meshsec.core.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.meshsec.core.config.ConfigError;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.config.PolicyWarnings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec check-config FILE}: validates a configuration (and its secrets file and mesh file)
 * without starting anything; given a mesh file itself (it has {@code [[node]]} tables), validates
 * that alone. Prints {@code configuration OK} on standard output and exits 0 (after any warning
 * about policies that can never match or are negotiated twice, on standard error), or prints each
 * error as {@code file:line: reason} on standard error and exits {@link ExitCode#FAILURE}.
 */
@Command(
    name = "check-config",
    description = "Validate a configuration file and its secrets file without starting.")
public final class CheckConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The configuration file.")
  Path file;

  @Override
  public Integer call() {
    if (ConfigLoader.isMeshFile(file)) {
      ConfigLoader.MeshResult mesh = ConfigLoader.loadMesh(file);
      if (mesh.mesh() != null) {
        spec.commandLine()
            .getOut()
            .println("mesh file OK: " + mesh.mesh().nodes().size() + " nodes");
        return ExitCode.OK.code();
      }
      mesh.errors().forEach(spec.commandLine().getErr()::println);
      return ExitCode.FAILURE.code();
    }
    ConfigResult result = ConfigLoader.load(file);
    if (result.isOk()) {
      for (String w : PolicyWarnings.of(result.config())) {
        spec.commandLine().getErr().println(file + ": warning: " + w);
      }
      spec.commandLine().getOut().println("configuration OK");
      return ExitCode.OK.code();
    }
    PrintWriter err = spec.commandLine().getErr();
    for (ConfigError e : result.errors()) {
      err.println(e);
    }
    return ExitCode.FAILURE.code();
  }
}
