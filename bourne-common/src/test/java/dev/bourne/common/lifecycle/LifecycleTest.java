package dev.bourne.common.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.error.ErrorCode;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  @Test
  void movesOnlyForward() {
    Lifecycle l = new Lifecycle("thing");
    assertEquals(LifecycleState.NEW, l.state());
    assertTrue(l.advanceTo(LifecycleState.RUNNING));
    assertTrue(l.isRunning());
    assertFalse(l.advanceTo(LifecycleState.STARTING), "no going back");
    assertFalse(l.advanceTo(LifecycleState.RUNNING), "already there");
    assertTrue(l.advanceTo(LifecycleState.STOPPING));
    assertTrue(l.advanceTo(LifecycleState.TERMINATED));
    assertFalse(l.advanceTo(LifecycleState.STOPPING));
    assertEquals("thing[TERMINATED]", l.toString());
  }

  @Test
  void checkRunningSaysWhy() {
    Lifecycle l = new Lifecycle("host 1");
    IllegalStateException notYet = assertThrows(IllegalStateException.class, l::checkRunning);
    assertTrue(notYet.getMessage().contains("NEW"), notYet.getMessage());
    l.advanceTo(LifecycleState.RUNNING);
    l.checkRunning();
    l.advanceTo(LifecycleState.STOPPING);
    ClosedException closed = assertThrows(ClosedException.class, l::checkRunning);
    assertEquals(ErrorCode.CLOSED, closed.code());
    assertTrue(closed.getMessage().contains("host 1"));
  }

  @Test
  void exactlyOneOfManyRacingClosersWins() throws Exception {
    Lifecycle l = new Lifecycle("x");
    l.advanceTo(LifecycleState.RUNNING);
    java.util.concurrent.atomic.AtomicInteger winners = new java.util.concurrent.atomic.AtomicInteger();
    Thread[] ts = new Thread[8];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = new Thread(() -> {
        if (l.advanceTo(LifecycleState.STOPPING)) {
          winners.incrementAndGet();
        }
      });
      ts[i].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertEquals(1, winners.get());
  }
}
