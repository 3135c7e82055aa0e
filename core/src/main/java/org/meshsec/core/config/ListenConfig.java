package org.meshsec.core.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The {@code [listen]} table: where the daemon receives ESP-in-UDP (RFC 3948) and, later, IKE.
 *
 * @param addresses local addresses to bind, possibly the wildcards {@code 0.0.0.0} and {@code ::}
 * @param port UDP port, 4500 by default
 */
public record ListenConfig(List<InetAddress> addresses, int port) {
  /** The NAT-T port, RFC 3948 section 2. */
  public static final int DEFAULT_PORT = 4500;

  public ListenConfig {
    addresses = List.copyOf(addresses);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** One socket address per listen address. */
  public List<InetSocketAddress> endpoints() {
    return addresses.stream().map(a -> new InetSocketAddress(a, port)).toList();
  }
}
