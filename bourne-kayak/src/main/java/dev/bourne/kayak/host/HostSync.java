package dev.bourne.kayak.host;

import dev.bourne.common.error.TimedOutException;
import dev.bourne.kayak.api.Sync;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The {@link Sync} of a {@link RaftHost}. Thread-safe. */
final class HostSync implements Sync {
  private final RaftHost host;

  HostSync(RaftHost host) {
    this.host = host;
  }

  @Override
  public void ack(long index) {
    // The acknowledged index becomes the commit index after a restart, so it must never run ahead
    // of what this member knows is committed: an entry appended elsewhere may still sit here as an
    // uncommitted, conflicting entry at that index.
    // A snapshot's index is committed too (an installed one may be ahead of the commit index here
    // until storage starts after it).
    long committed = host.commits.index();
    if (index > committed) { // only then look at snapshots: ack is called for every entry
      committed = Math.max(committed,
          host.snapshots.latest().map(dev.bourne.kayak.core.SnapshotStorage.Meta::index).orElse(0L));
    }
    if (index < 0 || index > committed) {
      throw new IllegalArgumentException(
          "cannot acknowledge index " + index + ": only entries up to " + committed + " are committed on this member");
    }
    host.acks.ack(index);
  }

  @Override
  public long acked() {
    return host.acks.acked();
  }

  @Override
  public CompletableFuture<Long> barrier() {
    return host.requests.barrier(host.config.appendTimeout());
  }

  @Override
  public CompletableFuture<Void> sync(long index, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<Void> f = host.acks.await(index);
    if (!f.isDone()) {
      try {
        host.timer.schedule(timeout, () -> f.completeExceptionally(
            new TimedOutException("index " + index + " not acknowledged within " + timeout)));
      } catch (IllegalStateException closed) {
        f.completeExceptionally(new dev.bourne.common.error.ClosedException("host closed"));
      }
    }
    return f;
  }

  @Override
  public <T> CompletableFuture<T> read(Supplier<T> reader) {
    Objects.requireNonNull(reader, "reader");
    return barrier().thenCompose(index -> sync(index, host.config.appendTimeout())).thenApply(v -> reader.get());
  }
}
