package org.meshsec.lab.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.meshsec.core.cli.ExitCode;
import org.meshsec.lab.tools.Capture;
import org.meshsec.lab.tools.ChaosRelay;
import org.meshsec.lab.tools.Ping;
import org.meshsec.lab.tools.TcpSend;
import org.meshsec.lab.tools.TcpSink;
import org.meshsec.lab.tools.Tool;
import org.meshsec.lab.tools.UdpEcho;
import org.meshsec.lab.tools.UdpSweep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec-lab tool NAME ARGS...}: the small traffic tools the demo and the namespace tests
 * run inside namespaces (ping, tcp-send/tcp-sink, udp-sweep/udp-echo, capture, chaos-relay), for
 * hosts without iputils, netcat or tcpdump. Each tool is a picocli subcommand ({@link
 * org.meshsec.lab.tools}).
 */
@Command(
    name = "tool",
    description = "Traffic tools used by the demo and the namespace tests.",
    subcommands = {
      Ping.class,
      TcpSink.class,
      TcpSend.class,
      UdpEcho.class,
      UdpSweep.class,
      Capture.class,
      ChaosRelay.class
    })
public final class ToolCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  /** Without a tool name: list the tools and fail. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("usage: meshsec-lab tool NAME ARGS..., NAME one of:");
    for (CommandLine sub : spec.commandLine().getSubcommands().values()) {
      if (sub.getCommand() instanceof Tool t) {
        err.println("  " + t.synopsis());
      }
    }
    err.flush();
    return ExitCode.USAGE.code();
  }
}
