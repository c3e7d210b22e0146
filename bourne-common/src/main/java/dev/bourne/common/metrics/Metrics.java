package dev.bourne.common.metrics;

import java.util.function.LongSupplier;

/**
 * Where components report counters, gauges and timings. Names are dotted, lower-case, e.g.
 * {@code net.frames.rejected}. The default is {@link #noop()}; {@link SimpleMetrics} keeps values
 * in memory for tests, demos and benchmarks; an adapter to a real metrics library is a few lines.
 *
 * <p>Implementations are thread-safe, and the instruments they return are cheap enough to call on
 * hot paths (look the instrument up once, keep it in a field).
 */
public interface Metrics {
  /** A monotonically increasing count. */
  Counter counter(String name);

  /** A duration distribution. */
  Timer timer(String name);

  /** Registers a value read on demand; a later registration under the same name replaces it. */
  void gauge(String name, LongSupplier value);

  /** Metrics that record nothing. */
  static Metrics noop() {
    return NoopMetrics.INSTANCE;
  }

  /** A count. */
  interface Counter {
    /** Adds one. */
    default void increment() {
      add(1);
    }

    /** Adds {@code n} (non-negative). */
    void add(long n);
  }

  /** A duration distribution. */
  interface Timer {
    /** Records one duration in nanoseconds. */
    void recordNanos(long nanos);
  }
}
