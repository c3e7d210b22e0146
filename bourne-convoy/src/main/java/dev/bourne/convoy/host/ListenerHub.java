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

  @Override
  public void close() {
    closed = true;
    for (Subscription s : subscriptions) {
      s.close();
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
