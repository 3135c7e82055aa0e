package org.meshsec.ike.sa;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.port.Cancellable;
import org.meshsec.ike.port.TsRange;

/**
 * One Child SA pair (RFC 7296 section 1.3; the inbound and outbound ESP SAs a CREATE_CHILD_SA or
 * IKE_AUTH exchange creates together), as the IKE side tracks it. The keys are not kept: they go to
 * the data plane at installation and are wiped here, so one copy of them exists: the data plane's.
 *
 * <p>Not thread-safe: owned by its IKE SA and used only on that SA's executor. Lifecycle in {@link
 * ChildSaState}.
 */
public final class ChildSa {
  private final ChildConfig config;
  private final int inboundSpi;
  private final int outboundSpi;
  private final EspSuite suite;
  private final boolean esn;
  private final IpsecMode mode;
  private final List<TsRange> localTs;
  private final List<TsRange> remoteTs;
  private final Bytes nonceI;
  private final Bytes nonceR;
  private final boolean weInitiated;
  private final ChildSa rekeyOf;
  private ChildSaState state = ChildSaState.INSTALLED;
  private Instant installed;
  private Instant rekeyAt;
  private Instant expireAt;
  private Cancellable rekeyTimer = Cancellable.NONE;
  private Cancellable expireTimer = Cancellable.NONE;

  /**
   * @param config the configuration it was negotiated for
   * @param inboundSpi our SPI
   * @param outboundSpi the peer's SPI
   * @param suite negotiated ESP suite
   * @param esn whether ESN was negotiated
   * @param mode transport or tunnel
   * @param localTs our side's negotiated selectors
   * @param remoteTs the peer side's negotiated selectors
   * @param nonceI Ni of the creating exchange (the IKE SA's for IKE_AUTH)
   * @param nonceR Nr of the creating exchange
   * @param weInitiated whether we initiated the creating exchange
   * @param rekeyOf the pair this one replaces, or null
   */
  public ChildSa(
      ChildConfig config,
      int inboundSpi,
      int outboundSpi,
      EspSuite suite,
      boolean esn,
      IpsecMode mode,
      List<TsRange> localTs,
      List<TsRange> remoteTs,
      Bytes nonceI,
      Bytes nonceR,
      boolean weInitiated,
      ChildSa rekeyOf) {
    this.config = Objects.requireNonNull(config, "config");
    this.inboundSpi = inboundSpi;
    this.outboundSpi = outboundSpi;
    this.suite = Objects.requireNonNull(suite, "suite");
    this.esn = esn;
    this.mode = Objects.requireNonNull(mode, "mode");
    this.localTs = List.copyOf(localTs);
    this.remoteTs = List.copyOf(remoteTs);
    this.nonceI = Objects.requireNonNull(nonceI, "nonceI");
    this.nonceR = Objects.requireNonNull(nonceR, "nonceR");
    this.weInitiated = weInitiated;
    this.rekeyOf = rekeyOf;
  }

  public ChildConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public int inboundSpi() {
    return inboundSpi;
  }

  public int outboundSpi() {
    return outboundSpi;
  }

  public EspSuite suite() {
    return suite;
  }

  public boolean esn() {
    return esn;
  }

  public IpsecMode mode() {
    return mode;
  }

  public List<TsRange> localTs() {
    return localTs;
  }

  public List<TsRange> remoteTs() {
    return remoteTs;
  }

  /** Ni of the creating exchange. */
  Bytes nonceI() {
    return nonceI;
  }

  /** Nr of the creating exchange. */
  Bytes nonceR() {
    return nonceR;
  }

  /** Whether we initiated the exchange that created this pair. */
  public boolean weInitiated() {
    return weInitiated;
  }

  /** The pair this one replaced in a rekey, or null. */
  public ChildSa rekeyOf() {
    return rekeyOf;
  }

  /**
   * The lower of the two nonces of the creating exchange: the SA whose exchange has the lowest
   * nonce is the redundant one in a collision (RFC 7296 section 2.8.1).
   */
  public Bytes lowestNonce() {
    return Bytes.compareNonces(nonceI, nonceR) <= 0 ? nonceI : nonceR;
  }

  public ChildSaState state() {
    return state;
  }

  public void setState(ChildSaState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /** Whether the pair carries traffic and may be rekeyed (INSTALLED or REKEYING). */
  public boolean isActive() {
    return state == ChildSaState.INSTALLED || state == ChildSaState.REKEYING;
  }

  public Instant installed() {
    return installed;
  }

  public Instant rekeyAt() {
    return rekeyAt;
  }

  /** When the hard lifetime ends, or null if it has none. */
  Instant expireAt() {
    return expireAt;
  }

  void timers(
      Instant installed, Instant rekeyAt, Instant expireAt, Cancellable rekey, Cancellable expire) {
    this.installed = installed;
    this.rekeyAt = rekeyAt;
    this.expireAt = expireAt;
    this.rekeyTimer = rekey;
    this.expireTimer = expire;
  }

  void cancelTimers() {
    rekeyTimer.cancel();
    expireTimer.cancel();
    rekeyTimer = Cancellable.NONE;
    expireTimer = Cancellable.NONE;
  }

  /** A snapshot. */
  public ChildSaInfo info() {
    return new ChildSaInfo(
        config.name(),
        state,
        inboundSpi,
        outboundSpi,
        suite,
        esn,
        mode,
        localTs,
        remoteTs,
        installed,
        rekeyAt,
        weInitiated);
  }

  /** The pair's SPIs as strongSwan logs them: {@code c1a0e5f2_i c8d3b6f1_o}. */
  public String spis() {
    return String.format("%08x_i %08x_o", inboundSpi, outboundSpi);
  }

  @Override
  public String toString() {
    return String.format("%s{%08x/%08x %s}", config.name(), inboundSpi, outboundSpi, state);
  }
}
