package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec ... status}: the control command {@code status} of a running daemon. */
@Command(name = "status", description = "Show the running node's state.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Override
  public Integer call() {
    return control.call(spec, new ControlRequest.Status(control.json));
  }
}
