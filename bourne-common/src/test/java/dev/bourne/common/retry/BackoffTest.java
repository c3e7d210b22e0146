package dev.bourne.common.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff b = Backoff.defaults();

  @Test
  void ceilingGrowsGeometricallyUpToTheCap() {
    assertEquals(Duration.ofMillis(100), b.ceiling(0));
    assertEquals(Duration.ofMillis(200), b.ceiling(1));
    assertEquals(Duration.ofMillis(6400), b.ceiling(6));
    assertEquals(Duration.ofSeconds(10), b.ceiling(7));
    assertEquals(Duration.ofSeconds(10), b.ceiling(10_000));
  }

  @Test
  void jitteredDelayIsBetweenHalfTheCeilingAndIt() {
    Random r = new Random(1);
    for (int attempt = 0; attempt < 20; attempt++) {
      for (int i = 0; i < 100; i++) {
        Duration d = b.delay(attempt, r);
        Duration c = b.ceiling(attempt);
        assertTrue(d.compareTo(c.dividedBy(2)) >= 0 && d.compareTo(c) <= 0, d + " for attempt " + attempt);
      }
    }
  }

  @Test
  void sameSeedSameDelays() {
    assertEquals(delays(5), delays(5));
    assertTrue(!delays(5).equals(delays(6)));
  }

  private List<Duration> delays(long seed) {
    Random r = new Random(seed);
    List<Duration> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      out.add(b.delay(i, r));
    }
    return out;
  }

  @Test
  void constantBackoffWithMultiplierOne() {
    Backoff flat = new Backoff(Duration.ofMillis(50), Duration.ofMillis(50), 1.0);
    assertEquals(Duration.ofMillis(50), flat.ceiling(100));
  }

  @Test
  void invalidParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> b.ceiling(-1));
    assertThrows(NullPointerException.class, () -> b.delay(0, null));
  }
}
