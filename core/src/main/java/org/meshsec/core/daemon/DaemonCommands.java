package org.meshsec.core.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.meshsec.core.control.ControlCommand.Response;
import org.meshsec.core.control.ControlServer;
import org.meshsec.core.control.Json;
import org.meshsec.core.ike.IkeService;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.tun.TunStats;

/**
 * The control commands of a running {@link Daemon}, one per CLI subcommand: {@code status}, {@code
 * sa-list}, {@code policy-list}, {@code stats}, {@code reload}, and for IKE {@code ike-list},
 * {@code initiate PEER}, {@code terminate PEER}, {@code rekey PEER}. Each takes {@code --json};
 * {@code initiate} and {@code terminate} also {@code --timeout SECONDS} (how long to wait for the
 * outcome; 0 returns at once). Never prints key material (SaInfo and IkeSaInfo carry none).
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
    server.register("ike-list", args -> ikeList(d, json(args)));
    server.register("initiate", args -> initiate(d, args));
    server.register("terminate", args -> terminate(d, args));
    server.register("rekey", args -> rekey(d, args));
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
    IkeService ike = d.ike();
    o.put("ike_peers", d.config().peers().size());
    o.put("ike_sas", ike == null ? 0 : ike.list().size());
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
        // a LARVAL SA (reserved by IKE's getSpi, not yet updated) has no mode, selector or suite
        o.put("local", s.local() == null ? null : s.local().getHostAddress() + ":" + s.localPort());
        o.put("peer", s.peer().getHostAddress() + ":" + s.peerPort());
        o.put("mode", s.mode() == null ? null : s.mode().name().toLowerCase());
        o.put("suite", s.suite() == null ? null : s.suite().configName());
        o.put("esn", s.esn());
        o.put("selector", selector(s.selector()));
        o.put("policy_id", s.policyId());
        o.put("bytes", s.bytes());
        o.put("packets", s.packets());
        o.put("replay_drops", s.replayDrops());
        o.put("icv_failures", s.icvFailures());
        o.put("age_seconds", s.addMillis() < 0 ? 0 : (now - s.addMillis()) / 1000);
        o.put(
            "last_use_seconds_ago",
            s.lastUseMillis() < 0 ? null : (now - s.lastUseMillis()) / 1000);
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
              s.mode() == null ? "-" : s.mode().name().toLowerCase(),
              s.suite() == null ? "-" : s.suite().configName(),
              s.bytes(),
              s.packets(),
              s.replayDrops(),
              s.icvFailures(),
              s.addMillis() < 0 ? 0 : (now - s.addMillis()) / 1000));
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

  // ------------------------------------------------------------------ IKE

  /** Default wait of {@code initiate} for the IKE SA and its Child SAs. */
  static final Duration INITIATE_WAIT = Duration.ofSeconds(15);

  /** Default wait of {@code terminate} for the Delete exchange. */
  static final Duration TERMINATE_WAIT = Duration.ofSeconds(5);

  /** A command's peer name and options. */
  private record PeerArgs(String peer, boolean json, Duration timeout, String error) {}

  private static PeerArgs peerArgs(String command, List<String> args, Duration defaultWait) {
    String peer = null;
    boolean json = false;
    Duration timeout = defaultWait;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--json")) {
        json = true;
      } else if (a.equals("--timeout") && i + 1 < args.size()) {
        try {
          timeout = Duration.ofMillis((long) (Double.parseDouble(args.get(++i)) * 1000));
        } catch (NumberFormatException e) {
          return new PeerArgs(null, json, timeout, "--timeout needs a number of seconds");
        }
      } else if (a.startsWith("--")) {
        return new PeerArgs(null, json, timeout, "unknown option " + a);
      } else if (peer == null) {
        peer = a;
      } else {
        return new PeerArgs(null, json, timeout, command + " takes one peer name");
      }
    }
    if (peer == null) {
      return new PeerArgs(null, json, timeout, "usage: " + command + " PEER");
    }
    return new PeerArgs(peer, json, timeout, null);
  }

  private static Response noIke(Daemon d) {
    return Response.error(
        "no IKE on node " + d.config().node().name() + ": the configuration has no [[peer]]");
  }

  private static Response unknownPeer(Daemon d, String peer) {
    return Response.error(
        "no peer named \""
            + peer
            + "\"; peers: "
            + d.config().peers().stream().map(p -> p.name()).toList());
  }

  private static Response answer(boolean ok, boolean json, String peer, String message) {
    if (json) {
      Map<String, Object> o = ControlServer.object();
      o.put("peer", peer);
      o.put("ok", ok);
      o.put("message", message);
      return ok ? Response.ok(Json.write(o)) : Response.error(Json.write(o));
    }
    return ok ? Response.ok(message + "\n") : Response.error(message);
  }

  static Response initiate(Daemon d, List<String> args) {
    PeerArgs a = peerArgs("initiate", args, INITIATE_WAIT);
    if (a.error() != null) {
      return Response.error(a.error());
    }
    IkeService ike = d.ike();
    if (ike == null) {
      return noIke(d);
    }
    if (!ike.hasPeer(a.peer())) {
      return unknownPeer(d, a.peer());
    }
    if (!ike.initiate(a.peer())) {
      return answer(false, a.json(), a.peer(), "peer " + a.peer() + " has nothing to initiate");
    }
    if (a.timeout().isZero()) {
      return answer(true, a.json(), a.peer(), "initiating " + a.peer());
    }
    long deadline = System.nanoTime() + a.timeout().toNanos();
    while (System.nanoTime() < deadline) {
      Optional<IkeSaInfo> sa = ike.established(a.peer());
      if (sa.isPresent()) {
        IkeSaInfo s = sa.get();
        return answer(
            true,
            a.json(),
            a.peer(),
            "IKE SA #"
                + s.id()
                + " with "
                + a.peer()
                + " established, Child SAs "
                + s.children().stream().map(ChildSaInfo::name).distinct().toList());
      }
      sleep(50);
    }
    return answer(
        false,
        a.json(),
        a.peer(),
        "IKE SA with "
            + a.peer()
            + " not established within "
            + a.timeout().toMillis() / 1000.0
            + " s (negotiation goes on; see the log and ike list)");
  }

  static Response terminate(Daemon d, List<String> args) {
    PeerArgs a = peerArgs("terminate", args, TERMINATE_WAIT);
    if (a.error() != null) {
      return Response.error(a.error());
    }
    IkeService ike = d.ike();
    if (ike == null) {
      return noIke(d);
    }
    if (!ike.hasPeer(a.peer())) {
      return unknownPeer(d, a.peer());
    }
    if (!ike.terminate(a.peer())) {
      return answer(false, a.json(), a.peer(), "no IKE SA with " + a.peer());
    }
    long deadline = System.nanoTime() + a.timeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (!ike.hasSa(a.peer())) {
        return answer(true, a.json(), a.peer(), "IKE SA(s) with " + a.peer() + " deleted");
      }
      sleep(20);
    }
    return a.timeout().isZero()
        ? answer(true, a.json(), a.peer(), "deleting IKE SA(s) with " + a.peer())
        : answer(
            false,
            a.json(),
            a.peer(),
            "IKE SA(s) with " + a.peer() + " still being deleted after " + a.timeout());
  }

  static Response rekey(Daemon d, List<String> args) {
    PeerArgs a = peerArgs("rekey", args, Duration.ZERO);
    if (a.error() != null) {
      return Response.error(a.error());
    }
    IkeService ike = d.ike();
    if (ike == null) {
      return noIke(d);
    }
    if (!ike.hasPeer(a.peer())) {
      return unknownPeer(d, a.peer());
    }
    return ike.rekey(a.peer())
        ? answer(true, a.json(), a.peer(), "rekeying the IKE SA(s) with " + a.peer())
        : answer(false, a.json(), a.peer(), "no established IKE SA with " + a.peer());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Response ikeList(Daemon d, boolean json) {
    IkeService ike = d.ike();
    List<IkeSaInfo> sas = ike == null ? List.of() : ike.list();
    Instant now = Instant.now();
    if (json) {
      List<Object> out = new ArrayList<>();
      for (IkeSaInfo s : sas) {
        Map<String, Object> o = ControlServer.object();
        o.put("id", s.id());
        o.put("peer", s.peer());
        o.put("state", s.state().name());
        o.put("initiator", s.originalInitiator());
        o.put("spi_i", String.format("%016x", s.initiatorSpi()));
        o.put("spi_r", String.format("%016x", s.responderSpi()));
        o.put("local", endpoint(s.local()));
        o.put("remote", endpoint(s.remote()));
        o.put("proposal", s.proposal() == null ? null : s.proposal().toString());
        o.put("age_seconds", seconds(s.created(), now));
        o.put(
            "established_seconds", s.established() == null ? null : seconds(s.established(), now));
        o.put("rekey_in_seconds", s.rekeyAt() == null ? null : seconds(now, s.rekeyAt()));
        List<Object> children = new ArrayList<>();
        for (ChildSaInfo c : s.children()) {
          Map<String, Object> co = ControlServer.object();
          co.put("name", c.name());
          co.put("state", c.state().name());
          co.put("spi_in", String.format("0x%08x", c.inboundSpi()));
          co.put("spi_out", String.format("0x%08x", c.outboundSpi()));
          co.put("suite", c.suite().configName());
          co.put("esn", c.esn());
          co.put("mode", c.mode().name().toLowerCase());
          co.put("local_ts", c.localTs().stream().map(IkeService::format).toList());
          co.put("remote_ts", c.remoteTs().stream().map(IkeService::format).toList());
          co.put("initiator", c.weInitiated());
          co.put("age_seconds", c.installed() == null ? null : seconds(c.installed(), now));
          co.put("rekey_in_seconds", c.rekeyAt() == null ? null : seconds(now, c.rekeyAt()));
          children.add(co);
        }
        o.put("children", children);
        out.add(o);
      }
      return Response.ok(Json.write(out));
    }
    if (ike == null) {
      return Response.ok("no [[peer]] configured\n");
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-4s %-14s %-11s %-9s %-45s %-44s %7s %9s%n",
            "id", "peer", "state", "role", "local <-> remote", "proposal", "age", "rekey in"));
    for (IkeSaInfo s : sas) {
      sb.append(
          String.format(
              "%-4d %-14s %-11s %-9s %-45s %-44s %7s %9s%n",
              s.id(),
              s.peer() == null ? "-" : s.peer(),
              s.state(),
              s.originalInitiator() ? "initiator" : "responder",
              endpoint(s.local()) + " <-> " + endpoint(s.remote()),
              s.proposal() == null ? "-" : s.proposal().toString(),
              duration(seconds(s.created(), now)),
              s.rekeyAt() == null ? "-" : duration(seconds(now, s.rekeyAt()))));
      sb.append(String.format("     SPIs %016x_i %016x_r%n", s.initiatorSpi(), s.responderSpi()));
      for (ChildSaInfo c : s.children()) {
        sb.append(
            String.format(
                "     child %-12s %-9s in 0x%08x out 0x%08x %s %s%s %s === %s  age %s rekey in %s%n",
                c.name(),
                c.state(),
                c.inboundSpi(),
                c.outboundSpi(),
                c.suite().configName(),
                c.mode().name().toLowerCase(),
                c.esn() ? " esn" : "",
                String.join(",", c.localTs().stream().map(IkeService::format).toList()),
                String.join(",", c.remoteTs().stream().map(IkeService::format).toList()),
                c.installed() == null ? "-" : duration(seconds(c.installed(), now)),
                c.rekeyAt() == null ? "-" : duration(seconds(now, c.rekeyAt()))));
      }
    }
    return Response.ok(sb.toString());
  }

  private static String endpoint(java.net.InetSocketAddress a) {
    if (a == null) {
      return "-";
    }
    String h = a.getAddress().getHostAddress();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  private static long seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toSeconds());
  }

  private static String duration(long s) {
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
  }
}
