package org.meshsec.core.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meshsec.core.control.ControlCommand.Response;
import org.meshsec.core.control.ControlServer;
import org.meshsec.core.control.Json;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.tun.TunStats;

/**
 * The control commands of a running {@link Daemon}, one per CLI subcommand: {@code status}, {@code
 * sa-list}, {@code policy-list}, {@code stats}, {@code reload}. Each takes {@code --json}. Never
 * prints key material (SaInfo carries none).
 *
 * <p>Thread-safety: commands read thread-safe snapshots; {@code reload} is serialised by the
 * daemon.
 */
public final class DaemonCommands {
  private DaemonCommands() {}

  /** Registers every command on {@code server}. */
  public static void register(ControlServer server, Daemon d) {
    server.register("status", args -> status(d, json(args)));
    server.register("sa-list", args -> saList(d, json(args)));
    server.register("policy-list", args -> policyList(d, json(args)));
    server.register("stats", args -> stats(d, json(args)));
    server.register("reload", args -> reload(d, json(args)));
  }

  private static boolean json(List<String> args) {
    return args.contains("--json");
  }

  static Response status(Daemon d, boolean json) {
    Map<String, Object> o = ControlServer.object();
    o.put("node", d.config().node().name());
    o.put("uptime_seconds", (System.currentTimeMillis() - d.startedMillis()) / 1000);
    o.put("tun", d.tun() == null ? null : d.tun().name());
    o.put("mtu", d.tun() == null ? 0 : d.tun().mtu());
    List<String> listen = new ArrayList<>();
    d.udp()
        .localAddresses()
        .forEach(a -> listen.add(a.getAddress().getHostAddress() + ":" + a.getPort()));
    o.put("listen", listen);
    o.put("policies", d.spd().size());
    o.put("sas_in", d.dataPath().sad().inboundCount());
    o.put("sas_out", d.dataPath().sad().outboundCount());
    o.put("pending_acquires", d.dataPath().sad().pendingAcquireCount());
    o.put("config", d.configPath().toString());
    o.put("java", System.getProperty("java.version"));
    if (json) {
      return Response.ok(Json.write(o));
    }
    StringBuilder sb = new StringBuilder();
    o.forEach((k, v) -> sb.append(String.format("%-17s %s%n", k, v)));
    return Response.ok(sb.toString());
  }

