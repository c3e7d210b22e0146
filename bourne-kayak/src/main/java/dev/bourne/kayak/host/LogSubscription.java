package dev.bourne.kayak.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.Subscription;
import dev.bourne.kayak.core.LogStorage;
import java.time.Duration;
import java.util.List;

/**
 * A {@link Subscription} that pulls committed entries from the local durable log, so a slow
 * consumer costs nothing but its own lag.
 */
final class LogSubscription implements Subscription {
  private static final long MAX_BYTES_PER_POLL = 4 << 20;

  private final LogStorage storage;
  private final CommitWatch watch;
  private volatile long position;
  private volatile boolean closed;

  LogSubscription(LogStorage storage, CommitWatch watch, long fromIndex) {
    this.storage = storage;
    this.watch = watch;
    this.position = fromIndex;
  }

  @Override
  public List<Entry> poll(int maxEntries, Duration timeout) throws InterruptedException {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
    }
    checkOpen();
    long committed = watch.await(position, watch.clock().nanoTime() + timeout.toNanos(), () -> closed);
    checkOpen();
    if (committed < position) {
      return List.of();
    }
    if (position < storage.firstIndex()) {
      throw new dev.bourne.kayak.api.CompactedException(position, storage.firstIndex());
    }
    long to = Math.min(committed, position + maxEntries - 1);
    List<Entry> out;
    try {
      out = storage.read(position, to, MAX_BYTES_PER_POLL);
    } catch (IndexOutOfBoundsException raced) {
      // A compaction between the check above and this read: the same news as that check gives.
      long first = storage.firstIndex();
      if (position < first) {
        throw new dev.bourne.kayak.api.CompactedException(position, first);
      }
      throw raced;
    }
    position += out.size();
    return out;
  }

  private void checkOpen() {
    if (closed || watch.isClosed()) {
      throw new ClosedException("subscription closed");
    }
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void close() {
    closed = true;
    watch.wakeAll();
  }
}
