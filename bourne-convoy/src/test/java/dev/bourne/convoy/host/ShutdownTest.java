package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bourne.common.error.ClosedException;
import dev.bourne.convoy.api.ConvoyConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a member's stop does to work that callers are still waiting on. */
class ShutdownTest {
  @Test
  void shutdownFailsLoopWorkItDroppedInsteadOfLeavingItsCallersWaiting() throws Exception {
    ConvoyNode node = ConvoyNode.start(ConvoyConfig.local().build(), null);
    try (LoopBlocker blocker = LoopBlocker.block(node)) {
      // The loop is held, so this task is still queued when the member stops.
      CompletableFuture<String> queued = node.onLoop(() -> "ran");
      node.shutdown();
      ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ClosedException.class, e.getCause());
      assertThrows(ExecutionException.class, () -> blocker.task.get(10, TimeUnit.SECONDS));
    } finally {
      node.shutdown();
    }
  }
}
