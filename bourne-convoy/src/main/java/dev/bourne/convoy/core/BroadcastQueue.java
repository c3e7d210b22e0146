package dev.bourne.convoy.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The dissemination queue: updates waiting to be piggybacked, each sent a limited number of times.
 * The least-sent (then newest) updates go first, so news spreads before repeats. A newer update
 * about the same thing (same {@link Update#queueKey()}) replaces the older one. The queue is bounded:
 * when full, the most-sent update is dropped. A send that failed can be handed back with
 * {@link #unsend}, so it does not count against the update's budget.
 *
 * <p>Not thread-safe; owned by the core.
 */
final class BroadcastQueue {
  private final int capacity;
  private final Map<Object, Entry> byKey = new HashMap<>();
  private final TreeSet<Entry> order =
      new TreeSet<>(Comparator.comparingInt((Entry e) -> e.transmits).thenComparing(e -> -e.id));
  private long nextId;
  private long dropped;

  /** A queued update with its send count; identity matters for {@link #unsend}. */
  static final class Entry {
    final Update update;
    final long id;
    int transmits;

    private Entry(Update update, long id, int transmits) {
      this.update = update;
      this.id = id;
      this.transmits = transmits;
    }
  }

  BroadcastQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Queues an update, replacing any older update with the same key. */
  void enqueue(Update update) {
    Entry old = byKey.remove(update.queueKey());
    if (old != null) {
      order.remove(old);
    }
    Entry e = new Entry(update, nextId++, 0);
    byKey.put(update.queueKey(), e);
    order.add(e);
    while (order.size() > capacity) {
      Entry worst = order.pollLast();
      byKey.remove(worst.update.queueKey());
      dropped++;
    }
  }

  /**
   * Takes updates for one message: least-sent first, while they fit in {@code budgetBytes}. Each
   * taken update counts one send; at {@code limit} sends it leaves the queue.
   *
   * @param taken receives the entries taken, for {@link #unsend}
   * @return the updates, in the order taken
   */
  List<Update> take(int budgetBytes, int limit, List<Entry> taken) {
    List<Update> out = new ArrayList<>();
    List<Entry> picked = new ArrayList<>();
    int used = 0;
    for (Entry e : order) {
      int size = e.update.estimatedBytes();
      if (used + size > budgetBytes) {
        continue;
      }
      used += size;
      picked.add(e);
      if (budgetBytes - used < Sizes.MEMBER_UPDATE) {
        break;
      }
    }
    for (Entry e : picked) {
      order.remove(e);
      e.transmits++;
      if (e.transmits >= limit) {
        byKey.remove(e.update.queueKey());
      } else {
        order.add(e);
      }
      out.add(e.update);
      taken.add(e);
    }
    return out;
  }

  /** Hands back entries whose message could not be sent: their sends are not counted. */
  void unsend(List<Entry> entries) {
    for (Entry e : entries) {
      Entry current = byKey.get(e.update.queueKey());
      if (current == e) {
        order.remove(e);
        e.transmits = Math.max(0, e.transmits - 1);
        order.add(e);
      } else if (current == null && e.transmits > 0) {
        // It left the queue on this very send; put it back with the send uncounted.
        e.transmits--;
        byKey.put(e.update.queueKey(), e);
        order.add(e);
      }
      // Otherwise a newer update replaced it: nothing to give back.
    }
  }

  /** The number of queued updates. */
  int size() {
    return order.size();
  }

  /** True if an update with this key is queued. */
  boolean contains(Object queueKey) {
    return byKey.containsKey(queueKey);
  }

  /** Times the queued update with this key was sent, or -1 if none is queued. */
  int transmits(Object queueKey) {
    Entry e = byKey.get(queueKey);
    return e == null ? -1 : e.transmits;
  }

  /** Updates dropped because the queue was full. */
  long dropped() {
    return dropped;
  }
}
