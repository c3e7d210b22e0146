package dev.bourne.common.exec;

import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in the order they were submitted: the event loop or the storage writer
 * of a host. Where it runs them is the implementation's business: a thread of its own in
 * production ({@link Workers#threads()}), or the test thread at virtual instants in the simulator
 * ({@link Workers#virtual}), so that hosts built on it run unchanged in both.
 *
 * <p>Thread-safe.
 */
public interface SerialExecutor extends Executor, AutoCloseable {
  /**
   * Queues {@code task}; tasks run one at a time, in submission order. Once {@link #close()}d,
   * tasks are dropped silently (a stopping host's late work has nowhere to go).
   *
   * @throws NullPointerException if {@code task} is null
   */
  @Override
  void execute(Runnable task);

  /** True if the calling code is running inside a task of this executor. */
  boolean inExecutor();

  /** True once {@link #close()} was called. */
  boolean isClosed();

  /**
   * Stops: queued tasks are dropped, a task in progress finishes. Waits (bounded) for that task
   * unless called from inside it. Idempotent.
   */
  @Override
  void close();
}
