package org.meshsec.lab.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import org.meshsec.core.cli.ExitCode;
import org.meshsec.lab.tools.Tools;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code meshsec-lab} command: lab tooling that is not part of the daemon. It parses the
 * command line, hands over to a subcommand and maps every outcome to an {@link ExitCode}, like
 * {@link org.meshsec.core.cli.Main}.
 *
 * <pre>
 *   meshsec-lab demo [--esp SUITE] [--bytes N]
 *   meshsec-lab tool ping | capture | tcp-send | tcp-sink | udp-echo | udp-sweep ...
 * </pre>
 */
@Command(
    name = "meshsec-lab",
    mixinStandardHelpOptions = true,
    versionProvider = org.meshsec.core.cli.VersionInfo.class,
    description = "meshsec lab: namespaces demo and traffic tools (not part of the daemon).",
    subcommands = {DemoCommand.class, ToolCommand.class, CommandLine.HelpCommand.class})
public final class LabMain implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Without a subcommand: print usage and fail. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    System.exit(execute(out, err, args));
  }

  /** Runs the command line with the given streams and returns the exit status; for tests. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new LabMain());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          int tool = Tools.usageError(ex);
          if (tool >= 0) {
            return tool;
          }
          CommandLine c = ex.getCommandLine();
          c.getErr().println("meshsec-lab: " + ex.getMessage());
          if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
            c.usage(c.getErr());
          }
          return ExitCode.USAGE.code();
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          c.getErr().println("meshsec-lab: error: " + ex);
          return ExitCode.RUNTIME.code();
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
