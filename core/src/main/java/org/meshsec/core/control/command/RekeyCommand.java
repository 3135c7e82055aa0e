package org.meshsec.core.control.command;

import static org.meshsec.core.control.command.Replies.answer;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.Progress;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;

/**
 * {@code rekey PEER}: rekeys the established IKE SA(s) with the peer (CREATE_CHILD_SA, RFC 7296
 * section 2.18) and waits for the engine's events until each of them is replaced (state REKEYED or
 * DELETING, or destroyed with a new SA established), one of them fails (back to ESTABLISHED after
 * REKEYING, or destroyed with no successor: failure with the reason), or the timeout passes.
 * Thread-safe: each call waits on its own listener.
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
    try (IkeWait events = IkeWait.on(ike, peer)) {
      ProgressText steps = new ProgressText(progress, ike.list());
      Set<Long> old = new HashSet<>();
      for (IkeSaInfo s : ike.list()) {
        if (peer.equals(s.peer()) && s.state().isUsable()) {
          old.add(s.id());
        }
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

  /** The established IKE SAs with the peer that are not among {@code old}, by id. */
  private static List<Long> successors(IkeService ike, String peer, Set<Long> old) {
    return ike.list().stream()
        .filter(s -> peer.equals(s.peer()) && s.state().isUsable() && !old.contains(s.id()))
        .map(IkeSaInfo::id)
        .sorted()
        .toList();
  }
}
