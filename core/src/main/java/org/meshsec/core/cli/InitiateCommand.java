package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshsec initiate PEER}: the control command {@code initiate PEER} of a running daemon. */
@Command(
    name = "initiate",
    description =
        "Bring up the IKE SA with PEER and all its Child SAs; waits for them (--timeout).")
public final class InitiateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Parameters(index = "0", paramLabel = "PEER", description = "A [[peer]] name.")
  String peer;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "How long to wait for the outcome (0: do not wait; default: the daemon's).")
  Double timeout;

  @Override
  public Integer call() {
    return control.call(
        spec,
        new ControlRequest.Initiate(
            peer, ControlOptions.timeoutMillis(spec, timeout), control.json, true));
  }
}
