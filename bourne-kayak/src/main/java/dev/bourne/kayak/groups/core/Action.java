package dev.bourne.kayak.groups.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.util.Objects;

/** A configuration change {@link Autopilot} asks the leader to make, with the reason for its log. */
public sealed interface Action {
  /** The member the change is about. */
  NodeId member();

  /** Why, for the log. */
  String why();

  /**
   * Add a member of the group's cluster that the configuration lacks, as a learner.
   *
   * @param member its id
   * @param address where it listens
   * @param why why now
   */
  record AddLearner(NodeId member, HostPort address, String why) implements Action {
    /** @throws NullPointerException if a component is null */
    public AddLearner {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * Promote a healthy learner to voter.
   *
   * @param member its id
   * @param why why now
   */
  record Promote(NodeId member, String why) implements Action {
    /** @throws NullPointerException if a component is null */
    public Promote {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * Remove a member that has been dead for longer than the threshold.
   *
   * @param member its id
   * @param why why now
   */
  record Remove(NodeId member, String why) implements Action {
    /** @throws NullPointerException if a component is null */
    public Remove {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(why, "why");
    }
  }
}
