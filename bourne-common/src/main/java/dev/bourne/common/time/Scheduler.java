package dev.bourne.common.time;

import java.time.Duration;

/**
 * Runs tasks after a delay, measured on the scheduler's {@link #clock()}. The real implementation
 * runs tasks on its own thread; the {@link VirtualClock} runs them only when a test advances time,
 * so code that schedules through this interface never needs a sleeping test.
 *
 * <p>Implementations are thread-safe. Tasks scheduled for the same instant run in the order they
 * were scheduled.
 */
public interface Scheduler extends AutoCloseable {
  /** The clock against which delays are measured. */
  Clock clock();

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the delay is negative
   * @throws IllegalStateException if the scheduler is closed
   */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Runs {@code task} every {@code period}, first after one period. A task that throws is logged
   * and keeps its schedule.
   *
   * @throws IllegalArgumentException if the period is not positive
   * @throws IllegalStateException if the scheduler is closed
   */
  Cancellable scheduleAtFixedRate(Duration period, Runnable task);

  /** Stops running tasks; pending ones are dropped. Idempotent. */
  @Override
  void close();

  /**
   * A scheduler on one daemon thread of its own, with the system clock.
   *
   * @param threadName the name of the thread, to be seen in thread dumps
   */
  static Scheduler system(String threadName) {
    return new SystemScheduler(threadName);
  }
}
