package dev.bourne.kayak.host;

import dev.bourne.common.error.ClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The index the application acknowledged as applied, and futures waiting for it to reach a given
 * index ({@code Sync.sync}).
 *
 * <p>Threading: thread-safe; futures complete on the thread that acknowledges.
 */
final class AckTracker {
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private long acked;
  private boolean closed;

  /** @param initial the index acknowledged before a restart (0 for a new member) */
  AckTracker(long initial) {
    this.acked = initial;
  }

  /** Raises the acknowledged index (never lowers it) and completes the waiters it satisfies. */
  void ack(long index) {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    synchronized (this) {
      if (index <= acked) {
        return;
      }
      acked = index;
      Map<Long, List<CompletableFuture<Void>>> head = waiters.headMap(index, true);
      head.values().forEach(done::addAll);
      head.clear();
    }
    done.forEach(f -> f.complete(null));
  }

  synchronized long acked() {
    return acked;
  }

  /** Completes once {@code index} is acknowledged; the caller applies a timeout. */
  synchronized CompletableFuture<Void> await(long index) {
    if (closed) {
      return CompletableFuture.failedFuture(new ClosedException("host closed"));
    }
    if (index <= acked) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiters.computeIfAbsent(index, k -> new ArrayList<>()).add(f);
    return f;
  }

  /** Fails every waiter with a ClosedException; later awaits fail at once. */
  void close() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      waiters.values().forEach(all::addAll);
      waiters.clear();
    }
    all.forEach(f -> f.completeExceptionally(new ClosedException("host closed")));
  }
}
