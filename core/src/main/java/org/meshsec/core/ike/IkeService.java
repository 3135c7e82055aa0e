package org.meshsec.core.ike;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private volatile NodeConfig config;
  private final IkeEngine engine;

  /** Lifecycle events of the engine's IKE SAs, for the control commands that wait on them. */
  private final IkeListeners listeners;

  private final SadIpsecPort port;

  /** The configuration after a reload (its peers; the sockets stay as they are). */
  void update(NodeConfig next) {
    config = next;
  }

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

  /**
   * Rekeys the Child SA(s) named {@code child} with the peer, leaving the IKE SA as it is; false if
   * there is no IKE SA with the peer.
   */
  public boolean rekeyChild(String peer, String child) {
    return engine.rekeyChild(peer, child);
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
   * Shuts the engine down ({@link IkeEngine#shutdown()}): from now on no IKE SA or Child SA is
   * created, as initiator or responder, and every IKE SA (whatever its peer configuration) is
   * deleted with an INFORMATIONAL Delete (RFC 7296 section 1.4.1). Waits, at most {@code timeout},
   * for the engine to report that no IKE SA is left (the peers answered, or the SAs were dropped).
   * Cannot be undone; the sockets must still be open.
   *
   * @return whether every SA was gone in time
   */
  public boolean shutdown(Duration timeout) {
    try {
      engine.shutdown().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("IKE shutdown failed", e.getCause());
    }
  }

  /** A traffic selector for people; see {@link TrafficSelectors#format}. */
  public static String format(TsRange ts) {
    return TrafficSelectors.format(ts);
  }
}
