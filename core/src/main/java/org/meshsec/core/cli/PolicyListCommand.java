package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec policy list}: placeholder, not implemented yet (exits {@link ExitCode#USAGE}). */
@Command(name = "list", description = "List security policies. (not implemented yet)")
public final class PolicyListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotImplemented.report(spec);
  }
}
