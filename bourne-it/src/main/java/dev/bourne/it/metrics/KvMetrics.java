package dev.bourne.it.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The HTTP API's counters and latency histograms: requests by operation and result code, their
 * latency by operation, and connections closed by the API's limits.
 */
public final class KvMetrics {
  private final Counter requests;
  private final Histogram latency;
  private final Counter connectionsClosed;

  /** Registers the metrics in {@code registry}. */
  public KvMetrics(PrometheusRegistry registry) {
    requests = Counter.builder().name("bourne_http_requests_total")
        .help("HTTP API requests by operation and result code (OK or the error code)")
        .labelNames("op", "code").register(registry);
    latency = Histogram.builder().name("bourne_http_request_seconds")
        .help("HTTP API request latency by operation").labelNames("op")
        .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    connectionsClosed = Counter.builder().name("bourne_http_connections_closed")
        .help("HTTP connections the API closed: refused by its connection limits (limit), or idle too long (idle)")
        .labelNames("reason").register(registry);
  }

  /** Counts a connection refused by the connection limits. */
  public void refusedConnection() {
    connectionsClosed.labelValues("limit").inc();
  }

  /** Counts a connection closed for being idle past the API's idle timeout. */
  public void idleConnection() {
    connectionsClosed.labelValues("idle").inc();
  }

  /** Records one request. */
  public void record(String op, String code, long nanos) {
    requests.labelValues(op, code).inc();
    latency.labelValues(op).observe(nanos / 1e9);
  }
}
