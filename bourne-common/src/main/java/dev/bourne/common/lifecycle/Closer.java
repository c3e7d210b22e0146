package dev.bourne.common.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Closes many resources in the reverse of the order they were registered (last opened, first
 * closed), like nested try-with-resources. Every resource is closed even if an earlier one fails;
 * the first failure is rethrown with the later ones attached as suppressed exceptions.
 *
 * <p>Closing is idempotent. Thread-safe.
 */
public final class Closer implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;

  /**
   * Registers a resource and returns it, for use inline: {@code var ch = closer.register(open())}.
   * Registering after close closes the resource at once.
   */
  public <T extends AutoCloseable> T register(T resource) {
    Objects.requireNonNull(resource, "resource");
    boolean closeNow;
    synchronized (this) {
      closeNow = closed;
      if (!closeNow) {
        resources.push(resource);
      }
    }
    if (closeNow) {
      closeQuietly(resource);
    }
    return resource;
  }

  /**
   * Closes every registered resource, newest first.
   *
   * @throws RuntimeException the first failure, with later ones suppressed (checked exceptions are
   *     wrapped)
   */
  @Override
  public void close() {
    Deque<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayDeque<>(resources);
      resources.clear();
    }
    Throwable first = null;
    for (AutoCloseable r : toClose) {
      try {
        r.close();
      } catch (Throwable t) {
        if (first == null) {
          first = t;
        } else {
          first.addSuppressed(t);
        }
      }
    }
    if (first instanceof RuntimeException re) {
      throw re;
    }
    if (first instanceof Error e) {
      throw e;
    }
    if (first != null) {
      throw new IllegalStateException("failed to close a resource", first);
    }
  }

  /** Closes one resource, ignoring any failure. For error paths where a failure is already in hand. */
  public static void closeQuietly(AutoCloseable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception ignored) {
      // The caller is already handling a failure; this one would only hide it.
    }
  }
}
