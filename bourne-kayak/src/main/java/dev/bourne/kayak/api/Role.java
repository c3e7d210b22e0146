package dev.bourne.kayak.api;

/**
 * The Raft role of a member. The core and the public API share this one type, so a role reported
 * by {@link KayakHost#role()} is exactly the state the protocol is in.
 */
public enum Role {
  /** Follows a leader, or waits for one; learners are always followers. */
  FOLLOWER,
  /** Probing with PreVote whether an election could be won, without raising the term. */
  PRE_CANDIDATE,
  /** Campaigning in a new term. */
  CANDIDATE,
  /** Leads the current term: appends are served here. */
  LEADER
}
