package dev.bourne.kayak.host;

import dev.bourne.common.exec.SerialExecutor;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one executor that owns a host's Raft core. Tasks from any thread are queued and run in
 * order, in rounds; after each round the loop runs its {@code afterBatch} step (taking the core's
 * Ready), so that everything that arrived together is handled with one Ready, one storage batch
 * and one round of messages. Where the rounds run is the given {@link SerialExecutor}'s business:
 * a thread in production, the virtual clock in the simulator.
 *
 * <p>A task that throws is a bug or a storage failure: the loop stops and reports it to
 * {@code onFatal}.
 */
final class EventLoop {
  private static final int MAX_TASKS_PER_ROUND = 4096;

  private final SerialExecutor executor;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean roundQueued = new AtomicBoolean();
  private final Runnable afterBatch;
  private final Consumer<Throwable> onFatal;
  private volatile boolean stopped;

  EventLoop(SerialExecutor executor, Runnable afterBatch, Consumer<Throwable> onFatal) {
    this.executor = executor;
    this.afterBatch = afterBatch;
    this.onFatal = onFatal;
  }

  /** Queues a task; dropped silently once the loop stopped. */
  void execute(Runnable task) {
    if (stopped) {
      return;
    }
    tasks.add(task);
    if (roundQueued.compareAndSet(false, true)) {
      executor.execute(this::round);
    }
  }

  boolean inLoop() {
    return executor.inExecutor();
  }

  boolean isStopped() {
    return stopped;
  }

  private void round() {
    // Cleared first: a task queued from now on either is taken by this round or queues the next.
    roundQueued.set(false);
    try {
      Runnable t;
      for (int n = 0; n < MAX_TASKS_PER_ROUND && !stopped && (t = tasks.poll()) != null; n++) {
        t.run();
      }
      if (!stopped) {
        afterBatch.run();
      }
    } catch (Throwable t) {
      stopped = true;
      onFatal.accept(t);
      return;
    }
    if (!stopped && !tasks.isEmpty() && roundQueued.compareAndSet(false, true)) {
      executor.execute(this::round);
    }
  }

  /** Stops after the task in progress; queued tasks are dropped. Waits for the executor unless on it. */
  void stop() {
    stopped = true;
    tasks.clear();
    executor.close();
  }
}
