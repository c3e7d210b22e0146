package dev.bourne.it.kv.core;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The exactly-once table: for each client, the outcomes of its latest {@link #WINDOW} requests and
 * the highest sequence number forgotten. Bounded: at most {@code maxClients} clients, the one that
 * wrote least recently forgotten first. Every decision depends only on the applied commands, so
 * every replica holds the same table; it travels in snapshots in its eviction order.
 *
 * <p>Not thread-safe: owned by {@link KvMachine}.
 */
final class Sessions {
  /** Requests remembered per client: how many a client may have in flight and still retry safely. */
  static final int WINDOW = 256;

  private final int maxClients;
  // Insertion order is eviction order: a client that writes moves to the end.
  private final LinkedHashMap<String, Session> clients = new LinkedHashMap<>();

  Sessions(int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be >= 1, got " + maxClients);
    }
    this.maxClients = maxClients;
  }

  /** One remembered request: what it did (its fingerprint) and its outcome. */
  record Done(long fingerprint, Outcome outcome) {}

  /** One client's remembered requests. */
  static final class Session {
    long forgotten; // every seq at or below it may have applied and is no longer remembered
    final TreeMap<Long, Done> recent = new TreeMap<>();
  }

  /**
   * What a request already did: its first outcome if {@code fingerprint} matches, {@link
   * Outcome.Reused} if the id did something else, {@link Outcome.Expired} if it is too old to
   * know; empty for a new request.
   */
  Optional<Outcome> seen(RequestId id, long fingerprint) {
    return remembered(id, d -> d.fingerprint() == fingerprint ? d.outcome() : new Outcome.Reused());
  }

  /** The outcome a request had, whatever it did, if remembered ({@link Outcome.Expired} if too old). */
  Optional<Outcome> outcomeOf(RequestId id) {
    return remembered(id, Done::outcome);
  }

  private Optional<Outcome> remembered(RequestId id, java.util.function.Function<Done, Outcome> known) {
    Session s = clients.get(id.client());
    if (s == null) {
      return Optional.empty();
    }
    Done d = s.recent.get(id.seq());
    if (d != null) {
      return Optional.of(known.apply(d));
    }
    return id.seq() <= s.forgotten ? Optional.of(new Outcome.Expired()) : Optional.empty();
  }

  /** Remembers the outcome of a request applied for the first time. */
  void record(RequestId id, long fingerprint, Outcome outcome) {
    Session s = clients.remove(id.client());
    if (s == null) {
      s = new Session();
    }
    clients.put(id.client(), s);
    s.recent.put(id.seq(), new Done(fingerprint, outcome));
    while (s.recent.size() > WINDOW) {
      s.forgotten = Math.max(s.forgotten, s.recent.pollFirstEntry().getKey());
    }
    Iterator<Map.Entry<String, Session>> eldest = clients.entrySet().iterator();
    while (clients.size() > maxClients) {
      eldest.next();
      eldest.remove();
    }
  }

  int size() {
    return clients.size();
  }

  /** The table in eviction order (eldest first), for snapshots. */
  Iterable<Map.Entry<String, Session>> entries() {
    return clients.entrySet();
  }

  /** Adds a client read from a snapshot, in the order the snapshot lists them. */
  void restore(String client, Session session) {
    clients.put(client, session);
  }

  void clear() {
    clients.clear();
  }
}
