package org.meshsec.core.ike;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.meshsec.core.sad.ExpireCause;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SadEvent;
import org.meshsec.core.sad.SadListener;
import org.meshsec.core.spd.Direction;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeSaInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the data plane's events to the IKE engine (the SADB_ACQUIRE and SADB_EXPIRE messages of
 * RFC 2367, and INVALID_SPI of RFC 7296 section 2.21.4):
 *
 * <pre>
 *  ACQUIRE for a policy negotiated with IKE   -&gt; IkeEngine.acquire (unless start_action is none;
 *                                                manually keyed policies are ignored)
 *  SOFT / HARD expire of a negotiated SA      -&gt; IkeEngine.expire, by the pair's inbound SPI
 *                                                (a LARVAL timeout is not an expire for IKE)
 *  ESP for an unknown SPI (DataPath)          -&gt; IkeEngine.unknownSpi (rate-limited by the engine):
 *                                                INVALID_SPI inside an IKE SA with the sender, or,
 *                                                with none, an IKE SA initiated with INITIAL_CONTACT
 *                                                to a configured peer at that address (it rebooted
 *                                                us out of its SAs: RFC 7296 section 2.4)
 * </pre>
 *
 * <p>Threads: SAD events arrive on data-path threads, possibly under an SA's lock ({@link
 * SadListener}), so they are handed to the IKE pool and never processed inline; {@link
 * #onUnknownSpi} is cheap and non-blocking and runs inline. Thread-safe.
 */
public final class SadEventRouter implements SadListener {
  private static final Logger log = LoggerFactory.getLogger(SadEventRouter.class);

  private final IkeEngine engine;
  private final Executor pool;
  private final PeerConfigs peers;
  private volatile boolean closed;

  /**
   * @param pool where events are processed (the engine's pool)
   * @param peers which policies are negotiated, and their peers' start actions
   */
  public SadEventRouter(IkeEngine engine, Executor pool, PeerConfigs peers) {
    this.engine = engine;
    this.pool = pool;
    this.peers = peers;
  }

  @Override
  public void onEvent(SadEvent e) {
    if (closed) {
      return;
    }
    if (e instanceof SadEvent.Acquire a) {
      StartAction sa = peers.startActionOf(a.policy().id());
      if (sa == null) {
        return; // a manually keyed policy
      }
      if (sa == StartAction.NONE) {
        log.debug("acquire for {}: start_action none, not negotiating", a.policy().name());
        return;
      }
      pool.execute(() -> engine.acquire(a.policy().id(), a.peer()));
    } else if (e instanceof SadEvent.SoftExpire s) {
      expire(s.sa(), ExpireKind.SOFT);
    } else if (e instanceof SadEvent.HardExpire h && h.cause() != ExpireCause.LARVAL_TIMEOUT) {
      expire(h.sa(), ExpireKind.HARD);
    }
  }

  private void expire(SaInfo sa, ExpireKind kind) {
    if (!peers.negotiates(sa.policyId())) {
      return; // not negotiated by IKE
    }
    pool.execute(
        () -> {
          int spi = sa.direction() == Direction.IN ? sa.spi() : inboundOf(sa.spi(), sa.peer());
          if (spi != 0) {
            engine.expire(spi, kind);
          }
        });
  }

  private int inboundOf(int outboundSpi, InetAddress peer) {
    for (IkeSaInfo ike : engine.list()) {
      if (!ike.remote().getAddress().equals(peer)) {
        continue;
      }
      for (ChildSaInfo c : ike.children()) {
        if (c.outboundSpi() == outboundSpi) {
          return c.inboundSpi();
        }
      }
    }
    return 0;
  }

  /** ESP for an SPI we do not know, from {@link org.meshsec.core.datapath.DataPath.UnknownSpi}. */
  public void onUnknownSpi(int spi, InetSocketAddress from) {
    if (!closed) {
      engine.unknownSpi(spi, from); // cheap and non-blocking; rate-limited by the engine
    }
  }

  /** Ignores events from now on (shutdown). */
  public void close() {
    closed = true;
  }
}
