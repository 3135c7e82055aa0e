package org.meshsec.core.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.meshsec.core.config.MetricsConfig;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint of a running daemon: the Prometheus Java client's HTTP server on {@code
 * [metrics] listen}, serving {@code GET /metrics} from a registry of its own (two daemons in one
 * JVM do not share series). Started after the data path and stopped before it; see {@link
 * DaemonCollectors} and {@link IkeEvents} for what it serves.
 *
 * <p>Thread-safety: scrapes are served on the endpoint's own small pool ({@code meshsec-metrics});
 * {@link #close} may be called from any thread and is idempotent.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

  /**
   * Scrape threads: one scraper is normal, a second may overlap it; beyond a short queue the
   * server's dispatcher runs the scrape itself, which slows accepting rather than dropping.
   */
  private static final int THREADS = 2;

  private final HTTPServer server;
  private final InetSocketAddress address;
  private final IkeService ike;
  private final IkeEvents events;
  private boolean closed;

  private MetricsEndpoint(
      HTTPServer server, InetSocketAddress address, IkeService ike, IkeEvents events) {
    this.server = server;
    this.address = address;
    this.ike = ike;
    this.events = events;
  }

  /**
   * Serves {@code d}'s metrics on {@code config}'s address; null when metrics are off. Call once
   * the data path (and the IKE service, if any) exist.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  public static MetricsEndpoint start(MetricsConfig config, Daemon d) throws IOException {
    if (!config.enabled()) {
      return null;
    }
    InetSocketAddress want = config.listen().orElseThrow();
    PrometheusRegistry registry = new PrometheusRegistry();
    DaemonCollectors.register(registry, d);
    IkeService ike = d.ike();
    IkeEvents events = ike == null ? null : new IkeEvents(registry);
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(16),
            r -> {
              Thread t = new Thread(r, "meshsec-metrics");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    pool.allowCoreThreadTimeOut(true);
    HTTPServer server;
    try {
      server =
          HTTPServer.builder()
              .inetAddress(want.getAddress())
              .port(want.getPort())
              .registry(registry)
              .executorService(pool)
              .buildAndStart();
    } catch (IOException e) {
      pool.shutdownNow();
      throw new IOException("metrics endpoint " + text(want) + ": " + e.getMessage(), e);
    }
    if (ike != null) {
      ike.addListener(events);
    }
    InetSocketAddress bound = new InetSocketAddress(want.getAddress(), server.getPort());
    log.info("metrics on http://{}/metrics", text(bound));
    return new MetricsEndpoint(server, bound, ike, events);
  }

  /** The address the endpoint is bound to (with the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops serving and stops hearing IKE events. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ike != null) {
      ike.removeListener(events);
    }
    server.close();
  }

  private static String text(InetSocketAddress a) {
    String host = InetText.format(a.getAddress());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
