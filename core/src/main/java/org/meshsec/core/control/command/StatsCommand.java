package org.meshsec.core.control.command;

import java.util.LinkedHashMap;
import java.util.Map;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlJson;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.stats.TunCounter;
import org.meshsec.tun.TunStats;

/**
 * {@code stats}: the data path's counters (named as in Linux {@code /proc/net/xfrm_stat}) and the
 * TUN device's, by name. Thread-safe (counter snapshots).
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
    return request.json()
        ? ControlResponse.json(true, o)
        : ControlResponse.ok(Replies.keyValues(ControlJson.tree(o), "%-32s%s%n"));
  }
}
