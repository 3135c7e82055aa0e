package org.meshsec.core.control.command;

import org.meshsec.core.control.CommandRegistry;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.daemon.Daemon;

/**
 * The control commands of a running {@link Daemon}, one class per {@link ControlRequest} type and
 * one CLI subcommand per command: {@code status}, {@code sa-list}, {@code policy-list}, {@code
 * stats}, {@code reload}, and for IKE {@code ike-list}, {@code initiate}, {@code terminate}, {@code
 * rekey}. The {@code stop} command ({@link StopCommand}) is not among them: it needs the process's
 * own shutdown, so the process that owns it registers it ({@code org.meshsec.core.cli.RunCommand}).
 */
public final class DaemonControl {
  private DaemonControl() {}

  /** A registry serving every command of {@code d}. */
  public static CommandRegistry commands(Daemon d) {
    return new CommandRegistry()
        .register(ControlRequest.Status.class, new StatusCommand(d))
        .register(ControlRequest.SaList.class, new SaListCommand(d))
        .register(ControlRequest.PolicyList.class, new PolicyListCommand(d))
        .register(ControlRequest.Stats.class, new StatsCommand(d))
        .register(ControlRequest.Reload.class, new ReloadCommand(d))
        .register(ControlRequest.IkeList.class, new IkeListCommand(d))
        .register(ControlRequest.Initiate.class, new InitiateCommand(d))
        .register(ControlRequest.Terminate.class, new TerminateCommand(d))
        .register(ControlRequest.Rekey.class, new RekeyCommand(d))
        .register(ControlRequest.ExportKeys.class, new ExportKeysCommand(d))
        .register(ControlRequest.Diagnose.class, new DiagnoseCommand(d))
        .register(ControlRequest.Show.class, new ShowCommand(d));
  }
}
