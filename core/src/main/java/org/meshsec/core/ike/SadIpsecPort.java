package org.meshsec.core.ike;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.meshsec.core.sad.KeyEngine;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.sad.SadStatus;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.ike.port.ChildSaInstall;
import org.meshsec.ike.port.IpsecPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SAD as the IKE engine's data plane, the way a PF_KEY/XFRM backend serves strongSwan's charon
 * (RFC 2367 names in brackets):
 *
 * <pre>
 *  getSpi  [GETSPI]          -&gt; KeyEngine.getSpi: a LARVAL inbound SA holds the SPI
 *  install [UPDATE + ADD]    -&gt; KeyEngine.update (inbound, LARVAL -&gt; MATURE, queued ESP drained)
 *                               + KeyEngine.addHeld (outbound; drains the packets queued on the
 *                               acquire; held behind the older SA for ChildSaInstall.outboundHold)
 *  delete  [DELETE]          -&gt; KeyEngine.delete, both directions
 *  deleteOutbound [DELETE]   -&gt; KeyEngine.delete of the outbound SA, before our Delete request
 *  inboundIdle               -&gt; the inbound SA's last authenticated packet (SaInfo.lastUseMillis)
 *  acquirePending            -&gt; packets queued on the pending acquire (KeyEngine.queuedOutbound)
 * </pre>
 *
 * A negotiated pair whose traffic selectors are not exactly one prefix each cannot be represented
 * in the SAD ({@link TrafficSelectors#selectorOf}); it is refused, not widened: nothing of it stays
 * in the SAD and the engine fails the negotiation.
 *
 * <p>Thread-safe: called from the IKE SAs' executors; the SAD is thread-safe and the counters are
 * atomic.
 */
public final class SadIpsecPort implements IpsecPort {
  private static final Logger log = LoggerFactory.getLogger(SadIpsecPort.class);

  private final KeyEngine sad;
  private final PeerConfigs peers;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong installed = new AtomicLong();

  /**
   * @param sad where SAs go
   * @param peers maps a Child SA's policyRef (its OUT policy) to the mirrored IN policy
   */
  public SadIpsecPort(KeyEngine sad, PeerConfigs peers) {
    this.sad = sad;
    this.peers = peers;
  }

  @Override
  public int getSpi(InetAddress local, InetAddress peer) {
    return sad.getSpi(local, peer);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the pair is refused: selectors the SAD cannot represent
   *     exactly, or an SA the SAD does not take (the reason is logged)
   */
  @Override
  public void install(ChildSaInstall sa) {
    SelectorConversion conversion = TrafficSelectors.selectorOf(sa.localTs(), sa.remoteTs());
    if (conversion instanceof SelectorConversion.Refused r) {
      refuse(sa, r.reason());
      return;
    }
    Selector out = ((SelectorConversion.Converted) conversion).selector();
    IpsecMode mode = sa.mode();
    InetAddress local = sa.local().getAddress();
    InetAddress peer = sa.remote().getAddress();
    SaLifetime soft = sa.soft();
    SaLifetime hard = sa.hard();
    long inPolicy = peers.inPolicyOf(sa.policyRef());
    byte[] inKey = sa.inboundKeys().copy();
    byte[] outKey = sa.outboundKeys().copy();
    try {
      SaSpec in =
          new SaSpec(
              Direction.IN,
              sa.inboundSpi(),
              local,
              sa.local().getPort(),
              peer,
              sa.remote().getPort(),
              mode,
              out.reverse(),
              inPolicy,
              sa.suite(),
              inKey,
              sa.esn(),
              EspSaParams.DEFAULT_REPLAY_WINDOW,
              soft,
              hard);
      SadStatus st = sad.update(in);
      if (st == SadStatus.NO_SUCH_SA) {
        // the LARVAL SA from getSpi timed out (acquire timeout) while IKE was still at it
        st = sad.add(in);
      }
      if (st != SadStatus.OK) {
        refuse(sa, "inbound SA: " + st);
        return;
      }
      SaSpec o =
          new SaSpec(
              Direction.OUT,
              sa.outboundSpi(),
              local,
              sa.local().getPort(),
              peer,
              sa.remote().getPort(),
              mode,
              out,
              sa.policyRef(),
              sa.suite(),
              outKey,
              sa.esn(),
              0,
              soft,
              hard);
      st = sad.addHeld(o, sa.outboundHold());
      if (st != SadStatus.OK) {
        sad.delete(Direction.IN, sa.inboundSpi(), null);
        refuse(sa, "outbound SA: " + st);
        return;
      }
      installed.incrementAndGet();
      log.debug("installed {}", sa);
    } finally {
      Arrays.fill(inKey, (byte) 0);
      Arrays.fill(outKey, (byte) 0);
    }
  }

  /**
   * Refuses a pair: nothing of it stays in the SAD, and the exception tells the engine, which fails
   * the negotiation (NO_ADDITIONAL_SAS to a requesting peer) and releases the inbound SPI.
   */
  private void refuse(ChildSaInstall sa, String reason) {
    refused.incrementAndGet();
    log.warn("refusing to install Child SA {}: {}", sa, reason);
    sad.delete(Direction.IN, sa.inboundSpi(), null);
    throw new IllegalArgumentException("Child SA " + sa.name() + " refused: " + reason);
  }

  @Override
  public void delete(int inboundSpi, int outboundSpi, InetAddress peer) {
    sad.delete(Direction.IN, inboundSpi, null);
    if (outboundSpi != 0) {
      sad.delete(Direction.OUT, outboundSpi, peer);
    }
  }

  @Override
  public void deleteOutbound(int outboundSpi, InetAddress peer) {
    sad.delete(Direction.OUT, outboundSpi, peer);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The SAD stamps an inbound SA with its coarse clock (refreshed by the daemon's expiry tick)
   * each time a packet authenticates, so the answer may be older than the truth by one tick.
   */
  @Override
  public Optional<Duration> inboundIdle(int inboundSpi) {
    Optional<SaInfo> sa = sad.get(Direction.IN, inboundSpi, null);
    if (sa.isEmpty() || sa.get().lastUseMillis() < 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis(Math.max(0, sad.nowMillis() - sa.get().lastUseMillis())));
  }

  @Override
  public boolean acquirePending(long policyRef, InetAddress peer) {
    return sad.queuedOutbound(policyRef, peer) > 0;
  }

  /** Pairs refused (selectors the SAD cannot represent, or an SA the SAD did not take). */
  public long refusedCount() {
    return refused.get();
  }

  /** Pairs installed. */
  public long installedCount() {
    return installed.get();
  }
}
