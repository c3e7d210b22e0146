package dev.bourne.kayak.core;

/** The role of a Raft member. */
public enum Role {
  /** Follows a leader (or waits for one). Non-voting members are always followers. */
  FOLLOWER,
  /** Probing with PreVote whether an election could be won, without changing term. */
  PRE_CANDIDATE,
  /** Campaigning in a new term. */
  CANDIDATE,
  /** Leads the current term. */
  LEADER
}
