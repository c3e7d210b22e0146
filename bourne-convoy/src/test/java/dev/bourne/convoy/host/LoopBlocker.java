package dev.bourne.convoy.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a member's event loop busy until released, so a test can queue work behind it and know it
 * has not run yet. Close to release.
 */
final class LoopBlocker implements AutoCloseable {
  private final CountDownLatch release = new CountDownLatch(1);
  /** The blocking task: completes once released, or fails if the loop is stopped first. */
  final CompletableFuture<Object> task;

  private LoopBlocker(ConvoyNode node) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    task = node.onLoop(() -> {
      running.countDown();
      release.await();
      return null;
    });
    assertTrue(running.await(10, TimeUnit.SECONDS), "the loop never ran the blocking task");
  }

  /** Returns once the loop is running the blocking task. */
  static LoopBlocker block(ConvoyNode node) throws InterruptedException {
    return new LoopBlocker(node);
  }

  @Override
  public void close() {
    release.countDown();
  }
}
