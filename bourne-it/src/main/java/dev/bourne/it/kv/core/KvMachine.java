package dev.bourne.it.kv.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated key/value state machine: a sorted map of versioned values and the exactly-once
 * session table, changed only by {@link #apply} in log order. Pure and deterministic (no I/O, no
 * clock, no randomness), so that every replica that applies the same entries holds the same state,
 * and so that the simulator and the node run this very class.
 *
 * <p>Not thread-safe: the node applies and reads under its own lock.
 */
public final class KvMachine {
  /** The default bound of the session table (clients remembered). */
  public static final int DEFAULT_MAX_CLIENTS = 10_000;

  private final TreeMap<String, Versioned> data = new TreeMap<>();
  private final Sessions sessions;
  private long applied;

  /** An empty machine remembering up to {@link #DEFAULT_MAX_CLIENTS} clients. */
  public KvMachine() {
    this(DEFAULT_MAX_CLIENTS);
  }

  /**
   * An empty machine whose session table remembers up to {@code maxClients} clients.
   *
   * @throws IllegalArgumentException if {@code maxClients} is not positive
   */
  public KvMachine(int maxClients) {
    this.sessions = new Sessions(maxClients);
  }

  /** The index of the last entry applied (0 before any). */
  public long applied() {
    return applied;
  }

  /** Clients in the session table. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Keys held. */
  public int size() {
    return data.size();
  }

  /**
   * Applies the log entry at {@code index}: a command, or a payload that is not one (rejected,
   * and so a no-op on every replica). A command whose request id was already applied is not
   * applied again: its first outcome is returned.
   *
   * @throws IllegalArgumentException if {@code index} is not above {@link #applied()}
   */
  public Outcome apply(long index, byte[] payload) {
    Command command;
    try {
      command = CommandCodec.decode(payload);
    } catch (IllegalArgumentException malformed) {
      advance(index);
      return new Outcome.Rejected(malformed.getMessage());
    }
    return apply(index, command);
  }

  /** As {@link #apply(long, byte[])} for a decoded command. */
  public Outcome apply(long index, Command command) {
    advance(index);
    if (command.request().isEmpty()) {
      return execute(index, command);
    }
    long fingerprint = command.fingerprint();
    Optional<Outcome> before = sessions.seen(command.request().get(), fingerprint);
    if (before.isPresent()) {
      return before.get();
    }
    Outcome outcome = execute(index, command);
    sessions.record(command.request().get(), fingerprint, outcome);
    return outcome;
  }

  /**
   * The outcome the session table remembers for a request, if it was applied and is still
   * remembered ({@link Outcome.Expired} if too old to tell).
   */
  public Optional<Outcome> outcomeOf(RequestId id) {
    return sessions.outcomeOf(id);
  }

  /** Notes that an entry that is no command (a leader's no-op, a configuration) was applied. */
  public void skip(long index) {
    advance(index);
  }

  private void advance(long index) {
    if (index <= applied) {
      throw new IllegalArgumentException("entry " + index + " is not after the last applied " + applied);
    }
    applied = index;
  }

  private Outcome execute(long index, Command command) {
    Versioned current = data.get(command.key());
    long currentVersion = current == null ? 0 : current.version();
    if (command.expected().isPresent() && command.expected().get() != currentVersion) {
      return new Outcome.Conflict(currentVersion);
    }
    if (command instanceof Command.Put put) {
      data.put(put.key(), new Versioned(put.value(), index));
      return new Outcome.Written(index, currentVersion);
    }
    if (current == null) {
      return new Outcome.NotFound();
    }
    data.remove(command.key());
    return new Outcome.Deleted(index, currentVersion);
  }

  /** The value of {@code key}, if present. */
  public Optional<Versioned> get(String key) {
    return Optional.ofNullable(data.get(key));
  }

  /**
   * Keys starting with {@code prefix} in order, at most {@code limit} of them.
   *
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  public List<Map.Entry<String, Versioned>> list(String prefix, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    List<Map.Entry<String, Versioned>> out = new ArrayList<>();
    for (Map.Entry<String, Versioned> e : data.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix) || out.size() == limit) {
        break;
      }
      out.add(Map.entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  /**
   * The whole state as snapshot events (a header, every key, every session), copied so that the
   * machine may go on applying while the snapshot is written.
   */
  public List<byte[]> snapshot() {
    List<byte[]> events = new ArrayList<>(data.size() + sessions.size() + 1);
    events.add(CommandCodec.header(applied, data.size(), sessions.size()));
    for (Map.Entry<String, Versioned> e : data.entrySet()) {
      events.add(CommandCodec.keyRecord(e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, Sessions.Session> e : sessions.entries()) {
      events.add(CommandCodec.sessionRecord(e.getKey(), e.getValue()));
    }
    return events;
  }

  /**
   * Replaces the state with a snapshot's events, as {@link #snapshot()} wrote them.
   *
   * @throws IllegalArgumentException if the events are not a snapshot of this machine (the state
   *     is then empty)
   */
  public void restore(Iterable<byte[]> events) {
    data.clear();
    sessions.clear();
    applied = 0;
    try {
      CommandCodec.restore(events, this::restoreHeader, data::put, sessions::restore);
    } catch (RuntimeException e) {
      data.clear();
      sessions.clear();
      applied = 0;
      throw e;
    }
  }

  private void restoreHeader(long index) {
    applied = index;
  }

  /** For tests: the data as a sorted map copy. */
  NavigableMap<String, Versioned> copy() {
    return new TreeMap<>(data);
  }
}
