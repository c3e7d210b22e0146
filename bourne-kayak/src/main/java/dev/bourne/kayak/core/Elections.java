package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.Message.TimeoutNow;
import dev.bourne.kayak.core.Message.VoteRequest;
import dev.bourne.kayak.core.Message.VoteResponse;

/**
 * Leader election (Raft section 5.2) with PreVote (dissertation 9.6): campaigning, granting votes
 * with the up-to-date check of section 5.4.1, counting answers, and TimeoutNow for transfers.
 */
final class Elections {
  private final RaftCore core;

  Elections(RaftCore core) {
    this.core = core;
  }

  /**
   * Starts a campaign: a PreVote round first if {@code pre}, else a real one, if this member may
   * campaign at all ({@link RaftCore#mayCampaign()}). Votes count by the latest configuration.
   */
  void campaign(boolean pre, boolean transfer) {
    if (!core.mayCampaign()) {
      return;
    }
    long voteTerm;
    if (pre) {
      core.becomePreCandidate();
      voteTerm = core.term() + 1;
    } else {
      core.becomeCandidate();
      voteTerm = core.term();
    }
    if (core.tracker().recordVote(core.self(), true) == Quorum.VoteResult.WON) {
      won(pre, transfer);
      return;
    }
    RaftLog log = core.log();
    for (NodeId v : core.tracker().membership().voters()) {
      if (!v.equals(core.self())) {
        core.outbox().send(v, new VoteRequest(voteTerm, core.self(), log.lastIndex(), log.lastTerm(), pre, transfer));
      }
    }
  }

  private void won(boolean pre, boolean transfer) {
    if (pre) {
      campaign(false, transfer);
    } else {
      core.becomeLeader();
    }
  }

  /** Called with the request's term already reconciled (equal to ours, or higher for a PreVote). */
  void onVoteRequest(VoteRequest r) {
    RaftLog log = core.log();
    NodeId votedFor = core.votedFor();
    boolean canVote = r.from().equals(votedFor)
        || (votedFor == null && core.leader().isEmpty())
        || (r.preVote() && r.term() > core.term());
    if (canVote && isUpToDate(r.lastTerm(), r.lastIndex(), log.lastTerm(), log.lastIndex())) {
      core.outbox().send(r.from(), new VoteResponse(r.term(), core.self(), r.preVote(), true));
      if (!r.preVote()) {
        core.grantVote(r.from());
      }
    } else {
      core.outbox().send(r.from(), new VoteResponse(core.term(), core.self(), r.preVote(), false));
    }
  }

  /**
   * Raft section 5.4.1: a candidate's log is at least as up to date as ours if its last term is
   * higher, or equal with a last index at least ours. The term is compared first.
   */
  static boolean isUpToDate(long candLastTerm, long candLastIndex, long ourLastTerm, long ourLastIndex) {
    return candLastTerm > ourLastTerm || (candLastTerm == ourLastTerm && candLastIndex >= ourLastIndex);
  }

  void onVoteResponse(VoteResponse r) {
    boolean pre = core.role() == Role.PRE_CANDIDATE;
    if (!(pre && r.preVote()) && !(core.role() == Role.CANDIDATE && !r.preVote())) {
      return; // an answer to a campaign that is over
    }
    if (pre && r.granted() && r.term() != core.term() + 1) {
      return;
    }
    switch (core.tracker().recordVote(r.from(), r.granted())) {
      case WON -> won(pre, false);
      case LOST -> core.becomeFollower(core.term(), null);
      case PENDING -> { }
    }
  }

  void onTimeoutNow(TimeoutNow t) {
    if (core.role() != Role.LEADER) {
      campaign(false, true);
    }
  }
}
