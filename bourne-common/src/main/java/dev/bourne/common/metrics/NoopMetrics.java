package dev.bourne.common.metrics;

import java.util.function.LongSupplier;

/** Discards everything. */
enum NoopMetrics implements Metrics, Metrics.Counter, Metrics.Timer {
  INSTANCE;

  @Override
  public Counter counter(String name) {
    return this;
  }

  @Override
  public Timer timer(String name) {
    return this;
  }

  @Override
  public void gauge(String name, LongSupplier value) {}

  @Override
  public void add(long n) {}

  @Override
  public void recordNanos(long nanos) {}
}
