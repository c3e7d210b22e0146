package dev.bourne.net.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The connection limits' counting: both limits hold, and admissions and releases never lose a count. */
class ConnectionLimitsTest {
  @Test
  void bothLimitsHold() {
    ConnectionLimits l = new ConnectionLimits(3, 2);
    assertTrue(l.tryAdmit("a"));
    assertTrue(l.tryAdmit("a"));
    assertFalse(l.tryAdmit("a"), "a third from one address");
    assertTrue(l.tryAdmit("b"));
    assertFalse(l.tryAdmit("c"), "a fourth in all");
    assertEquals(3, l.open());
    l.release("a");
    assertTrue(l.tryAdmit("c"));
    assertEquals(1, l.open("a"));
    assertThrows(IllegalArgumentException.class, () -> new ConnectionLimits(0, 1));
  }

  @Test
  void concurrentAdmissionsAndReleasesKeepExactCounts() throws Exception {
    ConnectionLimits l = new ConnectionLimits(1_000_000, 3);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger overLimit = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            if (l.tryAdmit("one")) {
              if (l.open("one") > 3) {
                overLimit.incrementAndGet();
              }
              l.release("one");
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, overLimit.get(), "more than the per-address limit open at once");
    assertEquals(0, l.open());
    assertEquals(0, l.open("one"), "a release lost against an admission");
    for (int i = 0; i < 3; i++) {
      assertTrue(l.tryAdmit("one"), "the address's full share is still there");
    }
    assertFalse(l.tryAdmit("one"));
  }
}
