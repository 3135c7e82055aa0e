package org.meshsec.ike.v1.task;

import java.util.List;
import java.util.Objects;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.message.IpsecAttribute;

/**
 * What one side brings to a Quick Mode negotiation (RFC 2409 section 5.5): the ESP suites in order
 * of preference, the PFS group, the mode, the traffic selectors of its policy and the SA lifetimes.
 *
 * <p>ESP always travels in UDP (RFC 3948) in meshsec, so {@code udpEncapsulation} is normally true:
 * the Encapsulation Mode is then UDP-Encapsulated-Tunnel (3) or -Transport (4) of RFC 3947 section
 * 5; false offers plain Tunnel (1) / Transport (2) for peers that detected no NAT.
 *
 * @param name the policy name, for logs and {@code ChildSaInstall}
 * @param policyRef the data plane's policy this SA serves (opaque)
 * @param suites offered (initiator) or acceptable (responder) ESP suites, preferred first
 * @param pfsGroup the Quick Mode key exchange group, {@link DhGroup#NONE} for no PFS
 * @param mode tunnel or transport
 * @param udpEncapsulation whether to use the RFC 3947 UDP-encapsulated modes
 * @param localTs our side's selectors; the initiator sends the first as its ID (IDci), the
 *     responder narrows the peer's IDcr to one of them
 * @param remoteTs the peer side's selectors (IDcr from the initiator)
 * @param lifeSeconds SA lifetime in seconds, 0 for none
 * @param lifeKilobytes SA lifetime in kilobytes, 0 for none
 */
public record QuickModeConfig(
    String name,
    long policyRef,
    List<EspSuite> suites,
    DhGroup pfsGroup,
    IpsecMode mode,
    boolean udpEncapsulation,
    List<TsRange> localTs,
    List<TsRange> remoteTs,
    long lifeSeconds,
    long lifeKilobytes) {

  public QuickModeConfig {
    Objects.requireNonNull(name, "name");
    suites = List.copyOf(suites);
    Objects.requireNonNull(pfsGroup, "pfsGroup");
    Objects.requireNonNull(mode, "mode");
    localTs = List.copyOf(localTs);
    remoteTs = List.copyOf(remoteTs);
    if (suites.isEmpty() || suites.size() > 255) {
      throw new IllegalArgumentException("1..255 ESP suites");
    }
    if (localTs.isEmpty() || remoteTs.isEmpty()) {
      throw new IllegalArgumentException("both sides need a traffic selector");
    }
    if (!pfsGroup.equals(DhGroup.NONE) && !pfsGroup.isSupported()) {
      throw new IllegalArgumentException("unsupported PFS group " + pfsGroup);
    }
    if (lifeSeconds < 0 || lifeKilobytes < 0) {
      throw new IllegalArgumentException("lifetimes must be >= 0");
    }
  }

  /** The Encapsulation Mode attribute value this configuration offers and accepts. */
  public IpsecAttribute.EncapsulationMode encapsulationMode() {
    if (mode == IpsecMode.TUNNEL) {
      return udpEncapsulation
          ? IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TUNNEL
          : IpsecAttribute.EncapsulationMode.TUNNEL;
    }
    return udpEncapsulation
        ? IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT
        : IpsecAttribute.EncapsulationMode.TRANSPORT;
  }

  /** This configuration with other lifetimes. */
  public QuickModeConfig withLifetimes(long seconds, long kilobytes) {
    return new QuickModeConfig(
        name,
        policyRef,
        suites,
        pfsGroup,
        mode,
        udpEncapsulation,
        localTs,
        remoteTs,
        seconds,
        kilobytes);
  }
}
