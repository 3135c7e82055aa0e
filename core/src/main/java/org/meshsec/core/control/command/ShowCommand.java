package org.meshsec.core.control.command;

import static org.meshsec.core.control.command.Replies.duration;
import static org.meshsec.core.control.command.Replies.seconds;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.core.sad.PeerTraffic;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.spd.Direction;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.IkeSaInfo;

/**
 * {@code show}: one block per configured {@code [[peer]]}, as {@code wg show} has one per peer: its
 * state, when a packet last arrived from it, the bytes and packets each way since the daemon
 * started (over every SA, those a rekey replaced included: {@link
 * org.meshsec.core.sad.Sad#peerTotals()}), and the next rekey. Thread-safe (a SAD snapshot and
 * engine snapshots).
 */
public final class ShowCommand implements Command<ControlRequest.Show> {

  /** One peer of {@code show --json}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record PeerView(
      String peer,
      String address,
      String state,
      Long ikeSa,
      int childSas,
      Long lastReceivedSecondsAgo,
      long bytesIn,
      long bytesOut,
      Long rekeyInSeconds,
      long packetsIn,
      long packetsOut) {}

  private final Daemon d;

  public ShowCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Show request) {
    List<PeerView> views = views();
    if (request.json()) {
      return ControlResponse.json(true, views);
    }
    if (views.isEmpty()) {
      return ControlResponse.ok("no [[peer]] configured\n");
    }
    StringBuilder sb = new StringBuilder();
    for (PeerView v : views) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append("peer: ").append(v.peer()).append('\n');
      sb.append("  address: ").append(v.address()).append('\n');
      sb.append("  state: ").append(v.state());
      if (v.ikeSa() != null) {
        sb.append(" (IKE SA ")
            .append(v.ikeSa())
            .append(", ")
            .append(v.childSas())
            .append(v.childSas() == 1 ? " Child SA)" : " Child SAs)");
      }
      sb.append('\n');
      sb.append("  latest packet received: ")
          .append(
              v.lastReceivedSecondsAgo() == null
                  ? "never"
                  : duration(v.lastReceivedSecondsAgo()) + " ago")
          .append('\n');
      sb.append("  transfer: ")
          .append(bytes(v.bytesIn()))
          .append(" received, ")
          .append(bytes(v.bytesOut()))
          .append(" sent (")
          .append(v.packetsIn())
          .append(" and ")
          .append(v.packetsOut())
          .append(" packets)\n");
      sb.append("  next rekey: ")
          .append(v.rekeyInSeconds() == null ? "-" : "in " + duration(v.rekeyInSeconds()))
          .append('\n');
    }
    return ControlResponse.ok(sb.toString());
  }

  private List<PeerView> views() {
    IkeService ike = d.ike();
    List<IkeSaInfo> ikeSas = ike == null ? List.of() : ike.list();
    Map<InetAddress, PeerTraffic.Totals> totals = d.dataPath().sad().peerTotals();
    List<SaInfo> sas = d.dataPath().sad().dump();
    long nowMillis = d.dataPath().sad().nowMillis(); // the SAD's clock, not the epoch
    Instant now = Instant.now();
    List<PeerView> out = new ArrayList<>();
    for (IkePeer p : d.config().peers()) {
      Optional<IkeSaInfo> sa =
          ikeSas.stream()
              .filter(s -> p.name().equals(s.peer()))
              .max(Comparator.comparingLong(IkeSaInfo::id));
      PeerTraffic.Totals t = totals.get(p.address());
      long lastIn = -1;
      for (SaInfo s : sas) {
        if (p.address().equals(s.peer()) && s.direction() == Direction.IN) {
          lastIn = Math.max(lastIn, s.lastUseMillis());
        }
      }
      Instant rekey = null;
      if (sa.isPresent()) {
        rekey = sa.get().rekeyAt();
        for (ChildSaInfo c : sa.get().children()) {
          if (c.rekeyAt() != null && (rekey == null || c.rekeyAt().isBefore(rekey))) {
            rekey = c.rekeyAt();
          }
        }
      }
      out.add(
          new PeerView(
              p.name(),
              sa.map(s -> Replies.endpoint(s.remote()))
                  .orElse(Replies.endpoint(p.address(), p.port())),
              sa.map(s -> s.state().name()).orElse("down"),
              sa.map(IkeSaInfo::id).orElse(null),
              sa.map(s -> s.children().size()).orElse(0),
              lastIn < 0 ? null : Math.max(0, (nowMillis - lastIn) / 1000),
              t == null ? 0 : t.bytesIn(),
              t == null ? 0 : t.bytesOut(),
              rekey == null ? null : seconds(now, rekey),
              t == null ? 0 : t.packetsIn(),
              t == null ? 0 : t.packetsOut()));
    }
    return out;
  }

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 MiB}, as {@code wg show} writes transfer. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
  }
}
