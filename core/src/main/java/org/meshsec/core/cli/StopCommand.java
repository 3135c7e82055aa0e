package org.meshsec.core.cli;

import java.util.concurrent.Callable;
import org.meshsec.core.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec ... stop [--for-restart]}: the control command {@code stop} of a running daemon.
 * The daemon answers, then stops; this returns once it has answered, not once it has exited.
 */
@Command(
    name = "stop",
    description = {
      "Stop the daemon, as SIGTERM does; with --for-restart, hand its SAs to the next `meshsec run`.",
      "Returns once the daemon has answered; the process exits shortly after."
    })
public final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Option(
      names = "--for-restart",
      description =
          "Stop for restart: keep the IKE SAs with the peers and write the ESP and IKE SAs to the"
              + " state file beside the control socket, which the next `meshsec run` resumes"
              + " without any exchange.")
  boolean forRestart;

  @Override
  public Integer call() {
    return control.call(spec, new ControlRequest.Stop(forRestart, control.json));
  }
}
