package dev.bourne.convoy.host;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline (short parks between polls), never a bare sleep. */
final class Await {
  private Await() {}

  static Duration until(String what, Duration limit, BooleanSupplier condition) {
    return until(() -> what, limit, condition);
  }

  static Duration until(Supplier<String> what, Duration limit, BooleanSupplier condition) {
    long start = System.nanoTime();
    long end = start + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + limit + " waiting until " + what.get());
      }
      LockSupport.parkNanos(5_000_000);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
