package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Optional;

/** The outcome of a read-index (barrier) request made with {@link RaftCore#requestRead}. */
public sealed interface ReadResult {
  /** The id the host gave the request. */
  long requestId();

  /**
   * Leadership was confirmed by a quorum after the request arrived, and the leader had committed an
   * entry of its term: once the local application has applied {@code index}, a read of local state
   * is linearizable.
   *
   * @param requestId the request
   * @param index the read index (the leader's commit index when the request arrived)
   */
  record Confirmed(long requestId, long index) implements ReadResult {}

  /**
   * The request cannot be served here: this member is not the leader, or lost leadership before
   * confirming. The host may retry at {@code leaderHint}.
   *
   * @param requestId the request
   * @param leaderHint the leader as far as this member knows
   */
  record Aborted(long requestId, Optional<NodeId> leaderHint) implements ReadResult {}
}
