package org.meshsec.core.cli;

/**
 * Process exit codes of the {@code meshsec} command, one per kind of failure, in the manner of
 * ZooKeeper's {@code ExitCode}: scripts and systemd can tell a bad configuration from a runtime
 * failure.
 */
public enum ExitCode {
  /** Success. */
  OK(0),
  /**
   * The configuration or secrets file is invalid ({@code check-config}, {@code run}), or the daemon
   * answered a control command with an error (unknown peer, failed or timed-out {@code initiate},
   * refused reload, bad request).
   */
  CONFIG_ERROR(1),
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
