package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Read-index (barrier) requests on a leader. A request gets the commit index at the time it is
 * served and is confirmed once a quorum of voters answered a heartbeat sent after it (so no newer
 * leader existed then). A new leader first commits an entry of its own term: until then its
 * commit index may lag what earlier leaders committed, so requests wait.
 */
final class ReadIndex {
  private record Pending(long id, long index, long seq, TreeSet<NodeId> acks) {}

  private final RaftCore core;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final List<Long> deferred = new ArrayList<>();
  private long seq;
  private boolean roundNeeded;

  ReadIndex(RaftCore core) {
    this.core = core;
  }

  /** The latest round number, carried by every heartbeat. */
  long seq() {
    return seq;
  }

  boolean roundNeeded() {
    return roundNeeded;
  }

  /** True once if a new round needs a heartbeat broadcast; resets. */
  boolean takeRoundNeeded() {
    boolean r = roundNeeded;
    roundNeeded = false;
    return r;
  }

  void request(long id) {
    if (core.role() != Role.LEADER) {
      core.outbox().reads.add(new ReadResult.Aborted(id, core.leader()));
    } else if (!core.committedInTerm()) {
      deferred.add(id);
    } else {
      start(id);
    }
  }

  private void start(long id) {
    seq++;
    TreeSet<NodeId> acks = new TreeSet<>();
    acks.add(core.self());
    pending.add(new Pending(id, core.log().committed(), seq, acks));
    roundNeeded = true;
    release();
  }

  void onHeartbeatResponse(NodeId from, long ackSeq) {
    for (Pending p : pending) {
      if (p.seq() <= ackSeq) {
        p.acks().add(from);
      }
    }
    release();
  }

  /** The leader committed more; deferred requests may start once an entry of its term is in. */
  void onCommit() {
    if (!deferred.isEmpty() && core.committedInTerm()) {
      List<Long> ids = new ArrayList<>(deferred);
      deferred.clear();
      ids.forEach(this::start);
    }
  }

  private void release() {
    while (!pending.isEmpty()
        && Quorum.reached(core.tracker().membership().voters(), pending.peek().acks()::contains)) {
      Pending p = pending.poll();
      core.outbox().reads.add(new ReadResult.Confirmed(p.id(), p.index()));
    }
  }

  /** Leadership ended: every waiting request fails, pointing at {@code hint}. */
  void abortAll(Optional<NodeId> hint) {
    for (Long id : deferred) {
      core.outbox().reads.add(new ReadResult.Aborted(id, hint));
    }
    for (Pending p : pending) {
      core.outbox().reads.add(new ReadResult.Aborted(p.id(), hint));
    }
    deferred.clear();
    pending.clear();
    roundNeeded = false;
  }
}
