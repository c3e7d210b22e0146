package dev.bourne.convoy.api;

import java.util.Objects;

/**
 * A change in a member's health in the local view.
 *
 * @param health ALIVE, SUSPECT or FAILED
 * @param member the member after the change
 */
public record HealthEvent(MemberState health, Member member) {
  /** @throws IllegalArgumentException if the health is LEFT or EVICTED (those are membership events) */
  public HealthEvent {
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(member, "member");
    if (health == MemberState.LEFT || health == MemberState.EVICTED) {
      throw new IllegalArgumentException("not a health state: " + health);
    }
  }
}
