package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshsec diagnose PEER}: the control command {@code diagnose} of a running daemon. */
@Command(
    name = "diagnose",
    description = {
      "Is the path to PEER broken in the network or in IPsec? Probes the underlay (ping, an IKE"
          + " liveness check, the path MTU), samples the SAs' counters and drops, and ends with a"
          + " verdict and the next command to run."
    })
public final class DiagnoseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Parameters(paramLabel = "PEER", description = "A [[peer]] name.")
  String peer;

  @Option(
      names = "--sample",
      paramLabel = "SECONDS",
      description = "How long to sample the counters (default 3, 0.5 to 30).")
  Double sample;

  @Override
  public Integer call() {
    Long millis = sample == null ? null : Math.round(sample * 1000);
    return control.call(spec, new ControlRequest.Diagnose(peer, millis, control.json));
  }
}
