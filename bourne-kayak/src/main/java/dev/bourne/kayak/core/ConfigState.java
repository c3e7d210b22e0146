package dev.bourne.kayak.core;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The effective configuration: the latest CONFIG entry in the log, committed or not (a
 * configuration takes effect when appended). Remembers every CONFIG entry above the commit index
 * plus the latest one at or below it, so a truncation can roll the configuration back.
 *
 * <p>Single-threaded (the core's thread).
 */
final class ConfigState {
  private final TreeMap<Long, Membership> byIndex = new TreeMap<>();

  /**
   * Recovers from a log: scans backwards from the last index for CONFIG entries until one at or
   * below the commit index is found (or the log's first index is reached).
   */
  static ConfigState recover(RaftLog log) {
    return recover(log, Membership.EMPTY);
  }

  /**
   * As {@link #recover(RaftLog)}; if no CONFIG entry at or below the commit index is left in the log
   * (it was compacted), {@code compacted} (the configuration a snapshot recorded) is the one before
   * the log's first index.
   */
  static ConfigState recover(RaftLog log, Membership compacted) {
    ConfigState s = new ConfigState();
    long hi = log.lastIndex();
    long lo = log.firstIndex();
    final int chunk = 256;
    while (hi >= lo) {
      long from = Math.max(lo, hi - chunk + 1);
      List<Entry> batch = log.entries(from, hi, chunk, Long.MAX_VALUE);
      boolean done = false;
      for (int i = batch.size() - 1; i >= 0; i--) {
        Entry e = batch.get(i);
        if (e.kind() == EntryKind.CONFIG) {
          s.byIndex.put(e.index(), MembershipCodec.decode(e.payload()));
          if (e.index() <= log.committed()) {
            done = true;
            break;
          }
        }
      }
      if (done) {
        return s;
      }
      hi = from - 1;
    }
    if (!compacted.equals(Membership.EMPTY)) {
      s.byIndex.put(log.firstIndex() - 1, compacted);
    }
    return s;
  }

  /** The log was replaced by a snapshot ending at {@code index} with {@code membership}. */
  void restore(long index, Membership membership) {
    byIndex.clear();
    byIndex.put(index, membership);
  }

  /** The effective configuration ({@link Membership#EMPTY} before any CONFIG entry). */
  Membership current() {
    Map.Entry<Long, Membership> last = byIndex.lastEntry();
    return last == null ? Membership.EMPTY : last.getValue();
  }

  /** The configuration of the latest CONFIG entry at or below {@code commitIndex}. */
  Membership committedConfig(long commitIndex) {
    Map.Entry<Long, Membership> e = byIndex.floorEntry(commitIndex);
    return e == null ? Membership.EMPTY : e.getValue();
  }

  /** The index of the latest CONFIG entry, 0 if none. */
  long currentIndex() {
    return byIndex.isEmpty() ? 0 : byIndex.lastKey();
  }

  /** Records appended entries; returns true if the configuration changed. */
  boolean appended(List<Entry> entries) {
    boolean changed = false;
    for (Entry e : entries) {
      if (e.kind() == EntryKind.CONFIG) {
        byIndex.put(e.index(), MembershipCodec.decode(e.payload()));
        changed = true;
      }
    }
    return changed;
  }

  /** Forgets CONFIG entries at or after {@code fromIndex}; returns true if the configuration changed. */
  boolean truncated(long fromIndex) {
    Map<Long, Membership> tail = byIndex.tailMap(fromIndex, true);
    boolean changed = !tail.isEmpty();
    tail.clear();
    return changed;
  }

  /** Drops history that can no longer be rolled back to. */
  void committed(long commitIndex) {
    Long base = byIndex.floorKey(commitIndex);
    if (base != null) {
      byIndex.headMap(base, false).clear();
    }
  }
}
