package dev.bourne.common.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.testing.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DurationsAndSchedulerTest {
  @Test
  void durationChecksNameTheArgument() {
    assertEquals(Duration.ZERO, Durations.requireNonNegative(Duration.ZERO, "d"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.requirePositive(Duration.ZERO, "timeout"));
    assertTrue(e.getMessage().contains("timeout"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Durations.requireNonNegative(Duration.ofMillis(-1), "d"));
    assertThrows(NullPointerException.class, () -> Durations.requirePositive(null, "d"));
  }

  @Test
  void systemClockIsMonotonic() {
    Clock c = Clock.system();
    long a = c.nanoTime();
    long b = c.nanoTime();
    assertTrue(b >= a);
  }

  @Test
  void systemSchedulerRunsTasksAndSurvivesAFailingOne() {
    try (Scheduler s = Scheduler.system("test-scheduler")) {
      AtomicInteger ran = new AtomicInteger();
      s.schedule(Duration.ofMillis(1), () -> {
        throw new IllegalStateException("expected in test");
      });
      s.schedule(Duration.ofMillis(2), ran::incrementAndGet);
      Cancellable periodic = s.scheduleAtFixedRate(Duration.ofMillis(1), ran::incrementAndGet);
      Await.until("tasks ran", Duration.ofSeconds(10), () -> ran.get() >= 3);
      periodic.cancel();
      s.close();
      assertThrows(IllegalStateException.class, () -> s.schedule(Duration.ZERO, () -> {}));
    }
  }
}
