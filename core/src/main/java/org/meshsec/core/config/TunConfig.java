package org.meshsec.core.config;

import java.util.List;
import java.util.Objects;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.esp.EspOverhead;

/**
 * The {@code [tun]} table.
 *
 * @param name device name, at most 15 characters (Linux IFNAMSIZ - 1), or a pattern with one {@code
 *     %d} (like {@code meshsec%d}) for which the kernel picks the first free index; the device's
 *     actual name is the {@code TunInterface}'s
 * @param mtu the TUN MTU to set: as configured, or computed by {@link EspOverhead#maxInnerPacket}
 *     from {@code underlayMtu} and the configured suites
 * @param mtuConfigured whether {@code mtu} was written in the file (false: computed)
 * @param underlayMtu the MTU of the path to the peers
 * @param addresses addresses assigned to the device
 * @param routes prefixes routed into the device
 * @param mssClamp whether TCP SYNs through the tunnel get their MSS clamped to fit the MTU
 * @param offload whether to open the device with IFF_VNET_HDR and ask for TSO/USO/checksum offloads
 *     (TCP super-packets segmented and coalesced in user space); default true
 * @param queues event loops, TUN queues (IFF_MULTI_QUEUE) and UDP sockets per address
 *     (SO_REUSEPORT); default the number of CPUs
 */
public record TunConfig(
    String name,
    int mtu,
    boolean mtuConfigured,
    int underlayMtu,
    List<TunAddress> addresses,
    List<IpPrefix> routes,
    boolean mssClamp,
    boolean offload,
    int queues) {
  /** Default device name. */
  public static final String DEFAULT_NAME = "meshsec0";

  /** Default underlay MTU (Ethernet). */
  public static final int DEFAULT_UNDERLAY_MTU = 1500;

  /** The most queues a TUN device may have (MAX_TAP_QUEUES in Linux's drivers/net/tun.c). */
  public static final int MAX_QUEUES = 256;

  /** The default {@code queues}: one per CPU. */
  public static int defaultQueues() {
    return Math.max(1, Math.min(MAX_QUEUES, Runtime.getRuntime().availableProcessors()));
  }

  public TunConfig {
    Objects.requireNonNull(name, "name");
    addresses = List.copyOf(addresses);
    routes = List.copyOf(routes);
  }
}
