package org.meshsec.core.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code [metrics]} table: where the Prometheus endpoint ({@code GET /metrics}) listens. Absent
 * table: no endpoint. Immutable.
 *
 * @param listen the TCP address and port of the endpoint; empty when metrics are off. A loaded
 *     configuration never has port 0; tests may pass it to get an ephemeral port.
 */
public record MetricsConfig(Optional<InetSocketAddress> listen) {
  /** The port in the documentation's examples. */
  public static final int DEFAULT_PORT = 9745;

  /** No endpoint (the default). */
  public static final MetricsConfig DISABLED = new MetricsConfig(Optional.empty());

  public MetricsConfig {
    Objects.requireNonNull(listen, "listen");
  }

  /** An endpoint on {@code listen}. */
  public static MetricsConfig on(InetSocketAddress listen) {
    return new MetricsConfig(Optional.of(listen));
  }

  /** Whether the endpoint is configured. */
  public boolean enabled() {
    return listen.isPresent();
  }
}
