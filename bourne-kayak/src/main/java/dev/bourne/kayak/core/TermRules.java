package dev.bourne.kayak.core;

import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.VoteRequest;
import dev.bourne.kayak.core.Message.VoteResponse;

/**
 * Raft's term rules (section 5.1) with the dissertation's refinements: a newer term is adopted
 * (stepping down) except where PreVote and the leader lease say otherwise; a message of an older
 * term is answered with the current term so its stale sender steps down, and is not acted on.
 */
final class TermRules {
  private final RaftCore core;

  TermRules(RaftCore core) {
    this.core = core;
  }

  /** Reconciles the message's term with ours; returns true if the message should be handled. */
  boolean reconcile(Message m) {
    if (m.term() > core.term()) {
      return onHigherTerm(m);
    }
    if (m.term() < core.term()) {
      onLowerTerm(m);
      return false;
    }
    return true;
  }

  private enum Action {
    /** Adopt the term; no leader known. */
    ADOPT,
    /** Adopt the term and follow the sender, the leader of that term. */
    FOLLOW_SENDER,
    /** Answer without adopting the term (PreVote traffic). */
    ANSWER_ONLY,
    /** Neither adopt nor answer. */
    IGNORE
  }

  /** Reconciles a higher term; returns false if the message must be ignored. */
  private boolean onHigherTerm(Message m) {
    Action action = switch (m.kind()) {
      case VOTE_REQUEST -> {
        VoteRequest r = (VoteRequest) m;
        // dissertation 4.2.3: while a leader is heard from, a candidate (a partitioned member, or a
        // removed one that missed its removal) must not depose it; only a transfer may. Tied to
        // CheckQuorum: without it a leader that lost its quorum would keep followers leased forever.
        boolean inLease = core.config().checkQuorum() && core.leader().isPresent() && core.withinElectionTimeout();
        yield inLease && !r.transfer() ? Action.IGNORE : r.preVote() ? Action.ANSWER_ONLY : Action.ADOPT;
      }
      // a granted PreVote carries the term we would campaign in, not a newer one
      case VOTE_RESPONSE -> ((VoteResponse) m).preVote() && ((VoteResponse) m).granted() ? Action.ANSWER_ONLY
          : Action.ADOPT;
      case APPEND_REQUEST, HEARTBEAT, TIMEOUT_NOW, INSTALL_SNAPSHOT -> Action.FOLLOW_SENDER;
      case APPEND_RESPONSE, HEARTBEAT_RESPONSE -> Action.ADOPT;
    };
    switch (action) {
      case ADOPT -> core.becomeFollower(m.term(), null);
      case FOLLOW_SENDER -> core.becomeFollower(m.term(), m.from());
      case ANSWER_ONLY, IGNORE -> { }
    }
    return action != Action.IGNORE;
  }

  /** Tells a stale leader or candidate about the newer term so it steps down. */
  private void onLowerTerm(Message m) {
    Message reply = switch (m.kind()) {
      case APPEND_REQUEST, HEARTBEAT, INSTALL_SNAPSHOT -> new AppendResponse(core.term(), core.self(), false, 0, 0, 0);
      case VOTE_REQUEST -> new VoteResponse(core.term(), core.self(), ((VoteRequest) m).preVote(), false);
      case VOTE_RESPONSE, APPEND_RESPONSE, HEARTBEAT_RESPONSE, TIMEOUT_NOW -> null;
    };
    if (reply != null) {
      core.outbox().send(m.from(), reply);
    }
  }
}
