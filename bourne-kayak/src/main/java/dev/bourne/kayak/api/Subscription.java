package dev.bourne.kayak.api;

import java.time.Duration;
import java.util.List;

/**
 * A stream of committed entries from {@code Log.listen(fromIndex)}: in index order, without gaps,
 * NOOP and CONFIG entries included (so acknowledged indexes have no holes).
 *
 * <p><b>Backpressure.</b> The subscription pulls from the local durable log, so a slow consumer only
 * falls behind; it never slows replication and never makes the host buffer without bound.
 *
 * <p><b>At least once.</b> After a restart, listen again from the last index the application
 * acknowledged plus one ({@code Sync.acked() + 1}): entries after it are delivered again.
 *
 * <p>Threading: meant for one consumer thread; {@link #close()} may be called from any thread and
 * wakes a blocked {@link #poll}.
 */
public interface Subscription extends AutoCloseable {
  /**
   * Waits up to {@code timeout} for committed entries at or after {@link #position()} and returns
   * up to {@code maxEntries} of them, advancing the position; an empty list if none came in time.
   *
   * @throws dev.bourne.common.error.ClosedException if the subscription or the host closed
   * @throws CompactedException if the next entry was compacted into a snapshot: reload from
   *     {@code Log.snapshot()} and listen from its index + 1
   * @throws InterruptedException if the thread was interrupted while waiting
   */
  List<Entry> poll(int maxEntries, Duration timeout) throws InterruptedException;

  /** The index of the next entry {@link #poll} returns. */
  long position();

  /** Stops the subscription; a blocked {@link #poll} fails with a ClosedException. Idempotent. */
  @Override
  void close();
}
