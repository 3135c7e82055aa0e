package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec show}: the control command {@code show} of a running daemon. */
@Command(
    name = "show",
    description =
        "Each peer: state, latest packet received, bytes each way, next rekey (like `wg show`).")
public final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Override
  public Integer call() {
    return control.call(spec, new ControlRequest.Show(control.json));
  }
}
