/**
 * The optional Prometheus endpoint of a running daemon ({@code [metrics] listen}), built on the
 * Prometheus Java client: {@link org.meshsec.core.metrics.MetricsEndpoint} serves {@code GET
 * /metrics}; {@link org.meshsec.core.metrics.DaemonCollectors} reads the daemon's live counters at
 * scrape time (the same sources as {@code meshsec stats}, {@code sa list} and {@code ike list}, so
 * the numbers agree); {@link org.meshsec.core.metrics.IkeEvents} counts the IKE lifecycle events
 * the engine does not count itself. The metric names are listed in {@code docs/operations.md}.
 */
package org.meshsec.core.metrics;
