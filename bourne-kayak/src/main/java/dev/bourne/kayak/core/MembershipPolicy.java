package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may campaign, when a leader promotes a caught-up learner, and how a leader that removed
 * itself hands over (dissertation 4.2.2 and 4.2.3).
 */
final class MembershipPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipPolicy.class);
  private final RaftCore core;

  MembershipPolicy(RaftCore core) {
    this.core = core;
  }

  /**
   * Voters campaign; learners and members that never joined do not. A member that its latest
   * configuration removes keeps campaigning until that removal is committed, because until then
   * the previous configuration may still need it (dissertation 4.2.2); afterwards it stays quiet.
   */
  boolean mayCampaign() {
    return core.tracker().selfIsVoter()
        || core.configs().committedConfig(core.log().committed()).isVoter(core.self());
  }

  /** A leader whose removal committed hands leadership to the most up-to-date voter. */
  void maybeHandOver() {
    if (core.tracker().selfIsVoter() || core.configs().currentIndex() > core.log().committed()
        || core.transfer().active()) {
      return;
    }
    NodeId best = null;
    long bestMatch = -1;
    for (NodeId v : core.tracker().membership().voters()) {
      Progress p = core.tracker().get(v);
      if (p != null && p.match > bestMatch) {
        best = v;
        bestMatch = p.match;
      }
    }
    if (best == null) {
      core.becomeFollower(core.term(), null); // no voter to hand over to has answered yet
      return;
    }
    LOG.info("{} was removed; hands leadership to {}", core.self().shortString(), best.shortString());
    core.startTransfer(best, true);
  }

  /** A leader promotes the first learner whose log is within the catch-up distance. */
  void maybePromoteLearner() {
    if (!core.config().autoPromoteLearners() || core.transfer().active() || !core.committedInTerm()
        || core.configs().currentIndex() > core.log().committed()) {
      return;
    }
    for (NodeId l : core.tracker().membership().learners()) {
      Progress p = core.tracker().get(l);
      if (p != null && p.state == ProgressState.REPLICATE
          && p.match + core.config().learnerCatchUpEntries() >= core.log().lastIndex()) {
        core.proposeChange(new MembershipChange.Promote(l));
        return;
      }
    }
  }
}
