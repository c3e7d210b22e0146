package dev.bourne.common.time;

/** A handle to a scheduled task. */
@FunctionalInterface
public interface Cancellable {
  /**
   * Cancels the task if it has not started yet. Idempotent; cancelling a task that already ran or
   * is running has no effect.
   */
  void cancel();
}
