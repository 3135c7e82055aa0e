package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec ... reload}: the control command {@code reload} of a running daemon. */
@Command(name = "reload", description = "Re-read the configuration and apply only what changed.")
public final class ReloadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Override
  public Integer call() {
    return control.call(spec, new ControlRequest.Reload(control.json));
  }
}
