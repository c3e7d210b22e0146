package dev.bourne.convoy.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.common.exec.Workers;
import dev.bourne.convoy.api.Listener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events of one type to its listeners, each on a serial executor of its own (from the
 * host's {@link Workers}: a thread in production, the virtual clock in the simulator) through its
 * own bounded queue: publishing never blocks, and a listener that falls behind loses the overflow
 * and is told how many it missed.
 *
 * <p>Thread-safe.
 */
final class ListenerHub<E> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ListenerHub.class);
  private final String name;
  private final int capacity;
  private final Workers workers;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  ListenerHub(String name, int capacity, Workers workers) {
    this.name = name;
    this.capacity = capacity;
    this.workers = workers;
  }

  /**
   * Adds a listener; closing the handle stops its executor.
   *
   * @throws ClosedException if the hub is closed (its executor would never be stopped)
   */
  AutoCloseable subscribe(Listener<E> listener) {
    if (closed) {
      throw new ClosedException(name + " listeners are closed");
    }
    Subscription s = new Subscription(listener, workers.serial("convoy-" + name + "-listener"));
    subscriptions.add(s);
    // Checked again after adding: a close() running concurrently either sees s or is seen here.
    if (closed) {
      s.close();
      throw new ClosedException(name + " listeners are closed");
    }
    return s::close;
  }

  /** Offers an event to every listener; never blocks. */
  void publish(E event) {
    for (Subscription s : subscriptions) {
      s.offer(event);
    }
  }

  /**
   * Stops every listener's executor; each waits (bounded) for a callback in progress, unless it is
   * the caller's own (a listener that closes its member). Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (Subscription s : List.copyOf(subscriptions)) {
      s.close();
    }
  }

  private final class Subscription {
    final Listener<E> listener;
    final SerialExecutor executor;
    final Queue<E> queue = new ArrayBlockingQueue<>(capacity);
    final AtomicLong missed = new AtomicLong();
    volatile boolean closed;

    Subscription(Listener<E> listener, SerialExecutor executor) {
      this.listener = listener;
      this.executor = executor;
    }

    /** One delivery task per queued event: the executor's own queue stays within the bound too. */
    void offer(E event) {
      if (closed) {
        return;
      }
      if (queue.offer(event)) {
        executor.execute(this::deliverOne);
      } else {
        missed.incrementAndGet();
      }
    }

    void deliverOne() {
      if (closed) {
        return;
      }
      try {
        long lost = missed.getAndSet(0);
        if (lost > 0) {
          listener.onLagged(lost);
        }
        E e = queue.poll();
        if (e != null) {
          listener.onEvent(e);
        }
      } catch (RuntimeException ex) {
        log.warn("{} listener threw; ignoring", name, ex);
      }
    }

    void close() {
      closed = true;
      subscriptions.remove(this);
      executor.close();
    }
  }
}
