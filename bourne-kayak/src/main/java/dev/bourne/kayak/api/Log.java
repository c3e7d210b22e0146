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
}
