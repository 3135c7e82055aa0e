package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec reload}: placeholder, not implemented yet (exits {@link ExitCode#USAGE}). */
@Command(
    name = "reload",
    description = "Re-read the configuration and apply the difference. (not implemented yet)")
public final class ReloadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotImplemented.report(spec);
  }
}
