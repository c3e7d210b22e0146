package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.Entry;

/**
 * The most recent entries of the log, a contiguous run {@code [first, last]} bounded by count and
 * payload bytes, so that a leader replicating to followers that keep up never reads the disk.
 *
 * <p>Not thread-safe: {@link SegmentedLog} calls it under its lock.
 */
final class EntryCache {
  private final Entry[] ring;
  private final int mask;
  private final long maxBytes;
  private final int maxEntries;
  private long first = 1;
  private long next = 1;
  private long bytes;

  EntryCache(int maxEntries, long maxBytes) {
    int capacity = Integer.highestOneBit(Math.max(1, maxEntries - 1)) << 1;
    this.ring = new Entry[Math.max(1, capacity)];
    this.mask = ring.length - 1;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** Adds the entry after the last one, evicting the oldest beyond the bounds. */
  void add(Entry entry) {
    if (maxEntries == 0) {
      clear(entry.index() + 1);
      return;
    }
    if (entry.index() != next) {
      clear(entry.index());
    }
    while (next - first >= maxEntries) {
      evictFirst();
    }
    ring[(int) (next & mask)] = entry;
    next++;
    bytes += entry.payload().length;
    while (first < next && bytes > maxBytes) {
      evictFirst();
    }
  }

  /** The cached entry at {@code index}, or null. */
  Entry get(long index) {
    return index >= first && index < next ? ring[(int) (index & mask)] : null;
  }

  /** The lowest cached index; every index from it to the log's last is cached. */
  long first() {
    return first;
  }

  /** Forgets entries from {@code index} on. */
  void truncateFrom(long index) {
    while (next > first && next > index) {
      next--;
      Entry e = ring[(int) (next & mask)];
      bytes -= e.payload().length;
      ring[(int) (next & mask)] = null;
    }
    if (next <= first) {
      clear(index);
    }
  }

  /** Forgets entries below {@code index}. */
  void dropBelow(long index) {
    while (first < next && first < index) {
      evictFirst();
    }
    if (first >= next) {
      clear(Math.max(index, next));
    }
  }

  /** Empties the cache; the next entry added is expected at {@code nextIndex}. */
  void clear(long nextIndex) {
    while (first < next) {
      evictFirst();
    }
    first = nextIndex;
    next = nextIndex;
    bytes = 0;
  }

  private void evictFirst() {
    int slot = (int) (first & mask);
    bytes -= ring[slot].payload().length;
    ring[slot] = null;
    first++;
  }
}
