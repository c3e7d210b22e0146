package dev.bourne.kayak.core;

import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.core.Message.AppendRequest;
import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.Heartbeat;
import dev.bourne.kayak.core.Message.InstallSnapshot;
import dev.bourne.kayak.core.Message.HeartbeatResponse;
import java.util.List;

/**
 * The follower side of replication (Raft section 5.3): the consistency check, truncation only on
 * a real conflict, commit only after the check, and rejection hints for fast backtracking.
 */
final class FollowerHandler {
  private final RaftCore core;

  FollowerHandler(RaftCore core) {
    this.core = core;
  }

  void onAppend(AppendRequest r) {
    RaftLog log = core.log();
    if (r.prevIndex() < log.committed()) {
      // everything up to our commit index matches any current leader: say so, and it resumes there
      ack(r, log.committed());
      return;
    }
    if (!log.matchTerm(r.prevIndex(), r.prevTerm())) {
      reject(r);
      return;
    }
    List<Entry> entries = r.entries();
    long conflict = log.findConflict(entries);
    if (conflict != 0) {
      List<Entry> fresh = entries.subList((int) (conflict - r.prevIndex() - 1), entries.size());
      boolean truncating = conflict <= log.lastIndex();
      log.truncateAndAppend(fresh);
      boolean changed = truncating && core.configs().truncated(conflict);
      changed |= core.configs().appended(fresh);
      if (changed) {
        core.applyMembership();
      }
    }
    long lastNew = r.prevIndex() + entries.size();
    if (log.committed() < Math.min(r.commitIndex(), lastNew)) {
      log.commitTo(Math.min(r.commitIndex(), lastNew));
      core.onCommitted();
    }
    ack(r, lastNew);
  }

  private void ack(AppendRequest r, long index) {
    core.outbox().send(r.from(), new AppendResponse(core.term(), core.self(), true, index, 0, 0));
  }

  /**
   * Installs the leader's snapshot (Raft section 7): if this log already holds its last entry,
   * everything up to it is committed and the entries after it stay; otherwise the whole log is
   * replaced by the snapshot, the host resets storage to start after it, and the configuration
   * becomes the snapshot's. Acknowledged once storage is reset.
   */
  void onInstall(InstallSnapshot m) {
    RaftLog log = core.log();
    if (m.index() <= log.committed()) {
      core.outbox().send(m.from(), new AppendResponse(core.term(), core.self(), true, log.committed(), 0, 0));
      return;
    }
    if (log.matchTerm(m.index(), m.snapshotTerm())) {
      log.commitTo(m.index());
      core.onCommitted();
      core.outbox().send(m.from(), new AppendResponse(core.term(), core.self(), true, m.index(), 0, 0));
      return;
    }
    log.restore(m.index(), m.snapshotTerm());
    core.configs().restore(m.index(), m.membership());
    core.applyMembership();
    core.outbox().installIndex = m.index();
    core.outbox().installTerm = m.snapshotTerm();
    core.outbox().afterPersist.add(new Outbound(m.from(),
        new AppendResponse(core.term(), core.self(), true, m.index(), 0, 0)));
  }

  private void reject(AppendRequest r) {
    RaftLog log = core.log();
    long hintIndex;
    long hintTerm;
    if (r.prevIndex() > log.lastIndex()) {
      hintIndex = log.lastIndex() + 1;
      hintTerm = 0;
    } else {
      hintTerm = log.termAt(r.prevIndex());
      hintIndex = log.firstIndexOfTerm(r.prevIndex(), log.committed() + 1);
    }
    core.outbox().send(r.from(), new AppendResponse(core.term(), core.self(), false, r.prevIndex(), hintIndex, hintTerm));
  }

  void onHeartbeat(Heartbeat h) {
    RaftLog log = core.log();
    long commit = Math.min(h.commitIndex(), log.lastIndex());
    if (commit > log.committed()) {
      log.commitTo(commit);
      core.onCommitted();
    }
    core.outbox().send(h.from(), new HeartbeatResponse(core.term(), core.self(), h.readSeq()));
  }
}
