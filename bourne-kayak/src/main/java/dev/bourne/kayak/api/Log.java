package dev.bourne.kayak.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated log of a Kayak cluster, seen from one host.
 *
 * <p>Threading: thread-safe; futures complete on Kayak's threads, so callbacks must not block.
 */
public interface Log {
  /**
   * Appends an application event, on any member: a follower forwards it to the leader. Completes
   * with the entry once it is committed (durable on a majority). Retries through leader changes
   * until the configured append timeout.
   *
   * <p>An append that fails (for example with a timeout) may still commit: applications that must
   * not apply an event twice make events idempotent.
   *
   * @return fails with {@link dev.bourne.common.error.TimedOutException}, {@link NoLeaderException},
   *     {@link dev.bourne.common.error.ClosedException}, {@link ClusterMismatchException}, or {@link
   *     EntryTooLargeException} at once when the event is larger than this member's entry limit or
   *     the leader's
   */
  CompletableFuture<Entry> append(byte[] event);

  /** As {@link #append(byte[])} with an explicit deadline. */
  CompletableFuture<Entry> append(byte[] event, Duration timeout);

  /** The highest index in the local log (committed or not). */
  long head();

  /** The highest index known committed here. */
  long committed();

  /**
   * Subscribes to committed entries after the last one the application acknowledged
   * ({@code Sync.acked() + 1}). The acknowledged index is saved about once a second and when the
   * host closes, so after a restart this resumes where the application left off, give or take the
   * last second: delivery is at least once.
   */
  Subscription listen();

  /**
   * Subscribes to committed entries from {@code fromIndex} (at least 1).
   *
   * @throws IllegalArgumentException if {@code fromIndex} is below 1
   */
  Subscription listen(long fromIndex);

  /**
   * Compacts the log: {@code state} is the application's state as of index {@code until} (every
   * entry up to it applied, and acknowledged with {@code Sync.ack}). Kayak writes it as a snapshot,
   * durably (temporary file, checksum, fsync, atomic rename, directory fsync; the previous snapshot
   * is removed only after that), then drops the log up to {@code until} minus {@code
   * KayakConfig.snapshotRetainEntries}. Restarts begin from the latest snapshot and the log after it;
   * a subscription behind the log's start gets {@link CompactedException}. {@code state} is read on
   * another thread: it must not change until the future completes.
   *
   * @return completes with {@code until} once the snapshot is durable and the log compacted; fails
   *     with {@link StorageException}, or with {@link IllegalArgumentException} if {@code until} was
   *     not acknowledged yet or is not above the latest snapshot
   */
  java.util.concurrent.CompletableFuture<Long> compact(long until, Iterable<byte[]> state);

  /** The latest durable snapshot (taken here or received from a leader), if any. */
  java.util.Optional<Snapshot> snapshot();

  /**
   * Compacts automatically: whenever the application has acknowledged at least {@code entries}
   * entries past the latest snapshot, Kayak asks {@code source} for the state and compacts to it
   * (one compaction at a time; a failed one is logged and tried again at the next check, about
   * once a second).
   *
   * @return stops the policy
   * @throws IllegalArgumentException if {@code entries} is not positive
   */
  default dev.bourne.common.time.Cancellable compactEvery(long entries, SnapshotSource source) {
    return compactEvery(entries, Long.MAX_VALUE, source);
  }

  /**
   * As {@link #compactEvery(long, SnapshotSource)}, also compacting once the events committed
   * since the latest snapshot taken here add up to {@code bytes} of payload, whichever comes first.
   *
   * @throws IllegalArgumentException if {@code entries} or {@code bytes} is not positive
   */
  dev.bourne.common.time.Cancellable compactEvery(long entries, long bytes, SnapshotSource source);
}
