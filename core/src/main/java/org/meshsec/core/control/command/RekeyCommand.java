package org.meshsec.core.control.command;

import static org.meshsec.core.control.command.Replies.answer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.Progress;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.ChildSaState;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;

/**
 * {@code rekey PEER}: rekeys the established IKE SA(s) with the peer (CREATE_CHILD_SA, RFC 7296
 * section 2.18) and waits for the engine's events until each of them is replaced (state REKEYED or
 * DELETING, or destroyed with a new SA established), one of them fails (back to ESTABLISHED after
 * REKEYING, or destroyed with no successor: failure with the reason), or the timeout passes. {@code
 * rekey PEER --child NAME} rekeys only that Child SA (see {@link #rekeyChild}). Thread-safe: each
 * call waits on its own listener.
 */
public final class RekeyCommand implements Command<ControlRequest.Rekey> {

  /** How long {@code rekey} waits when the request names no timeout. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final Daemon d;

  public RekeyCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Rekey r) throws InterruptedException {
    return run(r, Progress.NONE);
  }

  @Override
  public ControlResponse run(ControlRequest.Rekey r, Progress progress)
      throws InterruptedException {
    IkeService ike = d.ike();
    if (ike == null) {
      return Replies.noIke(d);
    }
    String peer = r.peer();
    if (!ike.hasPeer(peer)) {
      return Replies.unknownPeer(d, peer);
    }
    Duration timeout =
        r.timeoutMillis() == null ? DEFAULT_WAIT : Duration.ofMillis(r.timeoutMillis());
    if (r.child() != null) {
      return rekeyChild(ike, r, timeout);
    }
    try (IkeWait events = IkeWait.on(ike, peer)) {
      ProgressText steps = new ProgressText(progress, ike.list());
      Set<Long> old = new HashSet<>();
      for (IkeSaInfo s : usable(ike, peer)) {
        old.add(s.id());
      }
      if (!ike.rekey(peer)) {
        return answer(false, r.json(), peer, "no established IKE SA with " + peer);
      }
      if (timeout.isZero()) {
        return answer(true, r.json(), peer, "rekeying the IKE SA(s) with " + peer);
      }
      Set<Long> pending = new HashSet<>(old);
      Set<Long> started = new HashSet<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      // Done when every old SA is replaced and a successor is established: the old SA turns
      // REKEYED on its executor, the new one publishes ESTABLISHED on its own, in either order.
      while (!pending.isEmpty() || successors(ike, peer, old).isEmpty()) {
        IkeWait.Event e = events.next(deadline);
        if (e != null) {
          steps.report(e);
        }
        if (e == null) {
          return answer(
              false,
              r.json(),
              peer,
              "IKE SA(s) with "
                  + peer
                  + " not rekeyed within "
                  + timeout.toMillis() / 1000.0
                  + " s (see the log and ike list)");
        }
        if (e instanceof IkeWait.Changed c && pending.contains(c.info().id())) {
          long id = c.info().id();
          IkeSaState st = c.info().state();
          if (st == IkeSaState.REKEYING) {
            started.add(id);
          } else if (st == IkeSaState.REKEYED || st == IkeSaState.DELETING) {
            pending.remove(id);
          } else if (st == IkeSaState.ESTABLISHED && started.contains(id)) {
            return answer(
                false,
                r.json(),
                peer,
                "the rekey of IKE SA #"
                    + id
                    + " with "
                    + peer
                    + " failed; it stays in use"
                    + " (see the log)");
          }
        } else if (e instanceof IkeWait.Destroyed x && pending.contains(x.last().id())) {
          if (successors(ike, peer, old).isEmpty()) {
            return answer(
                false,
                r.json(),
                peer,
                "IKE SA #"
                    + x.last().id()
                    + " with "
                    + peer
                    + " was destroyed during the rekey: "
                    + x.reason());
          }
          pending.remove(x.last().id());
        }
      }
      events.drain().forEach(steps::report);
      return answer(
          true,
          r.json(),
          peer,
          "IKE SA(s) with "
              + peer
              + " rekeyed: "
              + old.stream().sorted().map(id -> "#" + id).toList()
              + " replaced by "
              + successors(ike, peer, old).stream().map(id -> "#" + id).toList());
    }
  }

  /**
   * {@code rekey PEER --child NAME}: asks for a rekey of the Child SA(s) of that name and waits
   * until a pair with a new inbound SPI is installed under the peer's IKE SA (the old pair is
   * deleted by the exchange, make-before-break), the IKE SA is gone, or the timeout passes. It
   * polls the engine's snapshots: Child SA changes are not IKE SA events.
   */
  private ControlResponse rekeyChild(IkeService ike, ControlRequest.Rekey r, Duration timeout)
      throws InterruptedException {
    String peer = r.peer();
    String child = r.child();
    Set<Integer> old = new HashSet<>(inboundSpis(usable(ike, peer), child, c -> true));
    String what = "Child SA " + child + " with " + peer;
    if (old.isEmpty()) {
      return answer(false, r.json(), peer, "no installed " + what);
    }
    if (!ike.rekeyChild(peer, child)) {
      return answer(false, r.json(), peer, "no established IKE SA with " + peer);
    }
    if (timeout.isZero()) {
      return answer(true, r.json(), peer, "rekeying " + what);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<IkeSaInfo> now = usable(ike, peer);
      if (now.isEmpty()) {
        return answer(
            false, r.json(), peer, "the IKE SA with " + peer + " went away during the rekey");
      }
      List<Integer> fresh =
          inboundSpis(
              now,
              child,
              c -> c.state() == ChildSaState.INSTALLED && !old.contains(c.inboundSpi()));
      if (!fresh.isEmpty()) {
        return answer(
            true,
            r.json(),
            peer,
            what + " rekeyed: SPI(s) in " + spis(old) + " replaced by " + spis(fresh));
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return answer(
            false,
            r.json(),
            peer,
            what
                + " not rekeyed within "
                + timeout.toMillis() / 1000.0
                + " s (see the log and ike list)");
      }
      Thread.sleep(Math.max(1, Math.min(CHILD_POLL.toMillis(), left / 1_000_000)));
    }
  }

  /** How often {@link #rekeyChild} looks at the engine's snapshots. */
  private static final Duration CHILD_POLL = Duration.ofMillis(20);

  private static String spis(Collection<Integer> spis) {
    return spis.stream().sorted().map(s -> String.format("0x%08x", s)).toList().toString();
  }

  /** The usable (established or rekeying) IKE SAs with the peer. */
  private static List<IkeSaInfo> usable(IkeService ike, String peer) {
    return ike.list().stream().filter(s -> peer.equals(s.peer()) && s.state().isUsable()).toList();
  }

  /**
   * The inbound SPIs of the Child SAs named {@code child} under {@code sas} that {@code which}
   * picks, sorted.
   */
  private static List<Integer> inboundSpis(
      List<IkeSaInfo> sas, String child, Predicate<ChildSaInfo> which) {
    return sas.stream()
        .flatMap(s -> s.children().stream())
        .filter(c -> c.name().equals(child) && which.test(c))
        .map(ChildSaInfo::inboundSpi)
        .sorted()
        .toList();
  }

  /** The established IKE SAs with the peer that are not among {@code old}, by id. */
  private static List<Long> successors(IkeService ike, String peer, Set<Long> old) {
    return usable(ike, peer).stream()
        .filter(s -> !old.contains(s.id()))
        .map(IkeSaInfo::id)
        .sorted()
        .toList();
  }
}
