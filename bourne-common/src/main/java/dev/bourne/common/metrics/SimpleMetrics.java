package dev.bourne.common.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * In-memory metrics: counters, gauges, and timers that keep count, total and maximum. Meant for
 * tests, demos and benchmarks, where a snapshot of the numbers is read back.
 */
public final class SimpleMetrics implements Metrics {
  private final Map<String, CounterImpl> counters = new ConcurrentHashMap<>();
  private final Map<String, TimerImpl> timers = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

  @Override
  public Counter counter(String name) {
    return counters.computeIfAbsent(Objects.requireNonNull(name, "name"), n -> new CounterImpl());
  }

  @Override
  public Timer timer(String name) {
    return timers.computeIfAbsent(Objects.requireNonNull(name, "name"), n -> new TimerImpl());
  }

  @Override
  public void gauge(String name, LongSupplier value) {
    gauges.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
  }

  /** The current value of a counter (0 if never incremented). */
  public long count(String name) {
    CounterImpl c = counters.get(name);
    return c == null ? 0 : c.sum.sum();
  }

  /** The current value of a gauge, or 0 if none is registered. */
  public long gaugeValue(String name) {
    LongSupplier g = gauges.get(name);
    return g == null ? 0 : g.getAsLong();
  }

  /** The number of durations recorded by a timer. */
  public long timerCount(String name) {
    TimerImpl t = timers.get(name);
    return t == null ? 0 : t.count.sum();
  }

  /** Every counter and gauge value and every timer's count, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum.sum()));
    gauges.forEach((k, v) -> out.put(k, v.getAsLong()));
    timers.forEach((k, v) -> out.put(k + ".count", v.count.sum()));
    return out;
  }

  private static final class CounterImpl implements Counter {
    final LongAdder sum = new LongAdder();

    @Override
    public void add(long n) {
      if (n < 0) {
        throw new IllegalArgumentException("counter increment must be >= 0, got " + n);
      }
      sum.add(n);
    }
  }

  private static final class TimerImpl implements Timer {
    final LongAdder count = new LongAdder();
    final LongAdder totalNanos = new LongAdder();

    @Override
    public void recordNanos(long nanos) {
      count.increment();
      totalNanos.add(nanos);
    }
  }
}
