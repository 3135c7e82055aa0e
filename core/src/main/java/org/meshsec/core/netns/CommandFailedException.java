package org.meshsec.core.netns;

import java.io.IOException;

/** A command exited with a non-zero status; the message names the command, status and stderr. */
public final class CommandFailedException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient ExecResult result;

  CommandFailedException(ExecResult result) {
    super(
        "`"
            + Commands.render(result.command())
            + "` exited "
            + result.exitCode()
            + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
    this.result = result;
  }

  /** The failed command's result (argv, status, output). */
  public ExecResult result() {
    return result;
  }

  /** The command's exit status. */
  public int exitCode() {
    return result.exitCode();
  }
}
