package dev.bourne.common.time;

/**
 * A source of time. Protocol code reads time only through a {@code Clock} so that tests and the
 * simulator can substitute a {@link VirtualClock}.
 *
 * <p>Implementations are thread-safe.
 */
public interface Clock {
  /**
   * Monotonic time in nanoseconds, for measuring intervals. Only differences are meaningful; it
   * never goes backwards.
   */
  long nanoTime();

  /** Monotonic time in milliseconds; {@code nanoTime() / 1_000_000}. */
  default long millis() {
    return nanoTime() / 1_000_000L;
  }

  /**
   * Wall-clock time in milliseconds since the epoch, for what must be compared across machines
   * (the age of a message); it may jump. A virtual clock derives it from its virtual time.
   */
  default long wallMillis() {
    return System.currentTimeMillis();
  }

  /** The real monotonic clock of this JVM ({@link System#nanoTime()}). */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
