package org.meshsec.lab.tools;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The traffic tools ({@code meshsec-lab tool NAME ARGS...}) and how they run: their picocli command
 * lines report usage errors as {@code NAME: MESSAGE} and {@code usage: SYNOPSIS} and exit {@link
 * Tool#USAGE}. Stateless, thread-safe.
 */
public final class Tools {
  private Tools() {}

  /** Parses {@code args} into {@code tool} and runs it, printing to {@code out}/{@code err}. */
  public static int execute(Tool tool, PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, Charset.defaultCharset()), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, Charset.defaultCharset()), true);
    CommandLine cl = new CommandLine(tool);
    cl.setOut(o);
    cl.setErr(e);
    configure(cl);
    int code = cl.execute(args);
    o.flush();
    e.flush();
    return code;
  }

  /**
   * Installs the tools' error handling on {@code cl} and its subcommands: usage errors print the
   * tool's synopsis and exit {@link Tool#USAGE}; an unexpected exception exits {@link Tool#FAILED}.
   */
  static void configure(CommandLine cl) {
    cl.setParameterExceptionHandler((ex, args) -> usageError(ex));
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          c.getErr().println(c.getCommandName() + ": " + ex);
          return Tool.FAILED;
        });
  }

  /**
   * Prints a tool's usage error ({@code NAME: MESSAGE}, {@code usage: SYNOPSIS}) and returns {@link
   * Tool#USAGE}; or -1 if the failing command is not a tool.
   */
  public static int usageError(ParameterException ex) {
    CommandLine c = ex.getCommandLine();
    if (!(c.getCommand() instanceof Tool t)) {
      return -1;
    }
    c.getErr().println(c.getCommandName() + ": " + ex.getMessage());
    c.getErr().println("usage: " + t.synopsis());
    return Tool.USAGE;
  }

  /** A byte count with an optional binary suffix: 5000, 64K, 5M, 1G. */
  static final class Size implements ITypeConverter<Long> {
    @Override
    public Long convert(String v) {
      long mult = 1;
      String num = v;
      if (!v.isEmpty()) {
        switch (Character.toUpperCase(v.charAt(v.length() - 1))) {
          case 'K' -> mult = 1L << 10;
          case 'M' -> mult = 1L << 20;
          case 'G' -> mult = 1L << 30;
          default -> mult = 1;
        }
        if (mult != 1) {
          num = v.substring(0, v.length() - 1);
        }
      }
      long n;
      try {
        n = Long.parseLong(num);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("not a number: " + v);
      }
      if (n < 0 || n > Long.MAX_VALUE / mult) {
        throw new TypeConversionException(
            "must be in [0, "
                + Long.MAX_VALUE / mult
                + "]"
                + (mult == 1 ? "" : " units")
                + ": "
                + v);
      }
      return n * mult;
    }
  }
}
