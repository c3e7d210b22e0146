package dev.bourne.convoy.api;

/** The state of a member as one observer sees it. */
public enum MemberState {
  /** Answering probes (or not yet found otherwise). */
  ALIVE,
  /** Missed a probe round; may still refute by raising its incarnation. */
  SUSPECT,
  /** Suspicion expired unrefuted, or an operator failed it; it may rejoin with a higher incarnation. */
  FAILED,
  /** Left gracefully; may come back later with a higher incarnation. */
  LEFT,
  /** Removed permanently by an operator; this member id never returns. */
  EVICTED;

  /** True for the states that count as part of the group (probed, gossiped to, listed by {@code all()}). */
  public boolean isActive() {
    return this == ALIVE || this == SUSPECT;
  }
}
