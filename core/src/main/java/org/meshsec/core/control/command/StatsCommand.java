package org.meshsec.core.control.command;

import java.util.LinkedHashMap;
import java.util.Map;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlJson;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.datapath.UdpTransport;
import org.meshsec.core.stats.TunCounter;
import org.meshsec.core.stats.UdpCounter;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.tun.TunStats;

/**
 * {@code stats}: the data path's counters (named as in Linux {@code /proc/net/xfrm_stat}), the TUN
 * device's, the UDP send side's ({@code UdpTx...}) and the IKE engine's ({@code Ike...}, when peers
 * are configured), by name. Thread-safe (counter snapshots).
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
    return request.json()
        ? ControlResponse.json(true, o)
        : ControlResponse.ok(Replies.keyValues(ControlJson.tree(o), "%-32s%s%n"));
  }

  /**
   * The IKE engine's counters ({@link org.meshsec.ike.sa.EngineStats#snapshot()}) named like the
   * others: {@code half_open_dropped_per_source} becomes {@code IkeHalfOpenDroppedPerSource}; plus
   * {@code IkeHalfOpen}, the half-open SAs now.
   */
  static Map<String, Long> ikeCounters(IkeEngine engine) {
    Map<String, Long> o = new LinkedHashMap<>();
    o.put("IkeHalfOpen", (long) engine.halfOpenCount());
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
