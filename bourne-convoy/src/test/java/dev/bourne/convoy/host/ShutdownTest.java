package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.testing.Await;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a member's stop does to work that callers are still waiting on. */
class ShutdownTest {
  @Test
  void shutdownFailsLoopWorkItDroppedInsteadOfLeavingItsCallersWaiting() throws Exception {
    ConvoyNode node = (ConvoyNode) Convoy.start(ConvoyConfig.local().build());
    try (LoopBlocker blocker = LoopBlocker.block(node)) {
      // The loop is held, so this task is still queued when the member stops.
      CompletableFuture<String> queued = node.onLoop(() -> "ran");
      // The stop waits for the task in progress: run it aside, release the loop once it began.
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(node::shutdown);
      Await.until("the member is stopping", Duration.ofSeconds(10), () -> !node.isRunning());
      blocker.close();
      stopping.get(10, TimeUnit.SECONDS);
      ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ClosedException.class, e.getCause());
      assertFalse(queued.isCancelled());
      CompletableFuture<String> late = node.onLoop(() -> "ran");
      assertInstanceOf(ClosedException.class, assertThrows(ExecutionException.class,
          () -> late.get(10, TimeUnit.SECONDS)).getCause(), "work offered after the stop must fail, not hang");
    } finally {
      node.shutdown();
    }
  }
}
