package dev.bourne.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleMetricsTest {
  @Test
  void countersGaugesAndTimersReadBack() {
    SimpleMetrics m = new SimpleMetrics();
    m.counter("a.b").increment();
    m.counter("a.b").add(4);
    assertSame(m.counter("a.b"), m.counter("a.b"));
    m.gauge("g", () -> 7);
    m.timer("t").recordNanos(10);
    m.timer("t").recordNanos(20);
    assertEquals(5, m.count("a.b"));
    assertEquals(0, m.count("missing"));
    assertEquals(7, m.gaugeValue("g"));
    assertEquals(2, m.timerCount("t"));
    assertEquals(Map.of("a.b", 5L, "g", 7L, "t.count", 2L), m.snapshot());
    assertThrows(IllegalArgumentException.class, () -> m.counter("a.b").add(-1));
  }

  @Test
  void noopAcceptsEverything() {
    Metrics n = Metrics.noop();
    n.counter("x").add(5);
    n.timer("y").recordNanos(1);
    n.gauge("z", () -> 1);
  }
}
