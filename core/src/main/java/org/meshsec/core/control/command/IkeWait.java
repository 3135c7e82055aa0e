package org.meshsec.core.control.command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.meshsec.core.ike.IkeService;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle events of one peer's IKE SAs, heard while a command waits for the outcome of its
 * request: registered on the {@link IkeService} before the request is made (so nothing is missed)
 * and removed on {@link #close()}. The command's thread takes the events in order with {@link
 * #next}; the engine's threads only queue them.
 *
 * <p>Thread-safety: events are queued from the IKE SAs' executors and taken by one waiting thread.
 * The queue is bounded; an event that does not fit is dropped and logged (the waiting command
 * re-reads the engine's state after every event, so only a destruction's reason can be lost).
 */
final class IkeWait implements IkeListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IkeWait.class);

  /** What happened to one IKE SA of the peer. */
  sealed interface Event {}

  /** The SA's state or Child SAs changed; {@code info} is the snapshot after the change. */
  record Changed(IkeSaInfo info) implements Event {}

  /**
   * An exchange we initiated on the SA completed ({@link IkeListener#exchangeDone}); {@code info}
   * is the snapshot after it.
   */
  record Exchange(IkeSaInfo info, String exchange) implements Event {}

  /** The SA is gone, for {@code reason}; {@code last} is its final snapshot. */
  record Destroyed(IkeSaInfo last, String reason) implements Event {}

  /** Child SA {@code child} we initiated on {@code sa} failed, for {@code reason}. */
  record ChildFailed(IkeSaInfo sa, String child, String reason) implements Event {}

  private static final int CAPACITY = 256;

  private final IkeService ike;
  private final String peer;
  private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(CAPACITY);

  private IkeWait(IkeService ike, String peer) {
    this.ike = ike;
    this.peer = peer;
  }

  /** Starts listening to {@code peer}'s IKE SAs. */
  static IkeWait on(IkeService ike, String peer) {
    IkeWait w = new IkeWait(ike, peer);
    ike.addListener(w);
    return w;
  }

  /**
   * The next event, or null once {@code deadlineNanos} (a {@link System#nanoTime()} value) has
   * passed.
   */
  Event next(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    return left <= 0 ? events.poll() : events.poll(left, TimeUnit.NANOSECONDS);
  }

  /** The events queued now, without waiting. */
  List<Event> drain() {
    List<Event> all = new ArrayList<>();
    events.drainTo(all);
    return all;
  }

  @Override
  public void ikeSaChanged(IkeSaInfo info) {
    if (peer.equals(info.peer())) {
      offer(new Changed(info));
    }
  }

  @Override
  public void exchangeDone(IkeSaInfo info, String exchange) {
    if (peer.equals(info.peer())) {
      offer(new Exchange(info, exchange));
    }
  }

  @Override
  public void ikeSaDestroyed(IkeSaInfo last, String reason) {
    if (peer.equals(last.peer())) {
      offer(new Destroyed(last, reason));
    }
  }

  @Override
  public void childSaFailed(IkeSaInfo sa, String child, String reason) {
    if (peer.equals(sa.peer())) {
      offer(new ChildFailed(sa, child, reason));
    }
  }

  private void offer(Event e) {
    if (!events.offer(e)) {
      log.debug("IKE events of peer {}: queue full, one dropped", peer);
    }
  }

  @Override
  public void close() {
    ike.removeListener(this);
  }
}
