package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.common.error.ClosedException;
import dev.bourne.convoy.api.ConvoyConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a member's stop does to work that callers are still waiting on. */
class ShutdownTest {
  @Test
  void shutdownFailsLoopWorkItDroppedInsteadOfLeavingItsCallersWaiting() throws Exception {
    ConvoyNode node = ConvoyNode.start(ConvoyConfig.local().build(), null);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    try {
      // Hold the loop so the next task is still queued when the member stops.
      CompletableFuture<Object> busy = node.onLoop(() -> {
        running.countDown();
        never.await();
        return null;
      });
      assertTrue(running.await(10, TimeUnit.SECONDS), "the loop never ran the blocking task");
      CompletableFuture<String> queued = node.onLoop(() -> "ran");
      node.shutdown();
      ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ClosedException.class, e.getCause());
      assertThrows(ExecutionException.class, () -> busy.get(10, TimeUnit.SECONDS));
    } finally {
      never.countDown();
      node.shutdown();
    }
  }
}
