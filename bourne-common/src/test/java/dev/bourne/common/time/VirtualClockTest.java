package dev.bourne.common.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
  private final VirtualClock clock = new VirtualClock();
  private final List<String> ran = new ArrayList<>();

  private Runnable record(String name) {
    return () -> ran.add(name + "@" + clock.nanoTime() / 1_000_000);
  }

  @Test
  void timeMovesOnlyWhenAdvanced() {
    assertEquals(0, clock.nanoTime());
    assertEquals(42, new VirtualClock(42).nanoTime());
    clock.advance(Duration.ofMillis(1500));
    assertEquals(1_500_000_000L, clock.nanoTime());
    assertEquals(1500, clock.millis());
    assertEquals(clock, clock.clock());
  }

  @Test
  void tasksRunAtTheirDueTimeInDueThenSchedulingOrder() {
    clock.schedule(Duration.ofMillis(30), record("c"));
    clock.schedule(Duration.ofMillis(10), record("a"));
    clock.schedule(Duration.ofMillis(10), record("b"));
    clock.schedule(Duration.ZERO, record("now"));
    assertTrue(ran.isEmpty(), "nothing runs until the clock is driven");
    assertEquals(3, clock.advance(Duration.ofMillis(10)));
    assertEquals(List.of("now@0", "a@10", "b@10"), ran);
    assertEquals(10_000_000L, clock.nanoTime());
    clock.advance(Duration.ofMillis(100));
    assertEquals(List.of("now@0", "a@10", "b@10", "c@30"), ran);
    assertEquals(110_000_000L, clock.nanoTime());
  }

  @Test
  void tasksScheduledByTasksRunIfDueWithinTheWindow() {
    clock.schedule(Duration.ofMillis(5), () -> {
      ran.add("first@" + clock.millis());
      clock.schedule(Duration.ofMillis(5), record("inner"));
      clock.schedule(Duration.ofMillis(50), record("later"));
    });
    clock.advance(Duration.ofMillis(20));
    assertEquals(List.of("first@5", "inner@10"), ran);
    assertEquals(1, clock.pendingTasks());
  }

  @Test
  void cancelledTasksDoNotRun() {
    Cancellable c = clock.schedule(Duration.ofMillis(5), record("x"));
    clock.schedule(Duration.ofMillis(6), record("y"));
    c.cancel();
    c.cancel();
    assertEquals(1, clock.pendingTasks());
    clock.advance(Duration.ofMillis(10));
    assertEquals(List.of("y@6"), ran);
  }

  @Test
  void periodicTasksRepeatUntilCancelled() {
    Cancellable c = clock.scheduleAtFixedRate(Duration.ofMillis(10), record("tick"));
    clock.advance(Duration.ofMillis(35));
    assertEquals(List.of("tick@10", "tick@20", "tick@30"), ran);
    c.cancel();
    clock.advance(Duration.ofMillis(100));
    assertEquals(3, ran.size());
    assertThrows(IllegalArgumentException.class, () -> clock.scheduleAtFixedRate(Duration.ZERO, record("x")));
  }

  @Test
  void runNextJumpsToTheEarliestTask() {
    assertFalse(clock.runNext());
    assertEquals(OptionalLong.empty(), clock.nextDueNanos());
    clock.schedule(Duration.ofSeconds(3), record("far"));
    clock.schedule(Duration.ofSeconds(1), record("near"));
    assertEquals(OptionalLong.of(1_000_000_000L), clock.nextDueNanos());
    assertTrue(clock.runNext());
    assertEquals(List.of("near@1000"), ran);
    assertEquals(1_000_000_000L, clock.nanoTime());
  }

  @Test
  void aFailingTaskPropagatesOutOfAdvance() {
    clock.schedule(Duration.ofMillis(1), () -> {
      throw new IllegalStateException("task bug");
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> clock.advance(Duration.ofMillis(5)));
    assertEquals("task bug", e.getMessage());
  }

  @Test
  void badArgumentsAndClosedClockAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> clock.schedule(Duration.ofMillis(-1), record("x")));
    assertThrows(NullPointerException.class, () -> clock.schedule(Duration.ZERO, null));
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofMillis(-1)));
    clock.schedule(Duration.ofMillis(1), record("dropped"));
    clock.close();
    assertThrows(IllegalStateException.class, () -> clock.schedule(Duration.ZERO, record("x")));
    clock.advance(Duration.ofMillis(5));
    assertTrue(ran.isEmpty());
  }

  @Test
  void hugeDelaysSaturateInsteadOfOverflowing() {
    clock.advance(Duration.ofDays(1));
    clock.schedule(Duration.ofNanos(Long.MAX_VALUE), record("never"));
    assertEquals(OptionalLong.of(Long.MAX_VALUE), clock.nextDueNanos());
    clock.advance(Duration.ofDays(365));
    assertTrue(ran.isEmpty());
  }
}
