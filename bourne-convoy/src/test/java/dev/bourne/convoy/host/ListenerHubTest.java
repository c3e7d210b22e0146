package dev.bourne.convoy.host;

import dev.bourne.common.testing.Await;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.exec.Workers;

import dev.bourne.convoy.api.Listener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ListenerHubTest {
  @Test
  void aSlowListenerNeverBlocksPublishingAndIsToldItLagged() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong lagged = new AtomicLong();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (ListenerHub<Integer> hub = new ListenerHub<>("test", 4, Workers.threads())) {
      hub.subscribe(new Listener<>() {
        @Override
        public void onEvent(Integer e) {
          try {
            release.await();
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
          seen.add(e);
        }

        @Override
        public void onLagged(long missed) {
          lagged.addAndGet(missed);
        }
      });
      long start = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        hub.publish(i);
      }
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "publishing blocked");
      release.countDown();
      // Every event is either delivered or reported missed, once the listener catches up.
      Await.until("delivered + missed = 1000", Duration.ofSeconds(5), () -> lagged.get() + seen.size(), v -> v == 1000);
      assertTrue(lagged.get() >= 1000 - 6, "missed " + lagged.get());
      assertTrue(seen.size() >= 1);
    }
  }

  @Test
  void subscribingAfterCloseIsRefusedAndStartsNoThread() {
    ListenerHub<Integer> hub = new ListenerHub<>("closed-hub", 4, Workers.threads());
    hub.close();
    assertThrows(ClosedException.class, () -> hub.subscribe(e -> { }));
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("convoy-closed-hub-listener")), "a listener thread was left running");
  }

  @Test
  void closeReturnsOnlyOnceListenerThreadsHaveEnded() {
    ListenerHub<Integer> hub = new ListenerHub<>("stopping-hub", 4, Workers.threads());
    hub.subscribe(e -> { });
    hub.subscribe(e -> { });
    hub.close();
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("convoy-stopping-hub-listener")), "a listener thread outlived close()");
  }
}
