package dev.bourne.kayak.host;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.Log;
import dev.bourne.kayak.api.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The {@link Log} of a {@link RaftHost}. Thread-safe. */
final class HostLog implements Log {
  private final RaftHost host;

  HostLog(RaftHost host) {
    this.host = host;
  }

  @Override
  public CompletableFuture<Entry> append(byte[] event) {
    return append(event, host.config.appendTimeout());
  }

  @Override
  public CompletableFuture<Entry> append(byte[] event, Duration timeout) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return host.requests.append(List.of(event.clone()), timeout).thenApply(l -> l.get(0));
  }

  @Override
  public long head() {
    return host.log.lastIndex();
  }

  @Override
  public long committed() {
    return host.commits.index();
  }

  @Override
  public Subscription listen() {
    return listen(host.acks.acked() + 1);
  }

  @Override
  public Subscription listen(long fromIndex) {
    if (fromIndex < 1) {
      throw new IllegalArgumentException("fromIndex must be >= 1, got " + fromIndex);
    }
    return new LogSubscription(host.log, host.commits, fromIndex);
  }

  @Override
  public java.util.concurrent.CompletableFuture<Long> compact(long until, Iterable<byte[]> state) {
    Objects.requireNonNull(state, "state");
    return host.compact(until, state);
  }

  @Override
  public java.util.Optional<dev.bourne.kayak.api.Snapshot> snapshot() {
    return host.snapshots.latest().map(meta -> SnapshotContent.view(host.snapshots, meta));
  }

  @Override
  public dev.bourne.common.time.Cancellable compactEvery(long entries, long bytes,
      dev.bourne.kayak.api.SnapshotSource source) {
    if (entries < 1 || bytes < 1) {
      throw new IllegalArgumentException("entries and bytes must be >= 1, got " + entries + " and " + bytes);
    }
    Objects.requireNonNull(source, "source");
    return host.compactEvery(entries, bytes, source);
  }
}
