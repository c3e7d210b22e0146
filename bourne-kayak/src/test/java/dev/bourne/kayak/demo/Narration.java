package dev.bourne.kayak.demo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The demos' narration: timestamped lines since the demo started, and bounded waits that say when they end. */
final class Narration {
  private static final long START = System.nanoTime();

  private Narration() {}

  /** Prints what {@code who} does, with the milliseconds since the demo started. */
  static void say(String who, String what) {
    System.out.printf("%7d ms  %-9s %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - START), who, what);
  }

  /**
   * Waits until {@code condition} holds, polling every 10 ms, then says so.
   *
   * @throws IllegalStateException if it does not hold within {@code limit}
   */
  static void await(String what, Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + limit + " waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    say("demo", what + " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - START) + " ms since start)");
  }
}
