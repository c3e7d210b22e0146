package dev.bourne.it.metrics;

import dev.bourne.common.metrics.Metrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Bourne's {@link Metrics} port on a Prometheus registry: the counters, timers and gauges the
 * libraries report (the transport's, for one) appear under {@code bourne_} with dots turned into
 * underscores ({@code net.connections.opened} becomes {@code bourne_net_connections_opened_total}).
 *
 * <p>Thread-safe; each name is registered once.
 */
public final class PrometheusMetrics implements Metrics {
  private final PrometheusRegistry registry;
  private final Map<String, io.prometheus.metrics.core.metrics.Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Histogram> timers = new ConcurrentHashMap<>();
  private final Map<String, Boolean> gauges = new ConcurrentHashMap<>();

  /** Metrics registered in {@code registry}. */
  public PrometheusMetrics(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** The Prometheus name of a Bourne metric name. */
  static String prometheusName(String name) {
    return "bourne_" + name.replaceAll("[^A-Za-z0-9_]", "_");
  }

  @Override
  public Metrics.Counter counter(String name) {
    // The port's own Counter type shadows Prometheus's here, hence the full name.
    io.prometheus.metrics.core.metrics.Counter c = counters.computeIfAbsent(name, n -> io.prometheus.metrics.core.metrics.Counter.builder().name(prometheusName(n))
        .help("Bourne counter " + n).register(registry));
    return n -> c.inc(n);
  }

  @Override
  public Timer timer(String name) {
    Histogram h = timers.computeIfAbsent(name, n -> Histogram.builder().name(prometheusName(n) + "_seconds")
        .help("Bourne timer " + n).classicOnly().register(registry));
    return nanos -> h.observe(nanos / 1e9);
  }

  @Override
  public void gauge(String name, LongSupplier value) {
    if (gauges.putIfAbsent(name, Boolean.TRUE) == null) {
      GaugeWithCallback.builder().name(prometheusName(name)).help("Bourne gauge " + name)
          .callback(cb -> cb.call(value.getAsLong())).register(registry);
    }
  }
}
