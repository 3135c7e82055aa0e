package org.meshsec.core.diagnose;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaState;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.core.stats.XfrmStats;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.inet.InetText;

/**
 * Samples a running daemon for {@code meshsec diagnose PEER}: the configured peer, its IKE SA, its
 * ESP SAs and the node's drop counters, twice, {@code window} apart; meanwhile an ICMP echo to the
 * peer's underlay address, an IKE liveness check in its IKE SA and a DF path MTU probe run. The
 * result is a {@link Diagnosis} whose verdict {@link Verdict#of} computes.
 *
 * <p>Stateless; {@link #diagnose} blocks for the window plus at most a few seconds of probing and
 * may run on any thread except an IKE SA's executor.
 */
public final class Diagnoser {
  /**
   * The node-wide drop counters a diagnosis reports: those that have no SA, or (InStateProtoError)
   * mix the ICV failures of every SA with malformed packets. Replays, ICV failures and policy
   * mismatches are reported per SA of the peer instead ({@link Diagnosis.Sa}), from the SAD's
   * per-SA counters, so that another peer's drops are not blamed on this one.
   */
  static final List<XfrmStat> DROPS =
      List.of(
          XfrmStat.IN_NO_STATES,
          XfrmStat.IN_STATE_PROTO_ERROR,
          XfrmStat.IN_STATE_EXPIRED,
          XfrmStat.OUT_NO_STATES,
          XfrmStat.OUT_PKT_TOO_BIG,
          XfrmStat.OUT_LARVAL_QUEUE_DROPS,
          XfrmStat.IN_LARVAL_QUEUE_DROPS);

  private static final Duration PROBE_WAIT = Duration.ofSeconds(8);

  private Diagnoser() {}

