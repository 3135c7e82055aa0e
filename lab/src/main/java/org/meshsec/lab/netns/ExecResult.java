package org.meshsec.lab.netns;

import java.util.List;

/**
 * What a finished command produced.
 *
 * @param command the argv that ran
 * @param exitCode its exit status
 * @param stdout everything it wrote to standard output (UTF-8)
 * @param stderr everything it wrote to standard error (UTF-8)
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
  public ExecResult {
    command = List.copyOf(command);
  }

  /** Whether the command exited with status 0. */
  public boolean ok() {
    return exitCode == 0;
  }
}
