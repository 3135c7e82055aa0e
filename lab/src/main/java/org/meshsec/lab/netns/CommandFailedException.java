package org.meshsec.lab.netns;

import java.io.IOException;

/** A command exited with a non-zero status; the message names the command, status and stderr. */
public final class CommandFailedException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient ExecResult result;

  CommandFailedException(ExecResult result) {
    super(
        "`" + Commands.render(result.command()) + "` exited " + result.exitCode() + detail(result));
    this.result = result;
  }

  /** stderr; or, when that is empty, the end of stdout (tools print their verdict there). */
  private static String detail(ExecResult r) {
    if (!r.stderr().isBlank()) {
      return ": " + r.stderr().strip();
    }
    String out = r.stdout().strip();
    if (out.isEmpty()) {
      return " (no output)";
    }
    return "; stdout: " + (out.length() > 2000 ? "..." + out.substring(out.length() - 2000) : out);
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
