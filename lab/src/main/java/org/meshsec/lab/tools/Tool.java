package org.meshsec.lab.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command-line traffic tool: a picocli command that prints to the command line's out/err and
 * returns an exit code. Run one with {@link Tools#execute} (its own {@code main}) or as a
 * subcommand of {@code meshsec-lab tool}. Not thread-safe; one instance per invocation.
 */
public abstract class Tool implements Callable<Integer> {
  /** Exit code for success. */
  public static final int OK = 0;

  /** Exit code for a failed check or an I/O error. */
  public static final int FAILED = 1;

  /** Exit code for bad arguments. */
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  /** The one-line usage printed after a usage error, e.g. {@code tcp-sink PORT [--bind ADDR]}. */
  public abstract String synopsis();

  /** Runs the tool with its parsed options; a {@link #usage} exception means bad usage. */
  abstract int run(PrintWriter out, PrintWriter err);

  @Override
  public final Integer call() {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** A usage error with this message (printed as {@code NAME: MESSAGE} plus the synopsis). */
  final ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** {@code v} if it is in [min, max], else a usage error naming {@code what}. */
  final long range(String what, long v, long min, long max) {
    if (v < min || v > max) {
      throw usage(what + " must be in [" + min + ", " + max + "]: " + v);
    }
    return v;
  }
}
