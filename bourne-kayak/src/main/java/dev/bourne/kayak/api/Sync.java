package dev.bourne.kayak.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Coordinates the application's state machine with the log: the application acknowledges what it
 * applied, and readers wait for it.
 *
 * <p>Patterns: a write is {@code log.append(e)} then {@code sync(entry.index())}; a linearizable
 * read is {@link #read(Supplier)} (barrier, wait until applied, then read local state).
 *
 * <p>Threading: thread-safe; futures complete on Kayak's threads.
 */
public interface Sync {
  /**
   * The application has applied every entry up to {@code index}, as delivered by this member's
   * subscriptions. Never moves backwards: a lower index than already acknowledged is ignored.
   *
   * @throws IllegalArgumentException if {@code index} is negative or beyond this member's
   *     {@link Log#committed()} (an index returned by {@code append} on another member may not be
   *     committed here yet: acknowledge what a subscription delivered, not what {@code append}
   *     returned)
   */
  void ack(long index);

  /** The highest index acknowledged so far on this host (0 at start). */
  long acked();

  /**
   * The read index: the leader confirms with a quorum round that it is still leader and has
   * committed an entry of its term, and returns its commit index. Forwarded to the leader from a
   * follower.
   *
   * @return fails with {@link dev.bourne.common.error.TimedOutException},
   *     {@link NoLeaderException} or {@link dev.bourne.common.error.ClosedException}
   */
  CompletableFuture<Long> barrier();

  /** Completes once the local application acknowledged {@code index}; fails on timeout or close. */
  CompletableFuture<Void> sync(long index, Duration timeout);

  /**
   * A linearizable read: {@link #barrier()}, then waits until the local application acknowledged
   * the read index, then runs {@code reader} (on a Kayak thread, so it must be quick).
   */
  <T> CompletableFuture<T> read(Supplier<T> reader);
}
