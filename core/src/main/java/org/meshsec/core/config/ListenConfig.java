package org.meshsec.core.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.meshsec.ike.config.EngineSettings;

/**
 * The {@code [listen]} table: where the daemon receives ESP-in-UDP (RFC 3948) and IKE (RFC 7296
 * section 2.11: IKE_SA_INIT on the IKE port, everything after it on the NAT-T port, behind the
 * non-ESP marker).
 *
 * @param addresses local addresses to bind, possibly the wildcards {@code 0.0.0.0} and {@code ::}
 * @param port UDP port for ESP in UDP and NAT-T IKE, 4500 by default
 * @param ikePort UDP port for IKE_SA_INIT, 500 by default; bound only when a {@code [[peer]]} is
 *     configured
 * @param halfOpenPerSource {@code half_open_per_source}: responder IKE SAs not yet authenticated
 *     per source address, at most (RFC 7296 section 2.6); 1 to {@link #MAX_HALF_OPEN_PER_SOURCE}
 */
public record ListenConfig(
    List<InetAddress> addresses, int port, int ikePort, int halfOpenPerSource) {
  /** The NAT-T port, RFC 3948 section 2. */
  public static final int DEFAULT_PORT = 4500;

  /** The IKE port, RFC 7296 section 2. */
  public static final int DEFAULT_IKE_PORT = 500;

  /** The largest {@code half_open_per_source}: the engine's total half-open limit. */
  public static final int MAX_HALF_OPEN_PER_SOURCE = EngineSettings.DEFAULT.halfOpenLimit();

  public ListenConfig {
    addresses = List.copyOf(addresses);
    if (halfOpenPerSource < 1 || halfOpenPerSource > MAX_HALF_OPEN_PER_SOURCE) {
      throw new IllegalArgumentException(
          "half_open_per_source out of range 1.."
              + MAX_HALF_OPEN_PER_SOURCE
              + ": "
              + halfOpenPerSource);
    }
    if (port < 1 || port > 65535 || ikePort < 1 || ikePort > 65535) {
      throw new IllegalArgumentException("port out of range: " + port + "/" + ikePort);
    }
    if (port == ikePort) {
      throw new IllegalArgumentException("the IKE port must differ from the ESP port");
    }
  }

  /** With the default per-source half-open limit. */
  public ListenConfig(List<InetAddress> addresses, int port, int ikePort) {
    this(addresses, port, ikePort, EngineSettings.DEFAULT_HALF_OPEN_PER_SOURCE);
  }

  /** One socket address per listen address, on the IKE port. */
  public List<InetSocketAddress> ikeEndpoints() {
    return addresses.stream().map(a -> new InetSocketAddress(a, ikePort)).toList();
  }

  /** One socket address per listen address. */
  public List<InetSocketAddress> endpoints() {
    return addresses.stream().map(a -> new InetSocketAddress(a, port)).toList();
  }
}
