package org.meshsec.lab.cli;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.Callable;
import org.meshsec.core.cli.ExitCode;
import org.meshsec.lab.tools.Tool;
import org.meshsec.lab.tools.Tools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code meshsec tool NAME ARGS...}: the small traffic tools the demo and the namespace tests run
 * inside namespaces (ping, tcp-send/tcp-sink, udp-sweep/udp-echo, capture), for hosts without
 * iputils, netcat or tcpdump. Hidden from the main help.
 */
@Command(name = "tool", hidden = true, description = "Traffic tools used by the demo and tests.")
public final class ToolCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
  String name;

  @Unmatched List<String> args = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(System.out, true, Charset.defaultCharset());
    PrintStream err = new PrintStream(System.err, true, Charset.defaultCharset());
    Tool t = name == null ? null : Tools.byName(name).orElse(null);
    if (t == null) {
      err.println("usage: meshsec tool NAME ARGS..., NAME one of:");
      Tools.usages().forEach((n, u) -> err.println("  " + u));
      return ExitCode.USAGE.code();
    }
    return t.run(out, err, args.toArray(String[]::new));
  }
}
