package org.meshsec.core.control.command;

import static org.meshsec.core.control.command.Replies.answer;

import java.time.Duration;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.Progress;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;

/**
 * {@code terminate PEER}: deletes the IKE SA(s) with the peer (INFORMATIONAL Delete, RFC 7296
 * section 1.4.1) and waits for the engine's events until none is left or the timeout passes.
 * Thread-safe: each call waits on its own listener.
 */
public final class TerminateCommand implements Command<ControlRequest.Terminate> {

  /** How long {@code terminate} waits when the request names no timeout. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

  private final Daemon d;

  public TerminateCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.Terminate r) throws InterruptedException {
    return run(r, Progress.NONE);
  }

  @Override
  public ControlResponse run(ControlRequest.Terminate r, Progress progress)
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
      if (!ike.terminate(peer)) {
        return answer(false, r.json(), peer, "no IKE SA with " + peer);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (ike.hasSa(peer)) {
        if (timeout.isZero()) {
          return answer(true, r.json(), peer, "deleting IKE SA(s) with " + peer);
        }
        IkeWait.Event e = events.next(deadline);
        if (e != null) {
          steps.report(e);
        } else if (ike.hasSa(peer)) {
          return answer(
              false,
              r.json(),
              peer,
              "IKE SA(s) with "
                  + peer
                  + " still being deleted after "
                  + timeout.toMillis() / 1000.0
                  + " s");
        }
      }
      events.drain().forEach(steps::report);
      return answer(true, r.json(), peer, "IKE SA(s) with " + peer + " deleted");
    }
  }
}
