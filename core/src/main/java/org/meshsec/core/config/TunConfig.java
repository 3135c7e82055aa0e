package org.meshsec.core.config;

import java.util.List;
import java.util.Objects;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.esp.EspOverhead;

/**
 * The {@code [tun]} table.
 *
 * @param name device name, at most 15 characters (Linux IFNAMSIZ - 1)
 * @param mtu the TUN MTU to set: as configured, or computed by {@link EspOverhead#maxInnerPacket}
 *     from {@code underlayMtu} and the configured suites
 * @param mtuConfigured whether {@code mtu} was written in the file (false: computed)
 * @param underlayMtu the MTU of the path to the peers
 * @param addresses addresses assigned to the device
 * @param routes prefixes routed into the device
 * @param mssClamp whether TCP SYNs through the tunnel get their MSS clamped to fit the MTU
 * @param offload whether to open the device with IFF_VNET_HDR and ask for TSO/USO/checksum offloads
 *     (TCP super-packets segmented and coalesced in user space); default true
 */
public record TunConfig(
    String name,
    int mtu,
    boolean mtuConfigured,
    int underlayMtu,
    List<TunAddress> addresses,
    List<IpPrefix> routes,
    boolean mssClamp,
    boolean offload) {
  /** Default device name. */
  public static final String DEFAULT_NAME = "meshsec0";

  /** Default underlay MTU (Ethernet). */
  public static final int DEFAULT_UNDERLAY_MTU = 1500;

  public TunConfig {
    Objects.requireNonNull(name, "name");
    addresses = List.copyOf(addresses);
    routes = List.copyOf(routes);
  }
}
