package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/** Majority arithmetic over a set of voters. Stateless. */
final class Quorum {
  private Quorum() {}

  /** The result of counting votes. */
  enum VoteResult {
    WON,
    LOST,
    PENDING
  }

  /** How many voters make a majority. */
  static int majority(int voters) {
    return voters / 2 + 1;
  }

  /**
   * The highest index acknowledged by a majority of {@code voters}, given each voter's
   * acknowledged index; 0 if there are no voters.
   */
  static long committedIndex(Set<NodeId> voters, ToLongFunction<NodeId> acked) {
    if (voters.isEmpty()) {
      return 0;
    }
    long[] m = new long[voters.size()];
    int i = 0;
    for (NodeId v : voters) {
      m[i++] = acked.applyAsLong(v);
    }
    Arrays.sort(m);
    // ascending: the majority-th largest sits at n - majority
    return m[m.length - majority(m.length)];
  }

  /** Counts votes of {@code voters}; absent voters have not answered. */
  static VoteResult tally(Set<NodeId> voters, Map<NodeId, Boolean> votes) {
    int granted = 0;
    int rejected = 0;
    for (NodeId v : voters) {
      Boolean b = votes.get(v);
      if (b == null) {
        continue;
      }
      if (b) {
        granted++;
      } else {
        rejected++;
      }
    }
    int need = majority(voters.size());
    if (voters.isEmpty()) {
      return VoteResult.LOST;
    }
    if (granted >= need) {
      return VoteResult.WON;
    }
    return voters.size() - rejected >= need ? VoteResult.PENDING : VoteResult.LOST;
  }

  /** True if a majority of {@code voters} satisfy {@code ok}. */
  static boolean reached(Set<NodeId> voters, Predicate<NodeId> ok) {
    int n = 0;
    for (NodeId v : voters) {
      if (ok.test(v)) {
        n++;
      }
    }
    return !voters.isEmpty() && n >= majority(voters.size());
  }
}
