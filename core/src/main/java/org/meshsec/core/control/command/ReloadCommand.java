package org.meshsec.core.control.command;

import java.util.List;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;

/**
 * {@code reload}: re-reads the configuration and applies what changed; fails (with the reasons)
 * when the new configuration is refused. Thread-safe: the daemon serialises reloads.
 */
public final class ReloadCommand implements Command<ControlRequest.Reload> {

  /**
   * The {@code reload --json} view.
   *
   * @param applied whether the new configuration is in force
   * @param messages what changed, or why it was refused
   */
  public record View(boolean applied, List<String> messages) {}

  private final Daemon d;

  public ReloadCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Reload request) {
    Daemon.ReloadResult r = d.reload();
    if (request.json()) {
      return ControlResponse.json(r.applied(), new View(r.applied(), r.messages()));
    }
    String text = String.join("\n", r.messages());
    return r.applied() ? ControlResponse.ok(text) : ControlResponse.error(text);
  }
}
