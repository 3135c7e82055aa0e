package org.meshsec.core.cli;

/**
 * Process exit codes of the {@code meshsec} command, one per kind of failure, in the manner of
 * ZooKeeper's {@code ExitCode}: scripts and systemd can tell a failed command from a bad command
 * line, a runtime failure or an absent daemon. This is the one list; docs/operations.md ("Exit
 * codes of the CLI") documents it, and the launcher {@code bin/meshsec} exits {@link #RUNTIME} when
 * it finds no JDK.
 */
public enum ExitCode {
  /** Success. */
  OK(0),
  /**
   * The command ran and failed: the configuration or secrets file is invalid ({@code check-config},
   * {@code run}), the daemon answered a control command with an error (unknown peer, failed or
   * timed-out {@code initiate}, refused reload, bad request), or a {@code pki} operation failed.
   */
  FAILURE(1),
  /**
   * Bad command line (unknown option, missing argument), or a subcommand that is not implemented
   * yet.
   */
  USAGE(2),
  /** A failure while running: I/O, TUN device, sockets, an unexpected exception. */
  RUNTIME(3),
  /** The daemon's control socket cannot be reached (not running, or no permission). */
  CONTROL_UNAVAILABLE(4);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The numeric process exit status. */
  public int code() {
    return code;
  }
}
