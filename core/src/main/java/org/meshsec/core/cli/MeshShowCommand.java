package org.meshsec.core.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.meshsec.core.config.ConfigError;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.config.mesh.MeshMembership;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.inet.InetText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec mesh show --config FILE}: loads a node's configuration (as {@code check-config}
 * does, so nothing runs) and prints the peers and policies it derives from its mesh file, one pair
 * per block, so that an operator can review them before a reload. Exits {@link ExitCode#FAILURE}
 * with the errors when the configuration is invalid, or when it names no mesh file.
 */
@Command(
    name = "show",
    description = "Print the peers and policies this node derives from its mesh file.")
public final class MeshShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The node's configuration file.")
  Path config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConfigResult r = ConfigLoader.load(config);
    if (!r.isOk()) {
      for (ConfigError e : r.errors()) {
        err.println(e);
      }
      return ExitCode.FAILURE.code();
    }
    NodeConfig c = r.config();
    try {
      MeshMembership m = c.meshMembership().orElse(null);
      if (m == null) {
        err.println(config + ": no [mesh] table: this node is not part of a mesh");
        return ExitCode.FAILURE.code();
      }
      out.println(format(c, m));
      return ExitCode.OK.code();
    } finally {
      c.wipeKeys();
    }
  }

  /** The text {@code mesh show} prints. */
  static String format(NodeConfig c, MeshMembership m) {
    StringBuilder sb = new StringBuilder();
    sb.append("node ")
        .append(m.self())
        .append(" in mesh ")
        .append(m.file())
        .append(": ")
        .append(m.pairs().size())
        .append(" peer(s)\n");
    for (MeshMembership.DerivedPair pair : m.pairs()) {
      IkePeer p = c.peer(pair.peer()).orElseThrow();
      sb.append("\npeer ")
          .append(p.name())
          .append(": ")
          .append(InetText.format(p.local()))
          .append(" -> ")
          .append(InetText.format(p.address()))
          .append(':')
          .append(p.port())
          .append(", IKEv")
          .append(pair.version())
          .append(", ")
          .append(
              p.auth() instanceof IkePeer.Auth.Psk
                  ? "psk (derived from the mesh secret)"
                  : "pubkey")
          .append(", ")
          .append(pair.initiator() ? "initiates at start" : "initiates on traffic (trap)")
          .append('\n');
      for (String name : pair.policies()) {
        Policy out = c.policy(name, Direction.OUT).orElseThrow();
        sb.append("  policy ")
            .append(name)
            .append(": ")
            .append(out.selector().src())
            .append(" <-> ")
            .append(out.selector().dst())
            .append(", protect, ")
            .append(out.template().mode().name().toLowerCase(Locale.ROOT))
            .append(" mode\n");
      }
    }
    return sb.toString().stripTrailing();
  }
}
