package dev.bourne.common.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WorkersTest {
  @Test
  void virtualExecutorRunsNothingUntilTheClockReachesItsLatency() {
    VirtualClock clock = new VirtualClock();
    SerialExecutor e = Workers.virtual(clock, () -> Duration.ofMillis(5)).serial("disk");
    List<String> ran = new ArrayList<>();
    e.execute(() -> ran.add("a"));
    clock.advance(Duration.ofMillis(2));
    e.execute(() -> ran.add("b")); // joins the pending run, as work queued for a busy writer
    assertEquals(List.of(), ran);
    clock.advance(Duration.ofMillis(3));
    assertEquals(List.of("a", "b"), ran);
    e.execute(() -> ran.add("c"));
    clock.advance(Duration.ofMillis(4));
    assertEquals(List.of("a", "b"), ran);
    clock.advance(Duration.ofMillis(1));
    assertEquals(List.of("a", "b", "c"), ran);
  }

  @Test
  void virtualExecutorKnowsWhenCodeRunsInsideIt() {
    VirtualClock clock = new VirtualClock();
    SerialExecutor e = Workers.virtual(clock).serial("loop");
    AtomicBoolean inside = new AtomicBoolean();
    e.execute(() -> inside.set(e.inExecutor()));
    assertFalse(e.inExecutor());
    clock.advance(Duration.ZERO);
    assertTrue(inside.get());
    assertFalse(e.inExecutor());
  }

  @Test
  void tasksQueuedFromATaskRunInALaterRunInOrder() {
    VirtualClock clock = new VirtualClock();
    SerialExecutor e = Workers.virtual(clock).serial("loop");
    List<Integer> ran = new ArrayList<>();
    e.execute(() -> {
      ran.add(1);
      e.execute(() -> ran.add(3));
    });
    e.execute(() -> ran.add(2));
    clock.advance(Duration.ZERO);
    assertEquals(List.of(1, 2, 3), ran);
  }

  @Test
  void closedVirtualExecutorDropsQueuedAndLaterTasks() {
    VirtualClock clock = new VirtualClock();
    SerialExecutor e = Workers.virtual(clock).serial("loop");
    List<Integer> ran = new ArrayList<>();
    e.execute(() -> ran.add(1));
    e.close();
    e.execute(() -> ran.add(2));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(), ran);
    assertTrue(e.isClosed());
  }

  @Test
  void threadExecutorRunsInOrderOnItsOwnThreadAndSurvivesAFailingTask() throws Exception {
    SerialExecutor e = Workers.threads().serial("worker-test");
    try {
      List<Integer> ran = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      AtomicBoolean inside = new AtomicBoolean();
      for (int i = 0; i < 100; i++) {
        int n = i;
        e.execute(() -> ran.add(n));
      }
      e.execute(() -> {
        throw new IllegalStateException("expected by the test");
      });
      e.execute(() -> {
        inside.set(e.inExecutor() && Thread.currentThread().getName().equals("worker-test"));
        done.countDown();
      });
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertTrue(inside.get());
      assertEquals(100, ran.size());
      for (int i = 0; i < 100; i++) {
        assertEquals(i, ran.get(i));
      }
      assertFalse(e.inExecutor());
    } finally {
      e.close();
    }
  }

  @Test
  void threadExecutorCloseEndsItsThread() throws Exception {
    SerialExecutor e = Workers.threads().serial("worker-close-test");
    CountDownLatch started = new CountDownLatch(1);
    e.execute(started::countDown);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    e.close();
    assertTrue(e.isClosed());
    boolean alive = Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("worker-close-test") && t.isAlive());
    assertFalse(alive, "the executor's thread is still running after close()");
  }
}
