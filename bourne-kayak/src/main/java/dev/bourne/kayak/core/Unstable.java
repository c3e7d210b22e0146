package dev.bourne.kayak.core;

import dev.bourne.kayak.api.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * Entries the core has accepted but storage has not yet confirmed durable, from {@link #offset()}
 * on. Also tracks which of them were already handed to the host for writing and whether storage
 * must first cut a conflicting suffix. Entries below {@code offset} are durable in storage.
 *
 * <p>Single-threaded (the core's thread).
 */
final class Unstable {
  private long offset;
  private final ArrayList<Entry> entries = new ArrayList<>();
  /** The last index the host was told to write (storage's last index once it catches up). */
  private long handedOut;
  /** The first index storage must truncate before the next append, 0 if none. */
  private long truncateFrom;

  Unstable(long storageLastIndex) {
    this.offset = storageLastIndex + 1;
    this.handedOut = storageLastIndex;
  }

  long offset() {
    return offset;
  }

  long lastIndex() {
    return offset + entries.size() - 1;
  }

  boolean contains(long index) {
    return index >= offset && index <= lastIndex();
  }

  Entry get(long index) {
    return entries.get((int) (index - offset));
  }

  /** Entries in {@code [from, to]}, which must lie within this buffer. */
  List<Entry> slice(long from, long to) {
    return entries.subList((int) (from - offset), (int) (to - offset + 1));
  }

  /**
   * Appends {@code batch}, whose first index may be at or below the last index: the suffix from
   * there is replaced (a conflict the caller has verified is above the commit index).
   */
  void truncateAndAppend(List<Entry> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long first = batch.get(0).index();
    if (first > lastIndex() + 1) {
      throw new IllegalStateException("gap: appending " + first + " after " + lastIndex());
    }
    if (first <= handedOut) {
      truncateFrom = truncateFrom == 0 ? first : Math.min(truncateFrom, first);
      handedOut = first - 1;
    }
    if (first < offset) {
      entries.clear();
      offset = first;
    } else {
      entries.subList((int) (first - offset), entries.size()).clear();
    }
    entries.addAll(batch);
  }

  /**
   * The log was replaced by a snapshot ending at {@code index}: nothing is pending any more (the
   * host resets storage, after any write it was already given).
   */
  void restore(long index) {
    entries.clear();
    offset = index + 1;
    handedOut = index;
    truncateFrom = 0;
  }

  /** Storage reports everything up to {@code (index, term)} durable. */
  void stableTo(long index, long term) {
    if (!contains(index) || get(index).term() != term || index > handedOut) {
      return; // stale: the entry was replaced since it was written, or never handed out
    }
    entries.subList(0, (int) (index - offset + 1)).clear();
    offset = index + 1;
  }

  /** The first index to truncate in storage before the next write, or 0; resets it. */
  long takeTruncateFrom() {
    long t = truncateFrom;
    truncateFrom = 0;
    return t;
  }

  /** Entries not yet handed to the host; marks them handed out. */
  List<Entry> takeToWrite() {
    if (handedOut >= lastIndex()) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>(slice(Math.max(handedOut + 1, offset), lastIndex()));
    handedOut = lastIndex();
    return out;
  }

  boolean hasWork() {
    return truncateFrom != 0 || handedOut < lastIndex();
  }
}
