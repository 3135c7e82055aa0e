package org.meshsec.tun.exec;

import java.io.IOException;

/**
 * A command exited with a non-zero status. The message is "`COMMAND` exited with CODE", then its
 * standard error, or (when that is empty) the end of its standard output, where tools print their
 * verdict.
 */
public final class CommandFailedException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient ExecResult result;

  /** A failure for {@code result}, which must not be {@link ExecResult#ok()}. */
  public CommandFailedException(ExecResult result) {
    super(
        "`"
            + Commands.render(result.command())
            + "` exited with "
            + result.exitCode()
            + detail(result));
    this.result = result;
  }

  private static String detail(ExecResult r) {
    if (!r.stderr().isBlank()) {
      return ": " + r.stderr().strip();
    }
    String out = r.stdout().strip();
    if (out.isEmpty()) {
      return "";
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
