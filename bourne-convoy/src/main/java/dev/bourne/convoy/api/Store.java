package dev.bourne.convoy.api;

import java.util.concurrent.CompletableFuture;

/**
 * One member's key/value store, replicated to every member. Writes are conditional on the key's
 * current version (optimistic locking): an absent key is version 0, a deleted key keeps a tombstone
 * whose version the next write must name. Keys with the prefix {@code convoy:} are reserved.
 *
 * <p>For the local member's own store, reads and writes are immediate. For another member's store
 * ({@link ConvoyHost#storeOf}), reads return what the local directory currently knows (eventually
 * consistent), and writes travel to the owner, which applies the same version check and
 * disseminates the change; the caller gets the owner's answer.
 *
 * <p>Thread-safe. Reads never block. The blocking writes wait for the member's event loop (and, for
 * another member's store, for the owner's answer, bounded by the request timeout); they may be
 * called from a listener, which has its own thread.
 */
public interface Store {
  /** The item of {@code key} ({@link Item#ABSENT} if never written). */
  Item get(String key);

  /**
   * Writes {@code value} if the key's current version is {@code expectedVersion}.
   *
   * @return ok with the new item, or not ok with the current item when the version did not match
   * @throws ConvoyException code {@code BAD_REQUEST} for an empty key, {@code RESERVED_KEY} or
   *     {@code TOO_LARGE} for other bad input (nothing changes); {@code UNREACHABLE} or {@code TIMEOUT} if the owner cannot be reached (for a
   *     timeout the write may or may not have been applied: read the version again);
   *     {@code CLOSED} if the host is closed or has left the group
   * @throws NullPointerException if the key or value is null
   */
  StoreResult put(String key, String value, long expectedVersion);

  /** Deletes {@code key} (leaving a tombstone) if its version is {@code expectedVersion}. Errors as {@link #put}. */
  StoreResult delete(String key, long expectedVersion);

  /**
   * {@link #put} without blocking: the future fails with the exceptions {@code put} throws. It
   * completes on the member's callback executor (in production, {@link
   * java.util.concurrent.ForkJoinPool#commonPool()}), never on the member's event loop or a
   * transport thread, so dependent stages cannot stall the protocol.
   */
  CompletableFuture<StoreResult> putAsync(String key, String value, long expectedVersion);

  /** {@link #delete} without blocking, completing as {@link #putAsync} does. */
  CompletableFuture<StoreResult> deleteAsync(String key, long expectedVersion);
}
