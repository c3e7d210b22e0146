package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Optional;

/**
 * What a Raft member must remember across crashes besides its log.
 *
 * @param term the latest term seen
 * @param votedFor the candidate voted for in {@code term}, if any
 * @param commitIndex a commit index known durable-safe to recover from (an optimisation; 0 is
 *     always safe)
 */
public record HardState(long term, Optional<NodeId> votedFor, long commitIndex) {
  /** A member that has never voted. */
  public static final HardState INITIAL = new HardState(0, Optional.empty(), 0);

  /** @throws IllegalArgumentException if term or commitIndex is negative */
  public HardState {
    if (term < 0 || commitIndex < 0) {
      throw new IllegalArgumentException("term and commitIndex must be >= 0: " + term + ", " + commitIndex);
    }
    java.util.Objects.requireNonNull(votedFor, "votedFor");
  }
}
