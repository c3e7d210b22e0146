package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link RaftCore#propose}, {@link RaftCore#proposeChange} and {@link RaftCore#transferLeadership}. */
public sealed interface ProposeResult {
  /**
   * Accepted: the entries were appended to the leader's log at {@code [firstIndex, lastIndex]} in
   * {@code term} (empty range for a transfer). They are committed when a committed entry at
   * {@code lastIndex} has this term; if the committed entry there has another term, they were lost
   * to a leader change and the caller may retry.
   *
   * @param firstIndex index of the first new entry
   * @param lastIndex index of the last new entry
   * @param term the leader's term
   */
  record Accepted(long firstIndex, long lastIndex, long term) implements ProposeResult {}

  /**
   * Refused; nothing changed.
   *
   * @param reason why
   * @param leaderHint where to retry, if known
   * @param detail a human-readable explanation
   */
  record Rejected(Reason reason, Optional<NodeId> leaderHint, String detail) implements ProposeResult {
    /** @throws NullPointerException if a reference component is null */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(leaderHint, "leaderHint");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a request was refused. */
  enum Reason {
    /** This member is not the leader (see the hint), or is a leader that removed itself. */
    NOT_LEADER,
    /** The leader is handing leadership over and accepts nothing meanwhile. */
    TRANSFER_IN_PROGRESS,
    /**
     * A membership change is still uncommitted, or the new leader has not yet committed an entry
     * of its term: one change at a time.
     */
    CHANGE_IN_PROGRESS,
    /** The change does not fit the configuration (e.g. adding an existing member). */
    INVALID
  }
}
