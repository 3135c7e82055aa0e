package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec rekey PEER [--child NAME]}: the control command {@code rekey} of a running daemon.
 */
@Command(
    name = "rekey",
    description =
        "Rekey the IKE SA(s) with PEER, or one of its Child SAs (--child); waits until they are"
            + " replaced (--timeout).")
public final class RekeyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Parameters(index = "0", paramLabel = "PEER", description = "A [[peer]] name.")
  String peer;

  @Option(
      names = "--child",
      paramLabel = "NAME",
      description =
          "Rekey only this Child SA (a [[policy]] name of the peer); the IKE SA stays as it is.")
  String child;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "How long to wait for the outcome (0: do not wait; default: the daemon's).")
  Double timeout;

  @Override
  public Integer call() {
    return control.call(
        spec,
        new ControlRequest.Rekey(
            peer, ControlOptions.timeoutMillis(spec, timeout), control.json, true, child));
  }
}
