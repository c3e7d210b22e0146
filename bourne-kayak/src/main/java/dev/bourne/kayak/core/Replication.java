package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.core.Message.AppendRequest;
import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.Heartbeat;
import dev.bourne.kayak.core.Message.HeartbeatResponse;
import dev.bourne.kayak.core.Message.TimeoutNow;
import java.util.List;
import java.util.Map;

/**
 * The leader side of replication (Raft sections 5.3 and 5.4.2): per-follower probing and
 * pipelining within a window, batched appends, fast backtracking on rejection, heartbeats, and
 * advancing the commit index by counting only entries of the current term.
 */
final class Replication {
  private final RaftCore core;
  /** The commit index moved since the last flush: followers with nothing else to receive get an empty append. */
  private boolean commitDirty;

  Replication(RaftCore core) {
    this.core = core;
  }

  /** Sends whatever each follower may receive now. Called when the host takes a Ready. */
  void flush() {
    for (Map.Entry<NodeId, Progress> e : core.tracker().peers().entrySet()) {
      sendAppends(e.getKey(), e.getValue(), commitDirty);
    }
    commitDirty = false;
  }

  boolean hasWork() {
    if (commitDirty) {
      return true;
    }
    long last = core.log().lastIndex();
    for (Progress p : core.tracker().peers().values()) {
      if (!p.paused() && p.next <= last) {
        return true;
      }
    }
    return false;
  }

  /** Sends append messages to {@code to} until caught up or paused. */
  void sendAppends(NodeId to, Progress pr, boolean allowEmpty) {
    RaftLog log = core.log();
    RaftConfig cfg = core.config();
    while (!pr.paused()) {
      boolean empty = pr.next > log.lastIndex();
      if (empty && !allowEmpty) {
        return;
      }
      long prevTerm = log.termAt(pr.next - 1);
      List<Entry> entries = empty ? List.of()
          : log.entries(pr.next, log.lastIndex(), cfg.maxEntriesPerMessage(), cfg.maxBytesPerMessage());
      if (prevTerm < 0 || entries == null) {
        pr.becomeSnapshot();
        core.outbox().needSnapshot.add(to);
        return;
      }
      core.outbox().send(to, new AppendRequest(core.term(), core.self(), pr.next - 1, prevTerm, entries, log.committed()));
      allowEmpty = false;
      if (pr.state == ProgressState.PROBE) {
        pr.probeSent = true;
        return;
      }
      if (entries.isEmpty()) {
        return;
      }
      long last = entries.get(entries.size() - 1).index();
      pr.next = last + 1;
      pr.inflights.add(last);
    }
  }

  void broadcastHeartbeat() {
    long commit = core.log().committed();
    long seq = core.reads().seq();
    for (Map.Entry<NodeId, Progress> e : core.tracker().peers().entrySet()) {
      long c = Math.min(commit, e.getValue().match);
      core.outbox().send(e.getKey(), new Heartbeat(core.term(), core.self(), c, seq));
    }
  }

  void onAppendResponse(AppendResponse r) {
    Progress pr = core.tracker().get(r.from());
    if (pr == null) {
      return;
    }
    pr.recentActive = true;
    if (!r.success()) {
      onReject(pr, r);
      return;
    }
    if (r.index() > core.log().lastIndex()) {
      core.countMalformed("ack beyond the leader's log from " + r.from());
      return;
    }
    if (pr.maybeUpdate(r.index())) {
      if (pr.state != ProgressState.REPLICATE) {
        pr.becomeReplicate();
      } else {
        pr.inflights.freeTo(r.index());
      }
      maybeCommit();
      maybeSendTimeoutNow(r.from(), pr);
    } else if (pr.state == ProgressState.REPLICATE) {
      pr.inflights.freeTo(r.index());
    }
  }

  private void onReject(Progress pr, AppendResponse r) {
    switch (pr.state) {
      case REPLICATE -> {
        if (r.index() <= pr.match) {
          return; // stale
        }
      }
      case PROBE -> {
        if (r.index() != pr.next - 1) {
          return; // stale
        }
      }
      case SNAPSHOT -> {
        return;
      }
    }
    RaftLog log = core.log();
    long next = r.hintIndex();
    if (r.hintTerm() > 0) {
      // skip the follower's whole conflicting term: resume after our last entry of that term
      long j = log.lastIndexWithTermAtMost(r.index(), r.hintTerm(), pr.match);
      if (j > pr.match && log.termAt(j) == r.hintTerm()) {
        next = j + 1;
      }
    }
    next = Math.max(Math.min(next, r.index()), pr.match + 1);
    pr.becomeProbe();
    pr.next = next;
  }

  void onHeartbeatResponse(HeartbeatResponse r) {
    Progress pr = core.tracker().get(r.from());
    if (pr == null) {
      return;
    }
    pr.recentActive = true;
    if (pr.state == ProgressState.PROBE) {
      pr.probeSent = false;
    } else if (pr.state == ProgressState.REPLICATE && pr.inflights.full()) {
      pr.inflights.freeFirst();
    }
    if (pr.match < core.log().lastIndex()) {
      // an empty append finds out whether messages in flight were lost (the follower rejects)
      sendAppends(r.from(), pr, true);
    }
    if (core.tracker().membership().isVoter(r.from())) {
      core.reads().onHeartbeatResponse(r.from(), r.readSeq());
    }
  }

  /**
   * Raft section 5.4.2: commits the highest index durable on a majority, but only if that entry is
   * of the current term (earlier-term entries commit indirectly). The leader counts itself only
   * up to what its own storage reported durable.
   */
  void maybeCommit() {
    RaftLog log = core.log();
    long q = core.tracker().quorumMatch(log.stableIndex());
    if (q > log.committed() && log.termAt(q) == core.term()) {
      log.commitTo(q);
      commitDirty = true;
      core.onCommitted();
    }
  }

  void maybeSendTimeoutNow(NodeId to, Progress pr) {
    LeadershipTransfer t = core.transfer();
    if (t.active() && to.equals(t.target()) && pr.match == core.log().lastIndex()) {
      core.outbox().send(to, new TimeoutNow(core.term(), core.self()));
    }
  }
}
