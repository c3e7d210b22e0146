package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Objects;

/**
 * One single-server membership change. Changes are applied one at a time: the leader refuses a new
 * one while the previous CONFIG entry is uncommitted.
 */
public sealed interface MembershipChange {
  /** The member the change is about. */
  NodeId node();

  /** Which change this is, for {@code switch}. */
  Kind kind();

  /** The kinds of change, one per record type. */
  enum Kind {
    /** {@link AddLearner}. */
    ADD_LEARNER,
    /** {@link Promote}. */
    PROMOTE,
    /** {@link Remove}. */
    REMOVE
  }

  /**
   * Adds a non-voting learner; it receives the log and is promoted once caught up.
   *
   * @param node the new member
   */
  record AddLearner(NodeId node) implements MembershipChange {
    @Override
    public Kind kind() {
      return Kind.ADD_LEARNER;
    }

    /** @throws NullPointerException if a reference component is null */
    public AddLearner {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * Turns a learner into a voter.
   *
   * @param node the learner
   */
  record Promote(NodeId node) implements MembershipChange {
    @Override
    public Kind kind() {
      return Kind.PROMOTE;
    }

    /** @throws NullPointerException if a reference component is null */
    public Promote {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * Removes a voter or a learner (possibly the leader itself, which then hands leadership over
   * once the change commits).
   *
   * @param node the member to remove
   */
  record Remove(NodeId node) implements MembershipChange {
    @Override
    public Kind kind() {
      return Kind.REMOVE;
    }

    /** @throws NullPointerException if a reference component is null */
    public Remove {
      Objects.requireNonNull(node, "node");
    }
  }
}
