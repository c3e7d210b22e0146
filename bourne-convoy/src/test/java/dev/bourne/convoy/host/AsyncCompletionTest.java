package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A caller's continuation of an async store write never runs on the member's event loop. */
class AsyncCompletionTest {
  @Test
  void putAsyncContinuationsRunOffTheEventLoop() throws Exception {
    ConvoyNode node = (ConvoyNode) Convoy.start(ConvoyConfig.local().build());
    try (LoopBlocker blocker = LoopBlocker.block(node)) {
      // The loop is held, so the writes complete after their continuations are attached.
      String loopThread = "convoy-" + node.id().shortString();
      CompletableFuture<String> ranOn = node.store().putAsync("k", "v", 0)
          .thenApply(r -> Thread.currentThread().getName());
      CompletableFuture<String> failedOn = node.store().putAsync("convoy:reserved", "v", 0)
          .handle((r, e) -> Thread.currentThread().getName());
      blocker.close();
      assertFalse(ranOn.get(10, TimeUnit.SECONDS).equals(loopThread), "a continuation ran on the event loop");
      assertFalse(failedOn.get(10, TimeUnit.SECONDS).equals(loopThread), "a failure's continuation ran on the event loop");
    } finally {
      node.shutdown();
    }
  }
}
