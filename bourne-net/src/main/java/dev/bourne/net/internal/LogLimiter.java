package dev.bourne.net.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs an event of a given kind at most once per interval, counting what it suppressed, so that a
 * hostile or broken peer cannot flood the log. Part of bourne-net's internals, not its API.
 *
 * <p>Thread-safe. Uses the JVM's monotonic clock: it belongs to hosts, never to protocol cores.
 */
public final class LogLimiter {
  private final Logger log;
  private final long intervalNanos;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /**
   * @param log where to log
   * @param intervalNanos the least time between two lines of the same kind
   */
  public LogLimiter(Logger log, long intervalNanos) {
    this.log = log;
    this.intervalNanos = intervalNanos;
  }

  /**
   * Logs a warning for {@code kind} unless one was logged within the interval. The message is
   * built only when it is logged.
   *
   * @param kind the event kind, e.g. {@code "oversized-frame"}
   * @param message the message, with SLF4J {@code {}} placeholders
   * @param args the arguments; a trailing throwable is logged as the cause
   */
  public void warn(String kind, String message, Object... args) {
    Window w = windows.computeIfAbsent(kind, k -> new Window());
    long now = System.nanoTime();
    long last = w.lastLogged.get();
    if (last != Long.MIN_VALUE && now - last < intervalNanos) {
      w.suppressed.incrementAndGet();
      return;
    }
    if (!w.lastLogged.compareAndSet(last, now)) {
      w.suppressed.incrementAndGet();
      return;
    }
    long suppressed = w.suppressed.getAndSet(0);
    if (suppressed > 0) {
      log.warn("{} (and {} more like it since the last report)", kind, suppressed);
    }
    log.warn(message, args);
  }

  private static final class Window {
    final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }
}
