package dev.bourne.common.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, polling with short parks: the way tests wait for another
 * thread instead of sleeping a guessed time. Shared with other modules through the test jar.
 */
public final class Await {
  private Await() {}

  /**
   * Returns as soon as {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long park = 100_000; // 0.1 ms, doubling to 10 ms
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      LockSupport.parkNanos(park);
      park = Math.min(park * 2, 10_000_000);
    }
  }

  /**
   * As {@link #until(String, Duration, BooleanSupplier)}, checking every {@code poll}: for
   * conditions that cost a request to a real process, which a 10 ms poll would flood.
   */
  public static void until(String what, Duration timeout, Duration poll, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      LockSupport.parkNanos(poll.toNanos());
    }
  }

  /** Like {@link #until(String, Duration, BooleanSupplier)}, with the last value in the message. */
  public static <T> void until(String what, Duration timeout, Supplier<T> value, java.util.function.Predicate<T> ok) {
    Object[] last = new Object[1];
    try {
      until(what, timeout, () -> {
        T v = value.get();
        last[0] = v;
        return ok.test(v);
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (last value: " + last[0] + ")", e);
    }
  }
}
