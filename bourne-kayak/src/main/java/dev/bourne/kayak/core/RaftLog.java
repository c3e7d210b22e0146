package dev.bourne.kayak.core;

import dev.bourne.kayak.api.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * The core's view of the log: durable entries read from {@link LogStorage} (which the core only
 * reads; the host writes it) followed by {@link Unstable} entries not yet confirmed durable. Also
 * the commit index and the index up to which committed entries were handed to the host.
 *
 * <p>The log may start after a compacted prefix ({@code storage.snapshotIndex()}): entries there
 * are unavailable and callers must cope ({@link #termAt} returns -1, {@link #entries} returns null).
 *
 * <p>Single-threaded (the core's thread). Storage is read concurrently with the host's writer,
 * which is safe because the core never reads storage at or beyond {@link Unstable#offset()}.
 */
final class RaftLog {
  private final LogStorage storage;
  private final Unstable unstable;
  private long committed;
  private long delivered;
  /** The last snapshot installed over this log ({@link #restore}), until storage catches up. */
  private long restoredIndex;
  private long restoredTerm;

  RaftLog(LogStorage storage, long recoveredCommit, long applied) {
    this.storage = storage;
    this.unstable = new Unstable(storage.lastIndex());
    long snap = storage.snapshotIndex();
    this.committed = Math.max(snap, Math.min(recoveredCommit, storage.lastIndex()));
    this.delivered = Math.max(snap, Math.min(applied, committed));
  }

  long lastIndex() {
    return unstable.lastIndex();
  }

  long lastTerm() {
    return termAt(lastIndex());
  }

  /** The first index still readable. */
  long firstIndex() {
    return Math.max(storage.firstIndex(), restoredIndex + 1);
  }

  /** Every index up to this one is durable in storage. */
  long stableIndex() {
    return unstable.offset() - 1;
  }

  long committed() {
    return committed;
  }

  long delivered() {
    return delivered;
  }

  /** The term at {@code index}: 0 at index 0 or beyond the end, -1 if compacted away. */
  long termAt(long index) {
    if (index == 0 || index > lastIndex()) {
      return 0;
    }
    if (unstable.contains(index)) {
      return unstable.get(index).term();
    }
    if (index == restoredIndex) {
      return restoredTerm;
    }
    if (index < restoredIndex || index < storage.snapshotIndex()) {
      return -1;
    }
    return storage.termAt(index);
  }

  boolean matchTerm(long index, long term) {
    long t = termAt(index);
    return t >= 0 && t == term && (index <= lastIndex());
  }

  /**
   * Entries in {@code [from, to]} up to {@code maxCount} entries / {@code maxBytes} of payload
   * (at least one), or null if {@code from} was compacted away.
   */
  List<Entry> entries(long from, long to, int maxCount, long maxBytes) {
    if (from < firstIndex()) {
      return null;
    }
    to = Math.min(Math.min(to, lastIndex()), from + maxCount - 1);
    List<Entry> out = new ArrayList<>();
    if (from > to) {
      return out;
    }
    long bytes = 0;
    long stableEnd = Math.min(to, unstable.offset() - 1);
    if (from <= stableEnd) {
      for (Entry e : storage.read(from, stableEnd, maxBytes)) {
        out.add(e);
        bytes += e.payload().length;
      }
      if (out.size() < stableEnd - from + 1) {
        return out; // storage stopped at the byte budget
      }
    }
    for (long i = Math.max(from, unstable.offset()); i <= to; i++) {
      Entry e = unstable.get(i);
      if (!out.isEmpty() && bytes + e.payload().length > maxBytes) {
        break;
      }
      out.add(e);
      bytes += e.payload().length;
    }
    return out;
  }

  /** Appends entries at the leader; the first must follow the last index. */
  void append(List<Entry> batch) {
    if (!batch.isEmpty() && batch.get(0).index() != lastIndex() + 1) {
      throw new IllegalStateException("leader append at " + batch.get(0).index() + " after " + lastIndex());
    }
    unstable.truncateAndAppend(batch);
  }

  /**
   * The index of the first entry of {@code batch} that is not already in the log (new or
   * conflicting), or 0 if every entry is present.
   */
  long findConflict(List<Entry> batch) {
    for (Entry e : batch) {
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /**
   * Writes {@code batch} from its first index, replacing any suffix there. The caller has checked
   * that the replaced entries are uncommitted.
   */
  void truncateAndAppend(List<Entry> batch) {
    if (!batch.isEmpty() && batch.get(0).index() <= committed) {
      throw new IllegalStateException("bug: truncating committed entry " + batch.get(0).index() + " <= " + committed);
    }
    unstable.truncateAndAppend(batch);
  }

  /**
   * Replaces the whole log by a snapshot ending at {@code (index, term)}: everything up to it is
   * committed and delivered (the application reloads from the snapshot), nothing after it remains.
   * Storage is reset by the host; until then the core reads nothing at or below {@code index}.
   */
  void restore(long index, long term) {
    if (index <= committed) {
      throw new IllegalStateException("bug: restoring a snapshot at " + index + " <= commit index " + committed);
    }
    unstable.restore(index);
    restoredIndex = index;
    restoredTerm = term;
    committed = index;
    delivered = index;
  }

  void commitTo(long index) {
    if (index > committed) {
      if (index > lastIndex()) {
        throw new IllegalStateException("bug: commit " + index + " beyond last index " + lastIndex());
      }
      committed = index;
    }
  }

  void stableTo(long index, long term) {
    unstable.stableTo(index, term);
  }

  long takeTruncateFrom() {
    return unstable.takeTruncateFrom();
  }

  List<Entry> takeToWrite() {
    return unstable.takeToWrite();
  }

  boolean hasWritesPending() {
    return unstable.hasWork();
  }

  boolean hasCommittedToDeliver() {
    return Math.min(committed, stableIndex()) > delivered;
  }

  /** Committed, durable entries not yet delivered, up to {@code maxBytes}; marks them delivered. */
  List<Entry> takeCommitted(long maxBytes) {
    long to = Math.min(committed, stableIndex());
    if (to <= delivered) {
      return List.of();
    }
    List<Entry> out = entries(delivered + 1, to, Integer.MAX_VALUE, maxBytes);
    if (out == null) {
      throw new IllegalStateException("bug: undelivered committed entries were compacted at " + (delivered + 1));
    }
    if (!out.isEmpty()) {
      delivered = out.get(out.size() - 1).index();
    }
    return out;
  }

  /**
   * The first index of the run of entries with the same term as {@code index}, not going below
   * {@code floor}. Terms never decrease along a log, so this is a binary search.
   */
  long firstIndexOfTerm(long index, long floor) {
    long term = termAt(index);
    long lo = Math.max(floor, firstIndex());
    long hi = index;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (termAt(mid) >= term) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * The last index at or below {@code index} (and above {@code floor}) whose term is at most
   * {@code term}, or {@code floor} if none. Binary search over non-decreasing terms.
   */
  long lastIndexWithTermAtMost(long index, long term, long floor) {
    long lo = Math.max(floor, firstIndex() - 1);
    long hi = Math.min(index, lastIndex());
    if (hi <= lo) {
      return lo;
    }
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      long t = termAt(mid);
      if (t >= 0 && t <= term) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
