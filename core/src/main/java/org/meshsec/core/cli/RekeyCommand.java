package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshsec rekey PEER}: the control command {@code rekey PEER} of a running daemon. */
@Command(name = "rekey", description = "Rekey the IKE SA(s) with PEER.")
public final class RekeyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Parameters(index = "0", paramLabel = "PEER", description = "A [[peer]] name.")
  String peer;

  @Override
  public Integer call() {
    return control.call(spec, "rekey " + peer);
  }
}
