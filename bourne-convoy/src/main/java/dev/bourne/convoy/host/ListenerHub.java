package dev.bourne.convoy.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.convoy.api.Listener;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events of one type to its listeners, each on its own daemon thread through its own
 * bounded queue: publishing never blocks, and a listener that falls behind loses the overflow and
 * is told how many it missed.
 *
 * <p>Thread-safe.
 */
final class ListenerHub<E> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ListenerHub.class);
  private static final long STOP_WAIT_MILLIS = 1000;
  private final String name;
  private final int capacity;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  ListenerHub(String name, int capacity) {
    this.name = name;
    this.capacity = capacity;
  }

  /**
   * Adds a listener; closing the handle stops its thread.
   *
   * @throws ClosedException if the hub is closed (its thread would never be stopped)
   */
  AutoCloseable subscribe(Listener<E> listener) {
    Subscription s = new Subscription(listener);
    subscriptions.add(s);
    // Checked after adding: a close() running concurrently either sees s or is seen here.
    if (closed) {
      subscriptions.remove(s);
      throw new ClosedException(name + " listeners are closed");
    }
    s.thread.start();
    return s::close;
  }

  /** Offers an event to every listener; never blocks. */
  void publish(E event) {
    for (Subscription s : subscriptions) {
      if (!s.queue.offer(event)) {
        s.missed.incrementAndGet();
      }
    }
  }

  /**
   * Stops every listener thread and waits (at most {@link #STOP_WAIT_MILLIS} each) for it to end,
   * so a closed member leaves no thread behind; a listener stuck in its callback is left to finish
   * on its own, with a warning. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    List<Subscription> all = List.copyOf(subscriptions);
    for (Subscription s : all) {
      s.close();
    }
    for (Subscription s : all) {
      if (s.thread == Thread.currentThread()) {
        continue; // a listener that closes its own member
      }
      try {
        s.thread.join(STOP_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (s.thread.isAlive()) {
        log.warn("{} listener did not stop within {} ms; leaving it to finish its callback", name, STOP_WAIT_MILLIS);
      }
    }
  }

  private final class Subscription {
    final Listener<E> listener;
    final BlockingQueue<E> queue = new ArrayBlockingQueue<>(capacity);
    final AtomicLong missed = new AtomicLong();
    final Thread thread;
    volatile boolean closed;

    Subscription(Listener<E> listener) {
      this.listener = listener;
      this.thread = new Thread(this::run, "convoy-" + name + "-listener");
      thread.setDaemon(true);
    }

    void run() {
      while (!closed) {
        try {
          E e = queue.poll(100, TimeUnit.MILLISECONDS);
          long lost = missed.getAndSet(0);
          if (lost > 0) {
            listener.onLagged(lost);
          }
          if (e != null) {
            listener.onEvent(e);
          }
        } catch (InterruptedException ie) {
          return;
        } catch (RuntimeException ex) {
          log.warn("{} listener threw; ignoring", name, ex);
        }
      }
    }

    void close() {
      closed = true;
      subscriptions.remove(this);
      thread.interrupt();
    }
  }
}
