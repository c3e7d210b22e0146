package dev.bourne.kayak.core;

/** How a leader replicates to one follower. */
public enum ProgressState {
  /** Where the follower's log matches is unknown: one message at a time until it answers. */
  PROBE,
  /** The follower matches: entries are streamed, up to a window of messages in flight. */
  REPLICATE,
  /**
   * The follower needs entries the leader has compacted away: it needs a snapshot (reported in
   * {@link Ready#needSnapshot()}); nothing is sent until the host resolves it.
   */
  SNAPSHOT
}
