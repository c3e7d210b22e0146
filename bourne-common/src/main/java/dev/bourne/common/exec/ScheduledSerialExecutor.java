package dev.bourne.common.exec;

import dev.bourne.common.time.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * A serial executor that runs its tasks as tasks of a {@link Scheduler}: with a virtual clock,
 * on the thread that advances it, in an order fixed by the simulation's seed. Tasks queued while a
 * run is pending join that run, as work queued for a busy thread would.
 */
final class ScheduledSerialExecutor implements SerialExecutor {
  private final String name;
  private final Scheduler scheduler;
  private final Supplier<Duration> latency;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean scheduled;
  private volatile Thread running;
  private volatile boolean closed;

  ScheduledSerialExecutor(String name, Scheduler scheduler, Supplier<Duration> latency) {
    this.name = name;
    this.scheduler = scheduler;
    this.latency = latency;
  }

  @Override
  public void execute(Runnable task) {
    java.util.Objects.requireNonNull(task, "task");
    synchronized (this) {
      if (closed) {
        return;
      }
      tasks.add(task);
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    scheduler.schedule(latency.get(), this::runQueued);
  }

  private void runQueued() {
    Runnable[] batch;
    synchronized (this) {
      scheduled = false;
      if (closed) {
        return;
      }
      batch = tasks.toArray(new Runnable[0]);
      tasks.clear();
    }
    Thread outer = running;
    running = Thread.currentThread();
    try {
      for (Runnable t : batch) {
        if (closed) {
          return;
        }
        t.run();
      }
    } finally {
      running = outer;
    }
  }

  @Override
  public boolean inExecutor() {
    return running == Thread.currentThread();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
    tasks.clear();
  }

  @Override
  public String toString() {
    return "ScheduledSerialExecutor[" + name + "]";
  }
}
