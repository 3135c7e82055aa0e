package org.meshsec.core.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec run --config FILE}: placeholder, not implemented yet (exits {@link
 * ExitCode#USAGE}).
 */
@Command(name = "run", description = "Run the daemon. (not implemented yet)")
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The configuration file.")
  Path config;

  @Override
  public Integer call() {
    return NotImplemented.report(spec);
  }
}
