package dev.bourne.kayak.core;

/**
 * A leader's knowledge of one follower: how far its log matches, what to send next, and how (probe
 * one message at a time, or stream within a window). Mutable; single-threaded.
 */
final class Progress {
  long match;
  long next;
  ProgressState state = ProgressState.PROBE;
  /** In PROBE: a probe is outstanding, send nothing more until an answer or a heartbeat reply. */
  boolean probeSent;
  /** Heard from within the current CheckQuorum period. */
  boolean recentActive;
  final Inflights inflights;

  Progress(long next, int maxInflight) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  void becomeProbe() {
    // from REPLICATE the follower is known to hold match: resume right after it
    state = ProgressState.PROBE;
    probeSent = false;
    inflights.reset();
  }

  void becomeReplicate() {
    state = ProgressState.REPLICATE;
    probeSent = false;
    next = match + 1;
    inflights.reset();
  }

  void becomeSnapshot() {
    state = ProgressState.SNAPSHOT;
    probeSent = false;
    inflights.reset();
  }

  /** A success for {@code index}; returns true if it raised the match. */
  boolean maybeUpdate(long index) {
    boolean updated = false;
    if (index > match) {
      match = index;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, index + 1);
    return updated;
  }

  /** True if nothing more may be sent now. */
  boolean paused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.full();
      case SNAPSHOT -> true;
    };
  }

  ProgressView view(boolean voter) {
    return new ProgressView(match, next, state, voter, recentActive, inflights.count());
  }
}
