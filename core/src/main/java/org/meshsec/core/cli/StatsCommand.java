package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshsec ... stats}: the control command {@code stats} of a running daemon. */
@Command(name = "stats", description = "Show the xfrm_stat-style error and drop counters.")
public final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Override
  public Integer call() {
    return control.call(spec, new ControlRequest.Stats(control.json));
  }
}
