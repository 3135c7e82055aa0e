package org.meshsec.core.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import org.meshsec.core.control.BadRequestException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code meshsec} command: a thin entry point that parses the command line and hands over to a
 * subcommand, mapping every outcome to an {@link ExitCode}. Each subcommand is its own small class
 * (one per control command), so it can be replaced without touching this one.
 *
 * <pre>
 *   meshsec version
 *   meshsec check-config FILE
 *   meshsec run --config FILE
 *   meshsec status | show | sa list | policy list | stats | reload | stop [--for-restart]
 *   meshsec ike list | initiate PEER | terminate PEER | rekey PEER
 *   meshsec mesh show --config FILE
 * </pre>
 */
@Command(
    name = "meshsec",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT, // -h/--help (and -V/--version) on every subcommand
    versionProvider = VersionInfo.class,
    description = "Userspace IPsec for full-mesh networks.",
    subcommands = {
      VersionCommand.class,
      CheckConfigCommand.class,
      RunCommand.class,
      StatusCommand.class,
      ShowCommand.class,
      SaCommand.class,
      PolicyCommand.class,
      StatsCommand.class,
      ReloadCommand.class,
      StopCommand.class,
      IkeCommand.class,
      InitiateCommand.class,
      TerminateCommand.class,
      RekeyCommand.class,
      PkiCommand.class,
      MeshCommand.class,
      DiagnoseCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Without a subcommand: print usage and fail. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }

  public static void main(String[] args) {
    setNettyMachineId();
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    System.exit(execute(out, err, args));
  }

  /**
   * Gives Netty a machine id (random, per process) unless one is set, before any channel exists.
   * Netty otherwise derives one from a network interface's MAC address for its channel ids, and
   * warns at start-up when it finds none (a network namespace with only a TUN device and a veth has
   * none it likes); the id only has to differ between processes.
   */
  static void setNettyMachineId() {
    if (System.getProperty(NETTY_MACHINE_ID) != null) {
      return;
    }
    byte[] id = new byte[8];
    new java.security.SecureRandom().nextBytes(id);
    id[0] |= 0x02; // a locally administered address (IEEE 802), never a real interface's
    id[0] &= (byte) 0xFE; // and not a multicast one
    StringBuilder sb = new StringBuilder();
    for (byte b : id) {
      sb.append(sb.length() == 0 ? "" : ":").append(String.format("%02x", b & 0xFF));
    }
    System.setProperty(NETTY_MACHINE_ID, sb.toString());
  }

  static final String NETTY_MACHINE_ID = "io.netty.machineId";

  /**
   * Runs the command line with the given streams and returns the exit status instead of exiting;
   * for tests and embedding.
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    int code = commandLine(out, err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The configured picocli command tree: usage errors exit {@link ExitCode#USAGE}, unexpected
   * exceptions {@link ExitCode#RUNTIME}. A word that is no subcommand is a usage error even beside
   * {@code --help} (picocli would print the parent's help for it and exit 0).
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionStrategy(
        parseResult -> {
          rejectUnmatched(parseResult);
          return new CommandLine.RunLast().execute(parseResult);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("meshsec: " + ex.getMessage());
          if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
            c.usage(c.getErr());
          }
          return ExitCode.USAGE.code();
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          if (ex instanceof BadRequestException) { // a request argument out of bounds
            c.getErr().println("meshsec: " + ex.getMessage());
            return ExitCode.USAGE.code();
          }
          c.getErr().println("meshsec: error: " + ex);
          return ExitCode.RUNTIME.code();
        });
    return cl;
  }

  /** Throws picocli's usage error for the first command level with an unmatched word. */
  private static void rejectUnmatched(ParseResult parseResult) {
    for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (!r.unmatched().isEmpty()) {
        throw new CommandLine.UnmatchedArgumentException(
            r.commandSpec().commandLine(), r.unmatched());
      }
    }
  }
}
