package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bourne.convoy.api.ConvoyConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A caller's continuation of an async store write never runs on the member's event loop. */
class AsyncCompletionTest {
  @Test
  void putAsyncContinuationsRunOffTheEventLoop() throws Exception {
    ConvoyNode node = ConvoyNode.start(ConvoyConfig.local().build(), null);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      // Hold the loop so the write completes after the continuation is attached.
      node.onLoop(() -> {
        running.countDown();
        release.await();
        return null;
      });
      assertTrue(running.await(10, TimeUnit.SECONDS), "the loop never ran the blocking task");
      String loopThread = "convoy-" + node.id().shortString();
      CompletableFuture<String> ranOn = node.store().putAsync("k", "v", 0)
          .thenApply(r -> Thread.currentThread().getName());
      CompletableFuture<String> failedOn = node.store().putAsync("convoy:reserved", "v", 0)
          .handle((r, e) -> Thread.currentThread().getName());
      release.countDown();
      assertFalse(ranOn.get(10, TimeUnit.SECONDS).equals(loopThread), "a continuation ran on the event loop");
      assertFalse(failedOn.get(10, TimeUnit.SECONDS).equals(loopThread), "a failure's continuation ran on the event loop");
    } finally {
      release.countDown();
      node.shutdown();
    }
  }
}