  static Response saList(Daemon d, boolean json) {
    List<SaInfo> sas = d.dataPath().sad().dump();
    long now = d.dataPath().sad().nowMillis(); // the SAD's clock, not the epoch
    if (json) {
      List<Object> out = new ArrayList<>();
      for (SaInfo s : sas) {
        Map<String, Object> o = ControlServer.object();
        o.put("direction", s.direction().name().toLowerCase());
        o.put("spi", String.format("0x%08x", s.spi()));
        o.put("state", s.state().name());
        o.put("local", s.local().getHostAddress() + ":" + s.localPort());
        o.put("peer", s.peer().getHostAddress() + ":" + s.peerPort());
        o.put("mode", s.mode().name().toLowerCase());
        o.put("suite", s.suite() == null ? null : s.suite().configName());
        o.put("esn", s.esn());
        o.put("selector", selector(s.selector()));
        o.put("policy_id", s.policyId());
        o.put("bytes", s.bytes());
        o.put("packets", s.packets());
        o.put("replay_drops", s.replayDrops());
        o.put("icv_failures", s.icvFailures());
        o.put("age_seconds", s.addMillis() == 0 ? 0 : (now - s.addMillis()) / 1000);
        o.put(
            "last_use_seconds_ago",
            s.lastUseMillis() == 0 ? null : (now - s.lastUseMillis()) / 1000);
        o.put("queued", s.queued());
        out.add(o);
      }
      return Response.ok(Json.write(out));
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-3s %-10s %-7s %-22s %-9s %-16s %12s %9s %6s %6s %6s%n",
            "dir", "spi", "state", "peer", "mode", "suite", "bytes", "packets", "replay", "icv",
            "age"));
    for (SaInfo s : sas) {
      sb.append(
          String.format(
              "%-3s 0x%08x %-7s %-22s %-9s %-16s %12d %9d %6d %6d %5ds%n",
              s.direction().name().toLowerCase(),
              s.spi(),
              s.state(),
              s.peer().getHostAddress() + ":" + s.peerPort(),
              s.mode().name().toLowerCase(),
              s.suite() == null ? "-" : s.suite().configName(),
              s.bytes(),
              s.packets(),
              s.replayDrops(),
              s.icvFailures(),
              s.addMillis() == 0 ? 0 : (now - s.addMillis()) / 1000));
      sb.append("    ").append(selector(s.selector())).append('\n');
    }
    return Response.ok(sb.toString());
  }

  static String selector(Selector s) {
    if (s == null) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(s.src()).append(" -> ").append(s.dst());
    if (s.protocol() != Selector.ANY_PROTOCOL) {
      sb.append(" proto ").append(s.protocol());
      if (!s.srcPorts().isAny()) {
        sb.append(" sport ").append(s.srcPorts());
      }
      if (!s.dstPorts().isAny()) {
        sb.append(" dport ").append(s.dstPorts());
      }
      if (s.icmpType() >= 0) {
        sb.append(" type ").append(s.icmpType());
      }
      if (s.icmpCode() >= 0) {
        sb.append(" code ").append(s.icmpCode());
      }
    }
    return sb.toString();
  }

  static Response policyList(Daemon d, boolean json) {
    List<Policy> ps = d.spd().policies();
    if (json) {
      List<Object> out = new ArrayList<>();
      for (Policy p : ps) {
        Map<String, Object> o = ControlServer.object();
        o.put("id", p.id());
        o.put("name", p.name());
        o.put("direction", p.direction().name().toLowerCase());
        o.put("priority", p.priority());
        o.put("selector", selector(p.selector()));
        o.put("action", p.action().name().toLowerCase());
        if (p.template() != null) {
          o.put("mode", p.template().mode().name().toLowerCase());
          o.put("peer", p.template().peer().getHostAddress());
          o.put("esp", p.template().suites().stream().map(s -> s.configName()).toList());
        }
        out.add(o);
      }
      return Response.ok(Json.write(out));
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-4s %-20s %-3s %5s %-8s %s%n", "id", "name", "dir", "prio", "action", "selector"));
    for (Policy p : ps) {
      sb.append(
          String.format(
              "%-4d %-20s %-3s %5d %-8s %s%s%n",
              p.id(),
              p.name(),
              p.direction().name().toLowerCase(),
              p.priority(),
              p.action().name().toLowerCase(),
              selector(p.selector()),
              p.template() == null
                  ? ""
                  : "  ["
                      + p.template().mode().name().toLowerCase()
                      + " peer "
                      + p.template().peer().getHostAddress()
                      + " "
                      + p.template().suites()
                      + "]"));
    }
    return Response.ok(sb.toString());
  }

  static Response stats(Daemon d, boolean json) {
    Map<String, Object> o = ControlServer.object();
    o.putAll(d.dataPath().stats().snapshot());
    if (d.tun() != null) {
      TunStats t = d.tun().stats();
      o.put("TunRxPackets", t.rxPackets());
      o.put("TunRxBytes", t.rxBytes());
      o.put("TunRxTruncated", t.rxTruncated());
      o.put("TunTxPackets", t.txPackets());
      o.put("TunTxBytes", t.txBytes());
      o.put("TunTxWouldBlock", t.txWouldBlock());
      o.put("TunTxFailed", t.txFailed() + t.txRejected());
    }
    if (json) {
      return Response.ok(Json.write(o));
    }
    StringBuilder sb = new StringBuilder();
    o.forEach((k, v) -> sb.append(String.format("%-32s%s%n", k, v)));
    return Response.ok(sb.toString());
  }

  static Response reload(Daemon d, boolean json) {
    Daemon.ReloadResult r = d.reload();
    if (json) {
      Map<String, Object> o = ControlServer.object();
      o.put("applied", r.applied());
      o.put("messages", r.messages());
      return r.applied() ? Response.ok(Json.write(o)) : Response.error(Json.write(o));
    }
    String text = String.join("\n", r.messages());
    return r.applied() ? Response.ok(text) : Response.error(text);
  }
}
