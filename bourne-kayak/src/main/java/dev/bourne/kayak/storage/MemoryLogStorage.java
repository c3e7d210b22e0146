package dev.bourne.kayak.storage;

import dev.bourne.kayak.core.LogStorage;
import dev.bourne.kayak.api.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStorage} in memory that models durability: {@link #crash()} throws away every write
 * since the last {@link #sync()}, restoring exactly the synced state (truncated entries that were
 * durable come back). For simulators and tests.
 *
 * <p>Thread-safe (every method synchronized), so it also serves a host with a writer thread.
 */
public final class MemoryLogStorage implements LogStorage {
  private long snapshotIndex;
  private long snapshotTerm;
  private final ArrayList<Entry> entries = new ArrayList<>();
  /** Entries [0, syncedPrefix) of {@code entries} are identical to the durable state. */
  private int syncedPrefix;
  /** Durable entries after {@code syncedPrefix} that un-synced truncations removed. */
  private final ArrayList<Entry> durableTail = new ArrayList<>();
  private long durableSnapshotIndex;
  private long durableSnapshotTerm;
  private long syncs;

  /** An empty log. */
  public MemoryLogStorage() {}

  @Override
  public synchronized long firstIndex() {
    return snapshotIndex + 1;
  }

  @Override
  public synchronized long lastIndex() {
    return snapshotIndex + entries.size();
  }

  @Override
  public synchronized long snapshotIndex() {
    return snapshotIndex;
  }

  @Override
  public synchronized long snapshotTerm() {
    return snapshotTerm;
  }

  @Override
  public synchronized long termAt(long index) {
    if (index == snapshotIndex) {
      return snapshotTerm;
    }
    if (index < snapshotIndex || index > lastIndex()) {
      throw new IndexOutOfBoundsException("index " + index + " outside [" + snapshotIndex + ", " + lastIndex() + "]");
    }
    return entries.get((int) (index - snapshotIndex - 1)).term();
  }

  @Override
  public synchronized List<Entry> read(long from, long toInclusive, long maxBytes) {
    if (from < firstIndex() || toInclusive > lastIndex()) {
      throw new IndexOutOfBoundsException("read [" + from + ", " + toInclusive + "] outside [" + firstIndex() + ", "
          + lastIndex() + "]");
    }
    List<Entry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i <= toInclusive; i++) {
      Entry e = entries.get((int) (i - snapshotIndex - 1));
      if (!out.isEmpty() && bytes + e.payload().length > maxBytes) {
        break;
      }
      out.add(e);
      bytes += e.payload().length;
    }
    return out;
  }

  @Override
  public synchronized void append(List<Entry> batch) {
    long expect = lastIndex() + 1;
    for (Entry e : batch) {
      if (e.index() != expect++) {
        throw new IllegalArgumentException("entry " + e.index() + " does not follow " + (expect - 2));
      }
    }
    entries.addAll(batch);
  }

  @Override
  public synchronized void truncateSuffix(long fromIndex) {
    if (fromIndex <= snapshotIndex) {
      throw new IllegalArgumentException("cannot truncate at " + fromIndex + " <= snapshot index " + snapshotIndex);
    }
    if (fromIndex > lastIndex()) {
      return;
    }
    int pos = (int) (fromIndex - snapshotIndex - 1);
    if (pos < syncedPrefix) {
      // remember the durable entries being cut: a crash before the next sync brings them back
      ArrayList<Entry> cut = new ArrayList<>(entries.subList(pos, syncedPrefix));
      cut.addAll(durableTail);
      durableTail.clear();
      durableTail.addAll(cut);
      syncedPrefix = pos;
    }
    entries.subList(pos, entries.size()).clear();
  }

  @Override
  public synchronized void sync() {
    syncedPrefix = entries.size();
    durableTail.clear();
    durableSnapshotIndex = snapshotIndex;
    durableSnapshotTerm = snapshotTerm;
    syncs++;
  }

  @Override
  public synchronized void compactPrefix(long upToIndex, long term) {
    if (upToIndex <= snapshotIndex) {
      return;
    }
    // compaction is applied and made durable at once (a snapshot is written before the prefix goes)
    sync();
    int drop = (int) Math.min(entries.size(), upToIndex - snapshotIndex);
    entries.subList(0, drop).clear();
    snapshotIndex = upToIndex;
    snapshotTerm = term;
    sync();
  }

  /**
   * Simulates a crash: every append and truncation since the last {@link #sync()} is lost.
   */
  public synchronized void crash() {
    ArrayList<Entry> durable = new ArrayList<>(entries.subList(0, syncedPrefix));
    durable.addAll(durableTail);
    entries.clear();
    entries.addAll(durable);
    durableTail.clear();
    syncedPrefix = entries.size();
    snapshotIndex = durableSnapshotIndex;
    snapshotTerm = durableSnapshotTerm;
  }

  /** How many times {@link #sync()} ran. */
  public synchronized long syncCount() {
    return syncs;
  }

  @Override
  public void close() {}
}
