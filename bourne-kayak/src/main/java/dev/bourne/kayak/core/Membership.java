package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A cluster configuration: the voting members and the non-voting learners. Immutable; both sets
 * are sorted so that iterating them is deterministic. A node is in at most one of the two sets.
 *
 * @param voters members whose votes and acknowledgements count towards quorums
 * @param learners members that receive the log but neither vote nor count towards commit
 */
public record Membership(SortedSet<NodeId> voters, SortedSet<NodeId> learners) {
  /** No members at all: the configuration of a node that has not joined yet. */
  public static final Membership EMPTY = new Membership(new TreeSet<>(), new TreeSet<>());

  /** @throws IllegalArgumentException if a node is both a voter and a learner */
  public Membership {
    voters = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(voters, "voters")));
    learners = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(learners, "learners")));
    for (NodeId l : learners) {
      if (voters.contains(l)) {
        throw new IllegalArgumentException(l + " is both a voter and a learner");
      }
    }
  }

  /** A configuration with the single voter {@code id} (the first member of a new cluster). */
  public static Membership single(NodeId id) {
    return new Membership(new TreeSet<>(java.util.Set.of(id)), new TreeSet<>());
  }

  /** True if {@code id} is a voter or a learner. */
  public boolean contains(NodeId id) {
    return voters.contains(id) || learners.contains(id);
  }

  /** True if {@code id} is a voter. */
  public boolean isVoter(NodeId id) {
    return voters.contains(id);
  }

  /** Every member, voters and learners, in id order. */
  public SortedSet<NodeId> all() {
    TreeSet<NodeId> all = new TreeSet<>(voters);
    all.addAll(learners);
    return Collections.unmodifiableSortedSet(all);
  }

  /**
   * This configuration with {@code change} applied.
   *
   * @throws IllegalArgumentException if the change does not fit this configuration (adding a
   *     member twice, promoting a non-learner, removing a stranger, removing the last voter)
   */
  public Membership apply(MembershipChange change) {
    TreeSet<NodeId> v = new TreeSet<>(voters);
    TreeSet<NodeId> l = new TreeSet<>(learners);
    NodeId n = change.node();
    switch (change.kind()) {
      case ADD_LEARNER -> {
        if (contains(n)) {
          throw new IllegalArgumentException(n + " is already a member");
        }
        l.add(n);
      }
      case PROMOTE -> {
        if (!l.remove(n)) {
          throw new IllegalArgumentException(n + " is not a learner");
        }
        v.add(n);
      }
      case REMOVE -> {
        if (!contains(n)) {
          throw new IllegalArgumentException(n + " is not a member");
        }
        v.remove(n);
        l.remove(n);
        if (v.isEmpty()) {
          throw new IllegalArgumentException("cannot remove the last voter " + n);
        }
      }
      default -> throw new AssertionError(change);
    }
    return new Membership(v, l);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{voters=");
    voters.forEach(n -> b.append(n.shortString()).append(' '));
    b.append("learners=");
    learners.forEach(n -> b.append(n.shortString()).append(' '));
    return b.append('}').toString();
  }
}
