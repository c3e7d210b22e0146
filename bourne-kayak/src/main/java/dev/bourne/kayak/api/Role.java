package dev.bourne.kayak.api;

/** The Raft role of a host. */
public enum Role {
  /** Follows a leader, or waits for one; learners are always followers. */
  FOLLOWER,
  /** Campaigning (or probing with PreVote) to become leader. */
  CANDIDATE,
  /** Leads the current term: appends are served here. */
  LEADER
}
