package org.meshsec.core.control.command;

import static org.meshsec.core.control.command.Replies.answer;

import java.time.Duration;
import java.util.Optional;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.Progress;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.IkeSaInfo;

/**
 * {@code initiate PEER}: brings up the IKE SA with the peer and all its Child SAs, and waits for
 * the engine's events until the IKE SA is established with every configured Child SA (success), the
 * IKE SA we initiated is destroyed before it was established or a Child SA we initiated failed
 * (failure, with the engine's reason), or the timeout passes (failure; the negotiation goes on).
 * Thread-safe: each call waits on its own listener.
 */
public final class InitiateCommand implements Command<ControlRequest.Initiate> {

  /** How long {@code initiate} waits when the request names no timeout. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(15);

  private final Daemon d;

  public InitiateCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Initiate r) throws InterruptedException {
    return run(r, Progress.NONE);
  }

  @Override
  public ControlResponse run(ControlRequest.Initiate r, Progress progress)
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
      if (!ike.initiate(peer)) {
        return answer(false, r.json(), peer, "peer " + peer + " has nothing to initiate");
      }
      if (timeout.isZero()) {
        return answer(true, r.json(), peer, "initiating " + peer);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Optional<IkeSaInfo> up = ike.established(peer);
        if (up.isPresent()) {
          events.drain().forEach(steps::report);
          IkeSaInfo s = up.get();
          return answer(
              true,
              r.json(),
              peer,
              "IKE SA #"
                  + s.id()
                  + " with "
                  + peer
                  + " established, Child SAs "
                  + s.children().stream().map(ChildSaInfo::name).distinct().toList());
        }
        IkeWait.Event e = events.next(deadline);
        if (e != null) {
          steps.report(e);
        }
        if (e == null) {
          if (ike.established(peer).isPresent()) {
            continue; // established just as the wait ended
          }
          return answer(
              false,
              r.json(),
              peer,
              "IKE SA with "
                  + peer
                  + " not established within "
                  + timeout.toMillis() / 1000.0
                  + " s (negotiation goes on; see the log and ike list)");
        }
        if (e instanceof IkeWait.ChildFailed c) {
          return answer(
              false,
              r.json(),
              peer,
              "IKE SA #"
                  + c.sa().id()
                  + " with "
                  + peer
                  + ": Child SA "
                  + c.child()
                  + " failed: "
                  + c.reason());
        }
        if (e instanceof IkeWait.Destroyed x
            && x.last().originalInitiator()
            && x.last().established() == null) {
          return answer(
              false,
              r.json(),
              peer,
              "IKE SA #"
                  + x.last().id()
                  + " with "
                  + peer
                  + " failed before it was established: "
                  + x.reason());
        }
      }
    }
  }
}
