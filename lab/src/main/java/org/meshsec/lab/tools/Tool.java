package org.meshsec.lab.tools;

import java.io.PrintStream;

/** A command-line traffic tool: prints to {@code out}/{@code err} and returns an exit code. */
@FunctionalInterface
public interface Tool {
  /** Exit code for success. */
  int OK = 0;

  /** Exit code for a failed check or an I/O error. */
  int FAILED = 1;

  /** Exit code for bad arguments. */
  int USAGE = 2;

  int run(PrintStream out, PrintStream err, String... args);
}
