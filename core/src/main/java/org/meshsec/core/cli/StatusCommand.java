package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec status}: placeholder, not implemented yet (exits {@link ExitCode#USAGE}). */
@Command(name = "status", description = "Show the daemon's status. (not implemented yet)")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotImplemented.report(spec);
  }
}