  /** Diagnoses the path to {@code peerName} on {@code d}, sampling for {@code window}. */
  public static Diagnosis diagnose(Daemon d, String peerName, Duration window) {
    Optional<IkePeer> cfg =
        d.config().peers().stream().filter(p -> p.name().equals(peerName)).findFirst();
    int underlayMtu = d.config().tun().underlayMtu();
    if (cfg.isEmpty()) {
      Observations o =
          new Observations(
              peerName,
              "-",
              false,
              null,
              null,
              false,
              null,
              0,
              0,
              0,
              0,
              0,
              0,
              0,
              null,
              underlayMtu);
      return new Diagnosis(
          peerName,
          "-",
          0,
          null,
          null,
          null,
          List.of(),
          List.of(),
          null,
          underlayMtu,
          Verdict.of(o));
    }
    IkeService ike = d.ike();
    Optional<IkeSaInfo> ikeSa = ike == null ? Optional.empty() : best(ike.list(), peerName);
    InetAddress address = ikeSa.map(i -> i.remote().getAddress()).orElse(cfg.get().address());

    XfrmStats stats = d.dataPath().stats();
    Map<XfrmStat, Long> drops0 = drops(stats);
    Map<String, SaInfo> sas0 = sas(d, address);
    long t0 = System.nanoTime();

    CompletableFuture<Boolean> ping =
        CompletableFuture.supplyAsync(() -> UnderlayProbe.ping(address));
    CompletableFuture<Integer> mtu =
        CompletableFuture.supplyAsync(() -> UnderlayProbe.pathMtu(address, underlayMtu));
    CompletableFuture<Boolean> probe =
        ikeSa.isPresent() && ikeSa.get().state().isUsable()
            ? ike.engine().probe(peerName, window.plusSeconds(1))
            : CompletableFuture.completedFuture(null);

    sleep(window);
    Map<String, SaInfo> sas1 = sas(d, address);
    Map<XfrmStat, Long> drops1 = drops(stats);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Optional<IkeSaInfo> ikeAfter = ike == null ? Optional.empty() : best(ike.list(), peerName);

    long now = d.dataPath().sad().nowMillis();
    List<Diagnosis.Sa> views = new ArrayList<>();
    long out = 0;
    long in = 0;
    long replay = 0;
    long icv = 0;
    long mismatches = 0;
    int usableIn = 0;
    int usableOut = 0;
    for (SaInfo s : sas1.values()) {
      SaInfo before = sas0.get(key(s));
      long packets = s.packets() - (before == null ? 0 : before.packets());
      long bytes = s.bytes() - (before == null ? 0 : before.bytes());
      long rd = s.replayDrops() - (before == null ? 0 : before.replayDrops());
      long iv = s.icvFailures() - (before == null ? 0 : before.icvFailures());
      long pm = s.policyMismatches() - (before == null ? 0 : before.policyMismatches());
      boolean usable = s.state() == SaState.MATURE || s.state() == SaState.DYING;
      if (s.direction() == Direction.OUT) {
        out += packets;
        usableOut += usable ? 1 : 0;
      } else {
        in += packets;
        usableIn += usable ? 1 : 0;
      }
      replay += rd;
      icv += iv;
      mismatches += pm;
      views.add(
          new Diagnosis.Sa(
              s.direction().name().toLowerCase(java.util.Locale.ROOT),
              String.format("0x%08x", s.spi()),
              s.state().name(),
              s.addMillis() < 0 ? 0 : (now - s.addMillis()) / 1000,
              packets,
              bytes,
              rd,
              iv,
              pm));
    }
    List<Diagnosis.Drop> moved = new ArrayList<>();
    for (XfrmStat x : DROPS) {
      long delta = drops1.get(x) - drops0.get(x);
      if (delta > 0) {
        moved.add(new Diagnosis.Drop(x.statName(), delta));
      }
    }

    Boolean pinged = await(ping);
    Boolean answered = await(probe);
    Integer pathMtu = await(mtu);
    Diagnosis.Ike ikeView =
        ikeAfter
            .map(
                i ->
                    new Diagnosis.Ike(
                        i.state().name(),
                        String.format("%016x", i.initiatorSpi()),
                        String.format("%016x", i.responderSpi()),
                        Duration.between(
                                i.established() != null ? i.established() : i.created(),
                                Instant.now())
                            .toSeconds(),
                        i.children().size()))
            .orElse(null);
    Observations o =
        new Observations(
            peerName,
            InetText.format(address),
            true,
            pinged,
            ikeAfter.map(i -> i.state().name()).orElse(null),
            ikeAfter.map(i -> i.state().isUsable()).orElse(false),
            answered,
            Math.min(usableIn, usableOut),
            out,
            in,
            replay,
            icv,
            mismatches,
            drops1.get(XfrmStat.IN_NO_STATES) - drops0.get(XfrmStat.IN_NO_STATES),
            pathMtu,
            underlayMtu);
    views.sort(Comparator.comparing(Diagnosis.Sa::direction).thenComparing(Diagnosis.Sa::spi));
    return new Diagnosis(
        peerName,
        InetText.format(address),
        Math.round(seconds * 10) / 10.0,
        pinged,
        answered,
        ikeView,
        views,
        moved,
        pathMtu,
        underlayMtu,
        Verdict.of(o));
  }

  /** The peer's IKE SA that matters most: a usable one, else the newest. */
  private static Optional<IkeSaInfo> best(List<IkeSaInfo> all, String peer) {
    return all.stream()
        .filter(i -> peer.equals(i.peer()) && i.state() != IkeSaState.DESTROYED)
        .max(
            Comparator.comparing((IkeSaInfo i) -> i.state().isUsable())
                .thenComparingLong(IkeSaInfo::id));
  }

  private static Map<String, SaInfo> sas(Daemon d, InetAddress peer) {
    Map<String, SaInfo> m = new HashMap<>();
    for (SaInfo s : d.dataPath().sad().dump()) {
      if (peer.equals(s.peer())) {
        m.put(key(s), s);
      }
    }
    return m;
  }

  private static String key(SaInfo s) {
    return s.direction() + ":" + s.spi();
  }

  private static Map<XfrmStat, Long> drops(XfrmStats stats) {
    Map<XfrmStat, Long> m = new HashMap<>();
    for (XfrmStat x : DROPS) {
      m.put(x, stats.get(x));
    }
    return m;
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(PROBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
