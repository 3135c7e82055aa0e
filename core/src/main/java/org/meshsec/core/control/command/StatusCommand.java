package org.meshsec.core.control.command;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlJson;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;

/** {@code status}: the node's name, uptime, TUN device, sockets and table sizes. Thread-safe. */
public final class StatusCommand implements Command<ControlRequest.Status> {

  /** The {@code status} view; text and JSON list the same fields in this order. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record View(
      String node,
      long uptimeSeconds,
      String tun,
      int mtu,
      List<String> listen,
      int policies,
      int sasIn,
      int sasOut,
      int pendingAcquires,
      int ikePeers,
      int ikeSas,
      String config,
      String java) {}

  private final Daemon d;

  public StatusCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Status request) {
    IkeService ike = d.ike();
    View v =
        new View(
            d.config().node().name(),
            (System.currentTimeMillis() - d.startedMillis()) / 1000,
            d.tun() == null ? null : d.tun().name(),
            d.tun() == null ? 0 : d.tun().mtu(),
            d.udp().localAddresses().stream().map(Replies::endpoint).toList(),
            d.spd().size(),
            d.dataPath().sad().inboundCount(),
            d.dataPath().sad().outboundCount(),
            d.dataPath().sad().pendingAcquireCount(),
            d.config().peers().size(),
            ike == null ? 0 : ike.list().size(),
            d.configPath().toString(),
            System.getProperty("java.version"));
    return request.json()
        ? ControlResponse.json(true, v)
        : ControlResponse.ok(Replies.keyValues(ControlJson.tree(v), "%-17s %s%n"));
  }
}
