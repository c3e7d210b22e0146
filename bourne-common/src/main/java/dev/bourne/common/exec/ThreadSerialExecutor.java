package dev.bourne.common.exec;

import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial executor on one daemon thread of its own. A task that throws (an {@code Error} too) is
 * logged and the thread goes on: callers that must stop on an error catch it in the task.
 */
final class ThreadSerialExecutor implements SerialExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadSerialExecutor.class);
  private static final long JOIN_MILLIS = 10_000;
  private static final Runnable STOP = () -> { };

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  ThreadSerialExecutor(String name) {
    this.thread = new Thread(this::run, Objects.requireNonNull(name, "name"));
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (!closed) {
      tasks.add(task);
    }
  }

  @Override
  public boolean inExecutor() {
    return Thread.currentThread() == thread;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  private void run() {
    while (true) {
      Runnable t;
      try {
        t = tasks.take();
      } catch (InterruptedException e) {
        return;
      }
      if (t == STOP || closed) {
        return;
      }
      try {
        t.run();
      } catch (RuntimeException | Error e) {
        // Errors too: a thread that died here would leave every later task waiting forever.
        LOG.error("task on {} failed", thread.getName(), e);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    tasks.clear();
    tasks.add(STOP);
    if (!inExecutor()) {
      try {
        thread.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "ThreadSerialExecutor[" + thread.getName() + "]";
  }
}
