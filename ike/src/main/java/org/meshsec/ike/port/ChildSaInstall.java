package org.meshsec.ike.port;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;

/**
 * A negotiated Child SA pair to install in the data plane (RFC 7296 sections 1.3 and 2.17): both
 * directions, their keys, selectors, outer addresses and lifetimes. ESP is always encapsulated in
 * UDP (RFC 3948) between {@code local} and {@code remote}.
 *
 * <p><b>Key ownership.</b> The two key holders are valid only during {@link IpsecPort#install}; the
 * engine wipes them afterwards. {@link #toString()} prints no key bytes.
 *
 * @param policyRef the data plane's policy this pair serves (opaque to the engine, from {@code
 *     ChildConfig.policyRef})
 * @param name the Child SA configuration name, for logs
 * @param inboundSpi our SPI (from {@link IpsecPort#getSpi}): the peer sends with it
 * @param inboundKeys key material of the inbound SA, laid out as {@link EspSuite} says
 * @param outboundSpi the peer's SPI: we send with it
 * @param outboundKeys key material of the outbound SA
 * @param suite the negotiated ESP suite
 * @param esn Extended Sequence Numbers negotiated (RFC 4303 section 2.2.1)
 * @param mode transport or tunnel
 * @param localTs our side's traffic selectors (the negotiated, possibly narrowed ones)
 * @param remoteTs the peer side's traffic selectors
 * @param local our outer address and UDP port (ESP in UDP source for outbound)
 * @param remote the peer's outer address and UDP port (NAT-mapped, as IKE last saw it)
 * @param soft soft limits (SOFT expire: rekey)
 * @param hard hard limits (HARD expire: gone)
 * @param outboundHold how long an older outbound SA for the same policy and peer keeps the traffic
 *     before the new one takes it (zero: at once). The initiator of an IKEv1 Quick Mode installs
 *     both directions on (2), before the responder installs its inbound SA on (3) (RFC 2409 section
 *     5.5); on a rekey the old pair can carry the traffic meanwhile.
 */
public record ChildSaInstall(
    long policyRef,
    String name,
    int inboundSpi,
    SecretBytes inboundKeys,
    int outboundSpi,
    SecretBytes outboundKeys,
    EspSuite suite,
    boolean esn,
    IpsecMode mode,
    List<TsRange> localTs,
    List<TsRange> remoteTs,
    InetSocketAddress local,
    InetSocketAddress remote,
    SaLifetime soft,
    SaLifetime hard,
    Duration outboundHold) {

  public ChildSaInstall {
    Objects.requireNonNull(outboundHold, "outboundHold");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(inboundKeys, "inboundKeys");
    Objects.requireNonNull(outboundKeys, "outboundKeys");
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(soft, "soft");
    Objects.requireNonNull(hard, "hard");
    localTs = List.copyOf(localTs);
    remoteTs = List.copyOf(remoteTs);
    if (inboundKeys.length() != suite.keyMaterialLength()
        || outboundKeys.length() != suite.keyMaterialLength()) {
      throw new IllegalArgumentException(
          "suite " + suite + " needs " + suite.keyMaterialLength() + " bytes of key material");
    }
  }

  @Override
  public String toString() {
    return String.format(
        "Child SA %s (policy %d) in 0x%08x out 0x%08x %s esn=%s %s %s === %s %s <-> %s",
        name,
        policyRef,
        inboundSpi,
        outboundSpi,
        suite,
        esn,
        mode,
        localTs,
        remoteTs,
        org.meshsec.inet.InetText.endpoint(local),
        org.meshsec.inet.InetText.endpoint(remote));
  }
}
