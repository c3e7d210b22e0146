package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The configuration in force plus, on a leader, a {@link Progress} per other member and, on a
 * candidate, the votes received. Iteration is in id order, so outputs are deterministic.
 *
 * <p>Single-threaded (the core's thread).
 */
final class ProgressTracker {
  private final NodeId self;
  private final int maxInflight;
  private Membership membership = Membership.EMPTY;
  private final TreeMap<NodeId, Progress> progress = new TreeMap<>();
  private final TreeMap<NodeId, Boolean> votes = new TreeMap<>();

  ProgressTracker(NodeId self, int maxInflight) {
    this.self = self;
    this.maxInflight = maxInflight;
  }

  Membership membership() {
    return membership;
  }

  boolean selfIsVoter() {
    return membership.isVoter(self);
  }

  /** Installs a new configuration; peers that joined start probing at {@code nextIndex}. */
  void setMembership(Membership m, long nextIndex) {
    membership = m;
    progress.keySet().removeIf(id -> !m.contains(id));
    for (NodeId id : m.all()) {
      if (!id.equals(self) && !progress.containsKey(id)) {
        progress.put(id, new Progress(nextIndex, maxInflight));
      }
    }
  }

  /** Forgets all progress, as a new leader does: every peer starts probing at {@code nextIndex}. */
  void resetProgress(long nextIndex) {
    progress.clear();
    for (NodeId id : membership.all()) {
      if (!id.equals(self)) {
        progress.put(id, new Progress(nextIndex, maxInflight));
      }
    }
  }

  /** Progress of every member but this one, in id order. */
  SortedMap<NodeId, Progress> peers() {
    return Collections.unmodifiableSortedMap(progress);
  }

  Progress get(NodeId id) {
    return progress.get(id);
  }

  /** The highest index durable on a majority of voters, this member's own durable index included. */
  long quorumMatch(long selfMatch) {
    return Quorum.committedIndex(membership.voters(), id -> {
      if (id.equals(self)) {
        return selfMatch;
      }
      Progress p = progress.get(id);
      return p == null ? 0 : p.match;
    });
  }

  /** True if a majority of voters were heard from recently (this member counts if a voter). */
  boolean quorumActive() {
    return Quorum.reached(membership.voters(), id -> {
      if (id.equals(self)) {
        return true;
      }
      Progress p = progress.get(id);
      return p != null && p.recentActive;
    });
  }

  void resetRecentActive() {
    progress.values().forEach(p -> p.recentActive = false);
  }

  void resetVotes() {
    votes.clear();
  }

  /** Records a vote (the first answer of each voter counts) and returns the tally. */
  Quorum.VoteResult recordVote(NodeId from, boolean granted) {
    votes.putIfAbsent(from, granted);
    return Quorum.tally(membership.voters(), votes);
  }

  SortedMap<NodeId, ProgressView> views() {
    TreeMap<NodeId, ProgressView> out = new TreeMap<>();
    progress.forEach((id, p) -> out.put(id, p.view(membership.isVoter(id))));
    return Collections.unmodifiableSortedMap(out);
  }
}
