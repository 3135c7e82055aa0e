package org.meshsec.core.ike;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;

/**
 * The daemon's IKE as its control commands see it ({@code ike list}, {@code initiate}, {@code
 * terminate}, {@code rekey}, status): peers by their configured name, IKE SAs as snapshots. Every
 * call goes to the {@link IkeEngine}, which runs the work on the IKE SA's executor.
 *
 * <p>Thread-safe.
 */
public final class IkeService {
  private final NodeConfig config;
  private final IkeEngine engine;

  /** Lifecycle events of the engine's IKE SAs, for the control commands that wait on them. */
  private final IkeListeners listeners;

  private final SadIpsecPort port;

  IkeService(NodeConfig config, IkeEngine engine, SadIpsecPort port, IkeListeners listeners) {
    this.config = config;
    this.engine = engine;
    this.port = port;
    this.listeners = listeners;
  }

  /** The engine (for status and tests). */
  public IkeEngine engine() {
    return engine;
  }

  /** Snapshots of the IKE SAs. */
  public List<IkeSaInfo> list() {
    return engine.list();
  }

  /** Adds a listener for the IKE SAs' lifecycle events (until {@link #removeListener}). */
  public void addListener(IkeListener l) {
    listeners.add(l);
  }

  /** Removes a listener added by {@link #addListener}. */
  public void removeListener(IkeListener l) {
    listeners.remove(l);
  }

  /** Whether {@code peer} is configured. */
  public boolean hasPeer(String peer) {
    return config.peer(peer).isPresent();
  }

  /** Initiates the peer's IKE SA and all its Child SAs; false if the peer is unknown. */
  public boolean initiate(String peer) {
    return hasPeer(peer) && engine.initiate(peer);
  }

  /** Deletes the IKE SAs with the peer; false if there were none. */
  public boolean terminate(String peer) {
    return engine.terminate(peer);
  }

  /** Rekeys the IKE SAs with the peer; false if there were none. */
  public boolean rekey(String peer) {
    return engine.rekey(peer);
  }

  /** The established IKE SA with the peer whose configured children are all installed, if any. */
  public Optional<IkeSaInfo> established(String peer) {
    List<String> wanted = config.peer(peer).map(IkePeer::policies).orElse(List.of());
    return engine.list().stream()
        .filter(s -> peer.equals(s.peer()) && s.state() == IkeSaState.ESTABLISHED)
        .filter(
            s ->
                wanted.stream()
                    .allMatch(w -> s.children().stream().anyMatch(c -> c.name().equals(w))))
        .findFirst();
  }

  /** Whether any IKE SA with the peer still exists. */
  public boolean hasSa(String peer) {
    return engine.list().stream().anyMatch(s -> peer.equals(s.peer()));
  }

  /** Pairs refused because their selectors cannot be represented (or the SAD did not take them). */
  public long refusedCount() {
    return port.refusedCount();
  }

  /** Pairs installed into the SAD. */
  public long installedCount() {
    return port.installedCount();
  }

  /**
   * Deletes every IKE SA with an INFORMATIONAL Delete (RFC 7296 section 1.4.1) and waits, at most
   * {@code timeout}, for the peers' answers. Returns whether every SA was gone in time. The sockets
   * must still be open.
   */
  public boolean deleteAll(Duration timeout) {
    for (IkePeer p : config.peers()) {
      engine.terminate(p.name());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (engine.list().stream().noneMatch(s -> live(s.state()))) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static boolean live(IkeSaState s) {
    return s == IkeSaState.ESTABLISHED
        || s == IkeSaState.REKEYING
        || s == IkeSaState.REKEYED
        || s == IkeSaState.DELETING;
  }

  /** A traffic selector for people; see {@link TrafficSelectors#format}. */
  public static String format(TsRange ts) {
    return TrafficSelectors.format(ts);
  }
}
