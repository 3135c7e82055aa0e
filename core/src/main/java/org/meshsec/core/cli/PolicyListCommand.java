package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec ... list}: the control command {@code policy-list} of a running daemon. */
@Command(name = "list", description = "List security policies.")
public final class PolicyListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Override
  public Integer call() {
    return control.call(spec, new ControlRequest.PolicyList(control.json));
  }
}
