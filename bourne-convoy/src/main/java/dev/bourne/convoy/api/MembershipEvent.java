package dev.bourne.convoy.api;

import java.util.Objects;

/**
 * A change in who belongs to the group.
 *
 * @param kind what happened
 * @param member the member as it was after the change
 */
public record MembershipEvent(Kind kind, Member member) {
  /** What happened to the member. */
  public enum Kind {
    /** It joined, or rejoined after a failure or leave. */
    JOINED,
    /** It left gracefully. */
    LEFT,
    /** It was evicted permanently. */
    EVICTED,
    /** Its record was forgotten: failed or left long enough ago, or replaced at its address. */
    REAPED
  }

  /** Checks for nulls. */
  public MembershipEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(member, "member");
  }
}
