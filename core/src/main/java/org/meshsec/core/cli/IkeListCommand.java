package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec ike list}: the control command {@code ike-list} of a running daemon. */
@Command(
    name = "list",
    description = "List IKE SAs: state, peer, algorithms, age, next rekey, and their Child SAs.")
public final class IkeListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Override
  public Integer call() {
    return control.call(spec, new ControlRequest.IkeList(control.json));
  }
}
