package dev.bourne.kayak.api;

import java.util.Optional;

/**
 * Where automatic compaction ({@link Log#compactEvery}) gets the application's state. Called on a
 * Kayak thread, never the application's: it must return a state that stays unchanged until the
 * compaction completes (a copy, or an immutable version of it).
 */
@FunctionalInterface
public interface SnapshotSource {
  /**
   * The application's state as of an index it applied and acknowledged.
   *
   * @param index the last index the events include
   * @param events the state as events, as {@link Log#compact} takes them
   */
  record State(long index, Iterable<byte[]> events) {}

  /** The state now, or empty to skip this round. */
  Optional<State> capture();
}
