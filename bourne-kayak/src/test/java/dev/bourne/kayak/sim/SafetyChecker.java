package dev.bourne.kayak.sim;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the safety properties of Raft (paper, Figure 3) incrementally, from what members report:
 *
 * <ul>
 *   <li><b>Election Safety</b>: at most one leader per term.
 *   <li><b>Log Matching</b>: entries written anywhere with the same index and term hold the same
 *       content and follow an entry of the same term, so (by induction) the logs are identical up
 *       to there.
 *   <li><b>Leader Completeness</b>: a new leader's log holds every entry known committed.
 *   <li><b>State Machine Safety</b>: no two members apply different entries at one index, and each
 *       applies in order without gaps.
 * </ul>
 *
 * Single-threaded. Every check throws {@link SafetyViolation} on failure.
 */
public final class SafetyChecker {
  private record Written(long prevTerm, int kind, int payloadHash, int length) {}

  private record LogKey(long index, long term) {}

  private final Map<Long, NodeId> leaders = new HashMap<>();
  private final Map<LogKey, Written> written = new HashMap<>();
  private final Map<Long, Long> committedTerms = new HashMap<>();
  private long maxCommitted;
  private final Map<Long, Entry> applied = new HashMap<>();
  /** Where each append id committed: a second index is an append that committed twice. */
  private final Map<dev.bourne.kayak.api.AppendId, Long> committedIds = new HashMap<>();
  private long checks;

  /** A member is leader in {@code term}. */
  public void leader(NodeId id, long term) {
    checks++;
    NodeId prev = leaders.putIfAbsent(term, id);
    if (prev != null && !prev.equals(id)) {
      throw new SafetyViolation("Election Safety: term " + term + " has two leaders " + prev + " and " + id);
    }
  }

  /**
   * A member wrote {@code e} to its log, after an entry of term {@code prevTerm} (-1 if that entry
   * was compacted into a snapshot: then only the entry itself is compared).
   */
  public void written(NodeId id, Entry e, long prevTerm) {
    checks++;
    Written w = new Written(prevTerm, e.kind().ordinal(), Arrays.hashCode(e.payload()), e.payload().length);
    LogKey key = new LogKey(e.index(), e.term());
    Written prev = written.get(key);
    if (prev == null || prev.prevTerm() < 0 && prevTerm >= 0) {
      written.put(key, w);
    }
    boolean differs = prev != null && (prev.kind() != w.kind() || prev.payloadHash() != w.payloadHash()
        || prev.length() != w.length() || prev.prevTerm() >= 0 && prevTerm >= 0 && prev.prevTerm() != prevTerm);
    if (differs) {
      throw new SafetyViolation("Log Matching: " + id + " wrote " + e + " after term " + prevTerm
          + " but another member holds a different entry " + prev + " at the same index and term");
    }
  }

  /** A member's log has the entry of {@code term} at {@code index} and considers it committed. */
  public void committed(NodeId id, long index, long term) {
    checks++;
    Long prev = committedTerms.putIfAbsent(index, term);
    if (prev != null && prev != term) {
      throw new SafetyViolation("State Machine Safety: index " + index + " committed with term " + prev + " and, at "
          + id + ", term " + term);
    }
    maxCommitted = Math.max(maxCommitted, index);
  }

  /** The highest index any member considered committed. */
  public long maxCommitted() {
    return maxCommitted;
  }

  /**
   * A member became leader; {@code termAt} gives its log. Every entry known committed must be in
   * it.
   */
  public void newLeader(NodeId id, long term, java.util.function.LongUnaryOperator termAt, long lastIndex) {
    leader(id, term);
    for (Map.Entry<Long, Long> c : committedTerms.entrySet()) {
      long idx = c.getKey();
      long t = idx <= lastIndex ? termAt.applyAsLong(idx) : 0;
      checks++;
      if (t >= 0 && t != c.getValue()) {
        throw new SafetyViolation("Leader Completeness: leader " + id + " of term " + term + " has term " + t
            + " at committed index " + idx + " (committed term " + c.getValue() + ")");
      }
    }
  }

  /**
   * A member's state machine applied {@code entries}, following {@code lastApplied}.
   *
   * @return the new last applied index
   */
  public long applied(NodeId id, long lastApplied, List<Entry> entries) {
    for (Entry e : entries) {
      checks++;
      if (e.index() != lastApplied + 1) {
        throw new SafetyViolation(id + " applied " + e + " after " + lastApplied + ": gap or reordering");
      }
      lastApplied = e.index();
      Entry prev = applied.putIfAbsent(e.index(), e);
      if (prev != null && !prev.equals(e)) {
        throw new SafetyViolation("State Machine Safety: " + id + " applied " + e + " where another member applied "
            + prev);
      }
      if (!e.id().isNone()) {
        Long first = committedIds.putIfAbsent(e.id(), e.index());
        if (first != null && first != e.index()) {
          throw new SafetyViolation("Exactly once: append " + e.id() + " committed at " + first + " and again at "
              + e.index());
        }
      }
      committed(id, e.index(), e.term());
    }
    return lastApplied;
  }

  /** The entry applied at {@code index} by any member, or null. */
  public Entry appliedAt(long index) {
    return applied.get(index);
  }

  /** How many individual checks passed. */
  public long checks() {
    return checks;
  }

  @Override
  public String toString() {
    return "SafetyChecker[" + checks + " checks, " + leaders.size() + " terms with leaders, committed up to "
        + maxCommitted + "]";
  }

  static boolean same(Entry a, Entry b) {
    return Objects.equals(a, b);
  }
}
