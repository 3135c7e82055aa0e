package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec stats}: placeholder, not implemented yet (exits {@link ExitCode#USAGE}). */
@Command(name = "stats", description = "Show packet and error counters. (not implemented yet)")
public final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotImplemented.report(spec);
  }
}
