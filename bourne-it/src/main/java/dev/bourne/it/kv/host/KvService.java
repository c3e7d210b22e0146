package dev.bourne.it.kv.host;

import dev.bourne.it.kv.KvException;
import dev.bourne.it.kv.core.Command;
import dev.bourne.it.kv.core.KeyRouter;
import dev.bourne.it.kv.core.Limits;
import dev.bourne.it.kv.core.Outcome;
import dev.bourne.it.kv.core.RequestId;
import dev.bourne.it.kv.core.Versioned;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key/value service over the data groups: routes each key to its group ({@link KeyRouter}, in
 * the shard map's order), turns outcomes into results or {@link KvException}s, and merges prefix
 * listings from every group.
 *
 * <p>Thread-safe.
 */
public final class KvService {
  /** About the most key and value bytes one listing returns; {@link Listing#truncated()} says it stopped. */
  public static final long MAX_LISTING_BYTES = 8L << 20;

  private final List<GroupStore> groups;

  /** The service over {@code groups}, in the shard map's order. */
  public KvService(List<GroupStore> groups) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("at least one data group");
    }
    this.groups = List.copyOf(groups);
  }

  /** The data groups, in routing order. */
  public List<GroupStore> groups() {
    return groups;
  }

  /** The group that holds {@code key}. */
  public GroupStore groupOf(String key) {
    return KeyRouter.route(key, groups);
  }

  /**
   * The value of {@code key}: linearizable unless {@code stale}.
   *
   * @throws IllegalArgumentException at once if the key breaks {@link Limits}
   */
  public CompletableFuture<Optional<Versioned>> get(String key, boolean stale) {
    Limits.checkKey(key);
    return groupOf(key).read(!stale, m -> m.get(key));
  }

  /**
   * Sets {@code key}: unconditionally, or only if it is at {@code expected} (0: only if absent).
   *
   * @return the write's outcome; fails with {@link KvException} ({@code VERSION_CONFLICT},
   *     {@code REQUEST_EXPIRED}, {@code REQUEST_ID_REUSED}) or Kayak's errors
   * @throws IllegalArgumentException at once if the key or value breaks {@link Limits}
   */
  public CompletableFuture<Outcome.Written> put(String key, byte[] value, Optional<Long> expected,
      Optional<RequestId> request) {
    Command.validate(key, value, expected); // before anything is sent
    return groupOf(key).write(token -> new Command.Put(key, value, expected, token, request))
        .thenApply(o -> expect(key, expected, o, Outcome.Written.class));
  }

  /**
   * Removes {@code key}: unconditionally, or only if it is at {@code expected}.
   *
   * @return fails with {@link KvException} ({@code KEY_NOT_FOUND}, {@code VERSION_CONFLICT},
   *     {@code REQUEST_EXPIRED}, {@code REQUEST_ID_REUSED}) or Kayak's errors
   */
  public CompletableFuture<Outcome.Deleted> delete(String key, Optional<Long> expected, Optional<RequestId> request) {
    Command.validate(key, null, expected);
    return groupOf(key).write(token -> new Command.Delete(key, expected, token, request))
        .thenApply(o -> expect(key, expected, o, Outcome.Deleted.class));
  }

  private static <T extends Outcome> T expect(String key, Optional<Long> expected, Outcome o, Class<T> type) {
    if (type.isInstance(o)) {
      return type.cast(o);
    }
    if (o instanceof Outcome.Conflict c) {
      throw KvException.conflict(key, expected.orElse(-1L), c.current());
    }
    if (o instanceof Outcome.NotFound) {
      throw new KvException(KvException.KEY_NOT_FOUND, "no key '" + key + "'");
    }
    if (o instanceof Outcome.Reused) {
      throw new KvException(KvException.REQUEST_ID_REUSED,
          "this request id was already used for a different write; the first one's outcome stands");
    }
    if (o instanceof Outcome.Expired) {
      throw new KvException(KvException.REQUEST_EXPIRED,
          "the request is older than what its client's session remembers; it was not applied again");
    }
    throw new IllegalStateException("unexpected outcome " + o + " of a write to '" + key + "'");
  }

  /**
   * The keys starting with {@code prefix}, in order, at most {@code limit} and about {@link
   * #MAX_LISTING_BYTES}: from every data group, each read linearizably unless {@code stale}.
   */
  public CompletableFuture<Listing> list(String prefix, int limit, boolean stale) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1 to 10000, got " + limit);
    }
    List<CompletableFuture<List<Map.Entry<String, Versioned>>>> parts = new ArrayList<>();
    for (GroupStore g : groups) {
      parts.add(g.read(!stale, m -> m.list(prefix, limit + 1)));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<Map.Entry<String, Versioned>> all = new ArrayList<>();
      parts.forEach(p -> all.addAll(p.join()));
      all.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
      // Cut at the limit, and at a byte budget so that one listing cannot exhaust the heap.
      List<Map.Entry<String, Versioned>> out = new ArrayList<>();
      long bytes = 0;
      for (Map.Entry<String, Versioned> e : all) {
        bytes += e.getKey().length() + e.getValue().value().length;
        if (out.size() == limit || (bytes > MAX_LISTING_BYTES && !out.isEmpty())) {
          return new Listing(List.copyOf(out), true);
        }
        out.add(e);
      }
      return new Listing(List.copyOf(out), false);
    });
  }

  /**
   * A prefix listing.
   *
   * @param items the keys in order with their values
   * @param truncated whether more keys match than the limit
   */
  public record Listing(List<Map.Entry<String, Versioned>> items, boolean truncated) {}
}
