package org.meshsec.core.control.command;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlJson;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.datapath.UdpTransport;
import org.meshsec.core.stats.TunCounter;
import org.meshsec.core.stats.UdpCounter;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.inet.InetText;
import org.meshsec.tun.TunStats;

/**
 * {@code stats}: the data path's counters (named as in Linux {@code /proc/net/xfrm_stat}), the TUN
 * device's, the UDP send side's ({@code UdpTx...}) and the IKE engine's ({@code Ike...}, when peers
 * are configured), by name; then each peer's traffic since the start, over every SA including those
 * a rekey replaced ({@link org.meshsec.core.sad.Sad#peerTotals()}): in JSON the object {@code
 * "peers"}, by {@code [[peer]]} name (a manual SA's peer by its address), in text one {@code peer
 * NAME} line each. Thread-safe (counter snapshots).
 */
public final class StatsCommand implements Command<ControlRequest.Stats> {
  private final Daemon d;

  public StatsCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Stats request) {
    Map<String, Long> o = new LinkedHashMap<>(d.dataPath().stats().snapshot());
    if (d.tun() != null) {
      TunStats t = d.tun().stats();
      for (TunCounter c : TunCounter.values()) {
        o.put(c.statName(), c.of(t));
      }
    }
    if (d.udp() != null) {
      UdpTransport.SendStats u = d.udp().sendStats();
      for (UdpCounter c : UdpCounter.values()) {
        o.put(c.statName(), c.of(u));
      }
    }
    if (d.ike() != null) {
      o.putAll(ikeCounters(d.ike().engine()));
    }
    Map<String, PeerTotals> peers = peerTotals();
    if (request.json()) {
      Map<String, Object> body = new LinkedHashMap<>(o);
      if (!peers.isEmpty()) {
        body.put("peers", peers);
      }
      return ControlResponse.json(true, body);
    }
    StringBuilder text = new StringBuilder(Replies.keyValues(ControlJson.tree(o), "%-32s%s%n"));
    peers.forEach(
        (name, t) ->
            text.append(
                String.format(
                    "%-32s%d bytes / %d packets in, %d bytes / %d packets out%n",
                    "peer " + name, t.bytesIn(), t.packetsIn(), t.bytesOut(), t.packetsOut())));
    return ControlResponse.ok(text.toString());
  }

  /** One peer's traffic in {@code stats --json}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record PeerTotals(long bytesIn, long packetsIn, long bytesOut, long packetsOut) {}

  /** Each peer's totals, by [[peer]] name or, for a manual SA's peer, its address; sorted. */
  private Map<String, PeerTotals> peerTotals() {
    Map<String, PeerTotals> out = new TreeMap<>();
    d.dataPath()
        .sad()
        .peerTotals()
        .forEach(
            (addr, t) -> {
              String name =
                  d.config().peers().stream()
                      .filter(p -> p.address().equals(addr))
                      .map(p -> p.name())
                      .findFirst()
                      .orElse(InetText.format(addr));
              out.put(
                  name, new PeerTotals(t.bytesIn(), t.packetsIn(), t.bytesOut(), t.packetsOut()));
            });
    return out;
  }

  /**
   * The IKE engine's counters ({@link org.meshsec.ike.sa.EngineStats#snapshot()}) named like the
   * others: {@code half_open_dropped_per_source} becomes {@code IkeHalfOpenDroppedPerSource}; plus
   * {@code IkeHalfOpen}, the half-open SAs now, and {@code IkeHalfOpenPerSourceLimit}, the
   * configured {@code [listen] half_open_per_source}.
   */
  static Map<String, Long> ikeCounters(IkeEngine engine) {
    Map<String, Long> o = new LinkedHashMap<>();
    o.put("IkeHalfOpen", (long) engine.halfOpenCount());
    o.put("IkeHalfOpenPerSourceLimit", (long) engine.settings().halfOpenPerSource());
    engine.stats().snapshot().forEach((k, v) -> o.put(camel("ike_" + k), v));
    return o;
  }

  private static String camel(String snake) {
    StringBuilder b = new StringBuilder();
    for (String part : snake.split("_")) {
      b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return b.toString();
  }
}
