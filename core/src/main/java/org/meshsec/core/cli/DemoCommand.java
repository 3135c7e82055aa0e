package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec demo}: placeholder, not implemented yet (exits {@link ExitCode#USAGE}). */
@Command(
    name = "demo",
    description = "Run two nodes in one process and ping through them. (not implemented yet)")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return NotImplemented.report(spec);
  }
}
