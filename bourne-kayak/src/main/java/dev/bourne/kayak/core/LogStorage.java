package dev.bourne.kayak.core;

import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.api.Entry;
import java.util.List;

/**
 * The durable Raft log: a contiguous run of entries {@code [firstIndex, lastIndex]}, preceded by a
 * compacted prefix whose last entry is remembered as {@code (snapshotIndex, snapshotTerm)}.
 *
 * <p><b>Durability.</b> {@link #append} and {@link #truncateSuffix} take effect for readers at once
 * but are durable only after {@link #sync()} returns; a crash loses whatever was not synced, never
 * anything that was. One {@code sync} covers every earlier write (group commit).
 *
 * <p><b>Threading.</b> One writer thread calls the mutating methods; any thread may read
 * concurrently and sees a consistent prefix.
 *
 * <p><b>Errors.</b> I/O failures are thrown as {@link StorageException}; after a failed write or
 * sync the storage must not be used further (the host stops: it cannot know what is durable).
 */
public interface LogStorage extends AutoCloseable {
  /** The first index still held, {@code snapshotIndex() + 1}. */
  long firstIndex();

  /** The last index held, or {@code snapshotIndex()} when no entry follows the compacted prefix. */
  long lastIndex();

  /** The index of the last compacted entry, 0 if nothing was compacted. */
  long snapshotIndex();

  /** The term of the last compacted entry, 0 if nothing was compacted. */
  long snapshotTerm();

  /**
   * The term of the entry at {@code index}: {@code snapshotTerm()} at {@code snapshotIndex()}, 0
   * at index 0.
   *
   * @throws IndexOutOfBoundsException if the index is below {@code snapshotIndex()} or above
   *     {@code lastIndex()}
   */
  long termAt(long index);

  /**
   * Reads entries from {@code from} up to {@code toInclusive}, stopping early once
   * {@code maxBytes} of payload were read (at least one entry is returned when any is in range).
   *
   * @throws IndexOutOfBoundsException if {@code from < firstIndex()} or {@code toInclusive >
   *     lastIndex()}
   */
  List<Entry> read(long from, long toInclusive, long maxBytes);

  /**
   * Appends entries; the first must have index {@code lastIndex() + 1} and indexes must be
   * contiguous. Not durable until {@link #sync()}.
   *
   * @throws IllegalArgumentException if the entries are not contiguous with the log
   */
  void append(List<Entry> entries);

  /**
   * Removes every entry with index {@code >= fromIndex} (a conflicting suffix). Not durable until
   * {@link #sync()}.
   *
   * @throws IllegalArgumentException if {@code fromIndex <= snapshotIndex()} (committed entries
   *     are never truncated)
   */
  void truncateSuffix(long fromIndex);

  /** Makes every earlier append and truncation durable (fsync). */
  void sync();

  /**
   * Drops every entry up to and including {@code upToIndex}, which becomes the snapshot point with
   * {@code term}. Entries after it are kept. Used by compaction (and by installing a snapshot, where
   * {@code upToIndex} may exceed {@code lastIndex()}, leaving the log empty after it).
   */
  void compactPrefix(long upToIndex, long term);

  /** Releases files; does not sync. Idempotent. */
  @Override
  void close();
}
