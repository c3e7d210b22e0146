package dev.bourne.kayak.host;

import dev.bourne.kayak.api.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Entries this leader appended for a caller and is waiting to see committed. A proposal is done
 * when the committed entry at its last index carries its term; if another term's entry commits
 * there, or the local log is truncated under it, it was lost to a leader change.
 *
 * <p>Event-loop thread only.
 */
final class Proposals {
  /** What to do when a proposal ends. */
  interface Callback {
    /** Committed; {@code last} is the committed entry at its last index. */
    void committed(long firstIndex, Entry last);

    /** Lost to a leader change: it will never commit. */
    void lost();
  }

  private record Pending(long first, long term, Callback callback) {}

  /** Usually one per index; more when a retry waits on entries an earlier attempt appended. */
  private final TreeMap<Long, List<Pending>> byLastIndex = new TreeMap<>();

  void add(long firstIndex, long lastIndex, long term, Callback callback) {
    byLastIndex.computeIfAbsent(lastIndex, k -> new ArrayList<>(1)).add(new Pending(firstIndex, term, callback));
  }

  int size() {
    return byLastIndex.values().stream().mapToInt(List::size).sum();
  }

  /** Settles the proposals ending at these newly committed entries. */
  void committed(List<Entry> entries) {
    if (byLastIndex.isEmpty()) {
      return;
    }
    for (Entry e : entries) {
      List<Pending> ps = byLastIndex.remove(e.index());
      if (ps != null) {
        for (Pending p : ps) {
          if (p.term == e.term()) {
            p.callback.committed(p.first, e);
          } else {
            p.callback.lost();
          }
        }
      }
    }
  }

  /** The local log lost everything from {@code index}: proposals reaching there are lost. */
  void truncatedFrom(long index) {
    Map<Long, List<Pending>> gone = byLastIndex.tailMap(index, true);
    List<Pending> lost = new ArrayList<>();
    gone.values().forEach(lost::addAll);
    gone.clear();
    lost.forEach(p -> p.callback.lost());
  }

  /** Ends every proposal (the host is closing). */
  void failAll(Consumer<Callback> how) {
    List<Pending> all = new ArrayList<>();
    byLastIndex.values().forEach(all::addAll);
    byLastIndex.clear();
    all.forEach(p -> how.accept(p.callback));
  }
}
