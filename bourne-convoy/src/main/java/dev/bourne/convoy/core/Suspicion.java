package dev.bourne.convoy.core;

import dev.bourne.common.id.NodeId;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Lifeguard suspicion timer of one suspect: it starts at a long timeout and shrinks towards a
 * least one, logarithmically, as independent members confirm the suspicion, so that a member
 * suspected by many is failed fast while a lone (perhaps slow) accuser waits long.
 *
 * <p>Not thread-safe; owned by the core.
 */
final class Suspicion {
  private final long incarnation;
  private final long startNanos;
  private final long minNanos;
  private final long maxNanos;
  private final int expected;
  private final Set<NodeId> accusers = new TreeSet<>();
  private final NodeId first;
  private long nextAnnounceNanos;

  /**
   * @param first the member whose accusation started it (not a confirmation)
   * @param expected confirmations that shrink the timeout to {@code minNanos}; 0 means use min at once
   */
  Suspicion(long incarnation, NodeId first, long startNanos, long minNanos, long maxNanos, int expected) {
    this.incarnation = incarnation;
    this.startNanos = startNanos;
    this.minNanos = minNanos;
    this.maxNanos = Math.max(minNanos, maxNanos);
    this.expected = Math.max(0, expected);
    this.first = first;
    this.nextAnnounceNanos = startNanos;
    accusers.add(first);
  }

  boolean startedBy(NodeId id) {
    return first.equals(id);
  }

  long nextAnnounceNanos() {
    return nextAnnounceNanos;
  }

  void announcedAt(long nextNanos) {
    nextAnnounceNanos = nextNanos;
  }

  long incarnation() {
    return incarnation;
  }

  /** Adds an independent accuser. @return true if it was new (and so worth passing on) */
  boolean confirm(NodeId from) {
    if (confirmations() >= expected) {
      return false;
    }
    return accusers.add(from);
  }

  /** Independent confirmations beyond the first accusation. */
  int confirmations() {
    return accusers.size() - 1;
  }

  /** When the suspect becomes failed, given the confirmations so far. */
  long deadlineNanos() {
    if (expected == 0) {
      return startNanos + minNanos;
    }
    double fraction = Math.log(confirmations() + 1.0) / Math.log(expected + 1.0);
    long timeout = (long) (maxNanos - (maxNanos - minNanos) * fraction);
    return startNanos + Math.max(minNanos, timeout);
  }
}
