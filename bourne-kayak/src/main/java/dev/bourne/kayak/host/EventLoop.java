package dev.bourne.kayak.host;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a host's Raft core. Tasks from any thread are queued and run in order;
 * after each batch of tasks the loop runs its {@code afterBatch} step (taking the core's Ready), so
 * that everything that arrived together is handled with one Ready, one storage batch and one round
 * of messages.
 *
 * <p>A task that throws is a bug or a storage failure: the loop stops and reports it to
 * {@code onFatal}.
 */
final class EventLoop {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
  private static final int MAX_TASKS_PER_BATCH = 4096;
  private static final Runnable STOP = () -> {};

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Runnable afterBatch;
  private final Consumer<Throwable> onFatal;
  private volatile boolean stopped;

  EventLoop(String name, Runnable afterBatch, Consumer<Throwable> onFatal) {
    this.afterBatch = afterBatch;
    this.onFatal = onFatal;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues a task; dropped silently once the loop stopped. */
  void execute(Runnable task) {
    if (!stopped) {
      tasks.add(task);
    }
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  boolean isStopped() {
    return stopped;
  }

  private void run() {
    List<Runnable> batch = new ArrayList<>();
    try {
      while (!stopped) {
        batch.clear();
        batch.add(tasks.take());
        tasks.drainTo(batch, MAX_TASKS_PER_BATCH);
        for (Runnable t : batch) {
          if (t == STOP) {
            return;
          }
          t.run();
        }
        afterBatch.run();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      stopped = true;
      LOG.error("event loop {} failed; the host stops", thread.getName(), t);
      onFatal.accept(t);
    }
  }

  /** Stops after the task in progress; queued tasks are dropped. Waits for the thread unless on it. */
  void stop() {
    stopped = true;
    tasks.clear();
    tasks.add(STOP);
    if (!inLoop()) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
