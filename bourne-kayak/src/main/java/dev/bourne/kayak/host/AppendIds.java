package dev.bourne.kayak.host;

import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.Entry;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The append ids of the entries in the local log, so that a leader recognizes a retry of an append
 * whose entries it already has (committed, or appended by an earlier leader and still to commit)
 * and answers it with those entries instead of appending a second copy. Built from the log itself
 * (every member sees the same entries), so it survives leader changes and restarts.
 *
 * <p>Bounded: a session's ids below its {@code settled} mark are forgotten (no retry of them can
 * come), and at most {@link #MAX_SESSIONS} sessions are kept (the one with the oldest entry goes
 * first; a session lasts from a member's start to its stop).
 *
 * <p>Event-loop thread only.
 */
final class AppendIds {
  static final int MAX_SESSIONS = 1024;

  /** Where an id's entry is: index and term (the term outlives the entry once it is compacted). */
  record Pos(long index, long term) {}

  private static final class Session {
    final TreeMap<Long, Pos> indexBySeq = new TreeMap<>();
    long settled;
    long lastIndex;
  }

  private final Map<Long, Session> sessions = new HashMap<>();

  /** Records entries appended to the local log, in index order. */
  void appended(List<Entry> entries) {
    for (Entry e : entries) {
      AppendId id = e.id();
      if (id.isNone()) {
        continue;
      }
      Session s = sessions.computeIfAbsent(id.session(), k -> new Session());
      s.indexBySeq.put(id.seq(), new Pos(e.index(), e.term()));
      s.lastIndex = Math.max(s.lastIndex, e.index());
      if (id.settled() > s.settled) {
        s.settled = id.settled();
        s.indexBySeq.headMap(s.settled).clear();
      }
    }
    while (sessions.size() > MAX_SESSIONS) {
      evictOldest();
    }
  }

  /** The local log lost every entry from {@code index} on (a conflicting suffix). */
  void truncatedFrom(long index) {
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      Session s = it.next();
      s.indexBySeq.values().removeIf(p -> p.index() >= index);
      if (s.indexBySeq.isEmpty() && s.lastIndex >= index) {
        it.remove();
      }
    }
  }

  /** The index of the local entry with this id, or 0 if there is none. */
  long indexOf(AppendId id) {
    Pos p = find(id);
    return p == null ? 0 : p.index();
  }

  /** Where the local entry with this id is (in the log or in the snapshot), or null. */
  Pos find(AppendId id) {
    Session s = sessions.get(id.session());
    return s == null ? null : s.indexBySeq.get(id.seq());
  }

  /** True if the id's session declared it finished: nobody waits for it any more. */
  boolean settled(AppendId id) {
    Session s = sessions.get(id.session());
    return s != null && id.seq() < s.settled;
  }

  /** Ids held, over all sessions (for tests and metrics). */
  int size() {
    return sessions.values().stream().mapToInt(s -> s.indexBySeq.size()).sum();
  }

  private void evictOldest() {
    Long oldest = null;
    long min = Long.MAX_VALUE;
    for (Map.Entry<Long, Session> e : sessions.entrySet()) {
      if (e.getValue().lastIndex < min) {
        min = e.getValue().lastIndex;
        oldest = e.getKey();
      }
    }
    sessions.remove(oldest);
  }

  /**
   * The ids of entries at or below {@code maxIndex}, for a snapshot at that index: ids above it may
   * belong to entries a member installing the snapshot never gets.
   */
  byte[] export(long maxIndex) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeInt(sessions.size());
      for (Map.Entry<Long, Session> e : sessions.entrySet()) {
        Session s = e.getValue();
        Map<Long, Pos> kept = s.indexBySeq.entrySet().stream().filter(x -> x.getValue().index() <= maxIndex)
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        out.writeLong(e.getKey());
        out.writeLong(s.settled);
        out.writeLong(Math.min(s.lastIndex, maxIndex));
        out.writeInt(kept.size());
        for (Map.Entry<Long, Pos> k : kept.entrySet()) {
          out.writeLong(k.getKey());
          out.writeLong(k.getValue().index());
          out.writeLong(k.getValue().term());
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e); // in memory
    }
    return bytes.toByteArray();
  }

  /**
   * Replaces the record with one read from a snapshot ({@link #export}).
   *
   * @throws IllegalArgumentException if the bytes are malformed
   */
  void load(byte[] bytes) {
    sessions.clear();
    try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        Session s = new Session();
        long session = in.readLong();
        s.settled = in.readLong();
        s.lastIndex = in.readLong();
        int ids = in.readInt();
        for (int j = 0; j < ids; j++) {
          s.indexBySeq.put(in.readLong(), new Pos(in.readLong(), in.readLong()));
        }
        sessions.put(session, s);
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("malformed append ids in a snapshot: " + e, e);
    }
  }
}
