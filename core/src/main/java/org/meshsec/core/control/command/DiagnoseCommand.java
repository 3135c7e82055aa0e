package org.meshsec.core.control.command;

import java.time.Duration;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.diagnose.Diagnoser;
import org.meshsec.core.diagnose.Diagnosis;

/**
 * {@code diagnose}: samples the path to one peer ({@link Diagnoser}) and answers the report, as
 * text (one screen) or JSON. Succeeds whatever the verdict: a diagnosis that finds a fault is a
 * successful diagnosis. Thread-safe; blocks its control worker for the sampling window.
 */
public final class DiagnoseCommand implements Command<ControlRequest.Diagnose> {
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(3);

  private final Daemon d;

  public DiagnoseCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Diagnose request) {
    Duration window =
        request.sampleMillis() == null ? DEFAULT_WINDOW : Duration.ofMillis(request.sampleMillis());
    Diagnosis r = Diagnoser.diagnose(d, request.peer(), window);
    return request.json() ? ControlResponse.json(true, r) : ControlResponse.ok(r.text());
  }
}
