package dev.bourne.convoy.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every member this one knows, itself included, with their states and store items, sorted by id
 * (so iteration order never depends on hashing). Holds the item merge rules; the membership rules
 * live in {@link SwimCore}, which owns this table.
 *
 * <p>Not thread-safe; owned by the core.
 */
final class MemberTable {
  /** Keys with this prefix are reserved for Convoy and refused from users and from gossip. */
  static final String RESERVED_PREFIX = "convoy:";
  /** Incarnations and versions above this are absurd (hostile or corrupt) and dropped. */
  static final long MAX_COUNTER = 1L << 48;

  private final TreeMap<NodeId, Entry> entries = new TreeMap<>();
  private final ProtocolConfig config;

  /** One member's record. */
  static final class Entry {
    final NodeId id;
    HostPort address;
    long incarnation;
    long generation;
    MemberState state;
    long sinceNanos;
    final TreeMap<String, Item> items = new TreeMap<>();
    int itemBytes;

    Entry(NodeId id, HostPort address, long incarnation, long generation, MemberState state, long sinceNanos) {
      this.id = id;
      this.address = address;
      this.incarnation = incarnation;
      this.generation = generation;
      this.state = state;
      this.sinceNanos = sinceNanos;
    }

    Member view() {
      TreeMap<String, String> values = new TreeMap<>();
      for (Map.Entry<String, Item> e : items.entrySet()) {
        if (e.getValue().exists()) {
          values.put(e.getKey(), e.getValue().value());
        }
      }
      return new Member(id, address, incarnation, state, values);
    }

    Item item(String key) {
      return items.getOrDefault(key, Item.ABSENT);
    }

    void putItem(String key, Item item) {
      Item old = items.put(key, item);
      itemBytes += itemSize(key, item) - (old == null ? 0 : itemSize(key, old));
    }

    void clearItems() {
      items.clear();
      itemBytes = 0;
    }

    Message.MemberRecord record() {
      return new Message.MemberRecord(id, address, incarnation, generation, state);
    }
  }

  MemberTable(ProtocolConfig config) {
    this.config = config;
  }

  static int itemSize(String key, Item item) {
    return Sizes.utf8(key) + Sizes.utf8(item.value()) + 16;
  }

  Entry get(NodeId id) {
    return entries.get(id);
  }

  Collection<Entry> all() {
    return entries.values();
  }

  int size() {
    return entries.size();
  }

  boolean isFull() {
    return entries.size() >= config.maxMembers();
  }

  void add(Entry e) {
    entries.put(e.id, e);
  }

  void remove(NodeId id) {
    entries.remove(id);
  }

  /** Members alive or suspect, self included. */
  int activeCount() {
    int n = 0;
    for (Entry e : entries.values()) {
      if (e.state.isActive()) {
        n++;
      }
    }
    return n;
  }

  /** Other entries at {@code address}, in id order. */
  List<Entry> atAddress(HostPort address, NodeId except) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!e.id.equals(except) && e.address.equals(address)) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Why a key or value is not acceptable, or null if it is. Applies to users' writes and to gossip
   * alike.
   */
  String checkItem(String key, Item item) {
    if (key.isEmpty()) {
      return "key is empty";
    }
    if (key.startsWith(RESERVED_PREFIX)) {
      return "key '" + key + "' is reserved (prefix '" + RESERVED_PREFIX + "')";
    }
    int kb = Sizes.utf8(key);
    if (kb > config.maxKeyBytes()) {
      return "key of " + kb + " bytes exceeds maxKeyBytes " + config.maxKeyBytes();
    }
    int vb = Sizes.utf8(item.value());
    if (vb > config.maxValueBytes()) {
      return "value of " + vb + " bytes for key '" + key + "' exceeds maxValueBytes " + config.maxValueBytes();
    }
    if (item.version() > MAX_COUNTER) {
      return "version " + item.version() + " is absurd";
    }
    return null;
  }

  /** Outcome of merging one gossiped item. */
  enum Merge { APPLIED, STALE, REJECTED }

  /**
   * Merges an item of another member: higher version wins, a delete wins a tie, items of an older
   * generation than the owner's are hidden, and the owner's total stays within its limit.
   */
  Merge mergeItem(Update.ItemUpdate u) {
    Entry e = entries.get(u.owner());
    if (e == null || e.state == MemberState.EVICTED) {
      return Merge.STALE;
    }
    if (checkItem(u.key(), u.item()) != null || u.item().version() == 0 || u.generation() < 0) {
      return Merge.REJECTED;
    }
    if (u.generation() < e.generation || u.generation() > e.incarnation) {
      // Older life: hidden. A life we have not seen yet: wait for its Alive (push-pull repairs).
      return Merge.STALE;
    }
    Item cur = e.items.get(u.key());
    if (cur != null) {
      if (u.item().version() < cur.version()) {
        return Merge.STALE;
      }
      if (u.item().version() == cur.version() && (cur.deleted() || !u.item().deleted())) {
        return Merge.STALE;
      }
    }
    int after = e.itemBytes - (cur == null ? 0 : itemSize(u.key(), cur)) + itemSize(u.key(), u.item());
    if (after > config.maxMemberBytes()) {
      return Merge.REJECTED;
    }
    e.putItem(u.key(), u.item());
    return Merge.APPLIED;
  }
}
