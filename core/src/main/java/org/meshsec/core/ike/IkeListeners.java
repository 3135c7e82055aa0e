package org.meshsec.core.ike;

import java.util.concurrent.CopyOnWriteArrayList;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one {@link IkeListener}, fanned out to listeners that come and go (a control command
 * waiting for its IKE SA adds one for the length of the wait).
 *
 * <p>Thread-safety: listeners are added and removed from any thread (a copy-on-write list); events
 * arrive on the IKE SAs' executors and are passed on in the order of the list. A listener that
 * throws is logged and does not keep the others from hearing the event.
 */
public final class IkeListeners implements IkeListener {
  private static final Logger log = LoggerFactory.getLogger(IkeListeners.class);

  private final CopyOnWriteArrayList<IkeListener> listeners = new CopyOnWriteArrayList<>();

  /** Adds {@code l}; it hears every event from now until {@link #remove}. */
  public void add(IkeListener l) {
    listeners.add(l);
  }

  /** Removes {@code l} (no effect if it was not added). */
  public void remove(IkeListener l) {
    listeners.remove(l);
  }

  @Override
  public void ikeSaChanged(IkeSaInfo info) {
    for (IkeListener l : listeners) {
      try {
        l.ikeSaChanged(info);
      } catch (RuntimeException e) {
        log.warn("an IKE listener failed", e);
      }
    }
  }

  @Override
  public void exchangeDone(IkeSaInfo info, String exchange) {
    for (IkeListener l : listeners) {
      try {
        l.exchangeDone(info, exchange);
      } catch (RuntimeException e) {
        log.warn("an IKE listener failed", e);
      }
    }
  }

  @Override
  public void childSaFailed(IkeSaInfo sa, String child, String reason) {
    for (IkeListener l : listeners) {
      try {
        l.childSaFailed(sa, child, reason);
      } catch (RuntimeException e) {
        log.warn("an IKE listener failed", e);
      }
    }
  }

  @Override
  public void ikeSaDestroyed(IkeSaInfo last, String reason) {
    for (IkeListener l : listeners) {
      try {
        l.ikeSaDestroyed(last, reason);
      } catch (RuntimeException e) {
        log.warn("an IKE listener failed", e);
      }
    }
  }
}
