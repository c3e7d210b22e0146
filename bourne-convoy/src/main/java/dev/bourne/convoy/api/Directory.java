package dev.bourne.convoy.api;

import dev.bourne.common.id.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The merged, eventually consistent view of every member and its store, as this member sees it.
 * Reads are of an immutable snapshot, cheap and non-blocking.
 *
 * <p>Thread-safe.
 */
public interface Directory {
  /** A test on one item of one member. */
  @FunctionalInterface
  interface ItemPredicate {
    /** @return true if the member holding {@code key = value} should be found */
    boolean test(NodeId id, String key, String value);
  }

  /** The active members (alive or suspect), self included, sorted by id. */
  List<Member> all();

  /** A member in any state it is still known in (alive, suspect, failed, left, evicted). */
  Optional<Member> get(NodeId id);

  /** Active members holding at least one live item that matches. */
  List<Member> search(ItemPredicate predicate);

  /** Active members that hold a live value for {@code key}. */
  List<Member> findByKey(String key);

  /** Active members whose {@code key} holds {@code value}. */
  List<Member> findByValue(String key, String value);

  /** The live value of {@code key} at member {@code id}, if any. */
  Optional<String> value(NodeId id, String key);

  /**
   * Evicts a member permanently: it learns it and closes, and its id never returns.
   *
   * @return false if the member is unknown, already evicted, or this member itself
   */
  boolean evict(NodeId id);

  /**
   * Declares a member failed now. A member that is in fact alive hears it and rejoins with a higher
   * incarnation.
   *
   * @return false if the member is unknown, not active, or this member itself
   */
  boolean fail(NodeId id);

  /**
   * {@link #evict} without blocking; the future completes as {@link Store#putAsync} does, and fails
   * with code {@code CLOSED} if this member is closed.
   */
  CompletableFuture<Boolean> evictAsync(NodeId id);

  /**
   * {@link #fail} without blocking; the future completes as {@link Store#putAsync} does, and fails
   * with code {@code CLOSED} if this member is closed.
   */
  CompletableFuture<Boolean> failAsync(NodeId id);

  /**
   * Subscribes to joins, leaves, evictions and reaping. Events arrive on an executor of this
   * subscription (its own thread in production), in order, through a bounded queue: a slow listener never delays gossip, it loses
   * the overflow and is told how many it missed ({@link Listener#onLagged}). Close the returned
   * handle to stop.
   *
   * @throws dev.bourne.common.error.ClosedException if the member is closed
   */
  AutoCloseable onMembership(Listener<MembershipEvent> listener);

  /**
   * Subscribes to alive / suspect / failed changes, delivered as {@link #onMembership}'s events
   * are. Close the returned handle to stop.
   *
   * @throws dev.bourne.common.error.ClosedException if the member is closed
   */
  AutoCloseable onHealth(Listener<HealthEvent> listener);
}
