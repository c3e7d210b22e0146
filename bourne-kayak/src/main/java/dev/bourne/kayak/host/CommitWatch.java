package dev.bourne.kayak.host;

import dev.bourne.common.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * The highest committed index that is durable locally and may be read by subscriptions, with a way
 * to wait for it to advance.
 *
 * <p>Threading: advanced by the event loop; awaited by any number of consumer threads.
 */
final class CommitWatch {
  private final Clock clock;
  private long index;
  private boolean closed;

  CommitWatch(Clock clock) {
    this.clock = clock;
  }

  /** The clock that deadlines given to {@link #await} are read on. */
  Clock clock() {
    return clock;
  }

  synchronized void advance(long to) {
    if (to > index) {
      index = to;
      notifyAll();
    }
  }

  synchronized long index() {
    return index;
  }

  /** Wakes every waiter so that it re-checks whether it was cancelled. */
  synchronized void wakeAll() {
    notifyAll();
  }

  /** Wakes every waiter for good. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Waits until the index reaches {@code atLeast}, the deadline passes or the watch closes.
   *
   * @return the current index
   */
  synchronized long await(long atLeast, long deadlineNanos, BooleanSupplier cancelled) throws InterruptedException {
    while (index < atLeast && !closed && !cancelled.getAsBoolean()) {
      long left = deadlineNanos - clock.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000), 0);
    }
    return index;
  }
}
