package org.meshsec.core.control.command;

import java.nio.file.Path;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;

/**
 * {@code stop}: answers, then stops the daemon through {@code stop}, the process's own shutdown
 * (the one SIGTERM runs; it closes the control server, so it starts only once the answer is out:
 * {@link #afterAnswer}). With {@code forRestart} the stop is a stop for restart ({@link
 * Daemon#stopForRestart}): the SAs go to the daemon's state file for the next process. A daemon
 * without a state file refuses a stop for restart and keeps running, rather than stop and lose its
 * SAs.
 *
 * <p>Thread-safety: stateless besides the daemon, whose accessors are thread-safe; {@code stop}
 * must be callable from any thread and return at once.
 */
public final class StopCommand implements Command<ControlRequest.Stop> {

  /**
   * The {@code stop --json} view.
   *
   * @param forRestart whether it is a stop for restart
   * @param espSas the ESP SAs installed now (for restart: those the state file will hold, unless
   *     one expires first)
   * @param ikeSas the IKE SAs now
   * @param stateFile the state file written (null for a plain stop)
   */
  public record View(boolean forRestart, int espSas, int ikeSas, String stateFile) {}

  private final Daemon d;
  private final Runnable stop;

  /**
   * @param stop starts the process's shutdown and returns at once
   */
  public StopCommand(Daemon d, Runnable stop) {
    this.d = d;
    this.stop = stop;
  }

  @Override
  public ControlResponse run(ControlRequest.Stop request) {
    Path state = d.stateFile();
    if (request.forRestart() && state == null) {
      return ControlResponse.error(
          "not stopping: this daemon has no hot-restart state file to write its SAs to"
              + " (`meshsec run` keeps one beside its control socket); `meshsec stop` stops it"
              + " without one");
    }
    IkeService ike = d.ike();
    int esp = d.dataPath().sad().inboundCount() + d.dataPath().sad().outboundCount();
    int ikeSas = ike == null ? 0 : ike.list().size();
    View v =
        new View(request.forRestart(), esp, ikeSas, request.forRestart() ? state.toString() : null);
    if (request.json()) {
      return ControlResponse.json(true, v);
    }
    String node = d.config().node().name();
    return ControlResponse.ok(
        request.forRestart()
            ? "stopping node %s for restart: %d ESP SAs and %d IKE SAs will be written to %s\n"
                .formatted(node, esp, ikeSas, state)
            : "stopping node %s\n".formatted(node));
  }

  @Override
  public Runnable afterAnswer(ControlRequest.Stop request, ControlResponse response) {
    if (!response.ok()) {
      return null;
    }
    return () -> {
      if (request.forRestart()) {
        d.stopForRestart();
      }
      stop.run();
    };
  }
}
