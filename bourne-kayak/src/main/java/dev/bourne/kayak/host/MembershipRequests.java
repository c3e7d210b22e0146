package dev.bourne.kayak.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.NotLeaderException;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.MembershipChange;
import dev.bourne.kayak.core.ProposeResult;
import dev.bourne.kayak.wire.RequestCodec;
import dev.bourne.kayak.wire.WireCodec.MalformedMessageException;
import dev.bourne.net.Inbound;
import dev.bourne.net.RemoteException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership requests of a host: joining through any member (a non-leader redirects to the
 * leader; the joiner catches up as a learner and returns once promoted to voter) and leaving (a
 * leader removes itself, then waits for its handover). Changes run on the leader, one at a time,
 * and are retried while another one is in progress.
 *
 * <p>Threading: entry points are thread-safe; the rest runs on the host's event loop.
 */
final class MembershipRequests {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipRequests.class);
  static final String JOIN = "kayak.join";
  static final String LEAVE = "kayak.leave";

  private final RaftHost host;
  private final Requests requests;

  MembershipRequests(RaftHost host, Requests requests) {
    this.host = host;
    this.requests = requests;
  }

  void register() {
    host.transport.handle(JOIN, this::onJoinCall);
    host.transport.handle(LEAVE, this::onLeaveCall);
  }


  /** Joins through {@code seeds}; completes once this member is a voter. */
  CompletableFuture<Void> join(List<HostPort> seeds) {
    Duration timeout = host.config.joinTimeout();
    Op<Void> op = requests.open("join", timeout);
    byte[] call = RequestCodec.encode(new RequestCodec.Join(host.id, host.transport.localAddress(),
        host.config.appendTimeout().toMillis()));
    host.loop.execute(() -> {
      host.watchMembership(m -> {
        if (m.isVoter(host.id)) {
          op.result.complete(null);
        }
      });
      if (host.core.membership().isVoter(host.id)) {
        op.result.complete(null);
      }
    });
    tryJoin(op, call, seeds, 0, null);
    return op.result;
  }

  private void tryJoin(Op<Void> op, byte[] call, List<HostPort> seeds, int attempt, HostPort redirect) {
    if (op.isDone() || host.isStopped()) {
      return;
    }
    HostPort target = redirect != null ? redirect : seeds.get(attempt % seeds.size());
    host.transport.call(target, JOIN, call, host.config.requestTimeout()).whenComplete((reply, error) -> {
      if (error == null) {
        try {
          host.addresses.addUnknown(RequestCodec.decodeJoined(reply).peers());
          if (attempt == 0 || redirect != null) {
            LOG.info("{}: joined through {}; catching up as a learner", host.id.shortString(), target);
          }
          // Asked again until promoted: the call is idempotent, and it tells a leader elected since
          // where this learner listens (found by the simulator: a new leader that never learned the
          // learner's address could not reach it, and the join timed out).
          scheduleJoin(op, call, seeds, attempt + 1, null, host.config.electionTimeout());
          return;
        } catch (MalformedMessageException e) {
          error = e;
        }
      }
      Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      HostPort next = null;
      if (e instanceof RemoteException re && re.code().equals(NotLeaderException.CODE)) {
        next = NotLeaderException.from(re).leaderAddress().filter(a -> !a.equals(target)).orElse(null);
      }
      LOG.debug("{}: join through {} failed: {}", host.id.shortString(), target, e.toString());
      HostPort redirectTo = next;
      int nextAttempt = redirectTo != null ? attempt : attempt + 1;
      Duration delay = redirectTo != null ? Duration.ZERO : host.config.tick().multipliedBy(2);
      scheduleJoin(op, call, seeds, nextAttempt, redirectTo, delay);
    });
  }

  private void scheduleJoin(Op<Void> op, byte[] call, List<HostPort> seeds, int attempt, HostPort redirect,
      Duration delay) {
    try {
      host.timer.schedule(delay, () -> tryJoin(op, call, seeds, attempt, redirect));
    } catch (IllegalStateException closed) {
      op.result.completeExceptionally(new dev.bourne.common.error.ClosedException("host closed"));
    }
  }

  private CompletableFuture<byte[]> onJoinCall(Inbound from, byte[] payload) {
    NodeId joiner;
    HostPort address;
    Duration timeout;
    try {
      RequestCodec.Join call = RequestCodec.decodeJoin(payload);
      joiner = call.member();
      address = call.address();
      timeout = Duration.ofMillis(Requests.timeoutMillis(call.timeoutMs(), host.config.appendTimeout()));
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(Requests.badRequest(e.getMessage()));
    }
    Op<byte[]> op = requests.open("join of " + joiner.shortString(), timeout);
    host.loop.execute(() -> changeOnLeader(op, new MembershipChange.AddLearner(joiner), address));
    return op.result;
  }

  private CompletableFuture<byte[]> onLeaveCall(Inbound from, byte[] payload) {
    NodeId leaver;
    Duration timeout;
    try {
      RequestCodec.Leave call = RequestCodec.decodeLeave(payload);
      leaver = call.member();
      timeout = Duration.ofMillis(Requests.timeoutMillis(call.timeoutMs(), host.config.appendTimeout()));
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(Requests.badRequest(e.getMessage()));
    }
    Op<byte[]> op = requests.open("leave of " + leaver.shortString(), timeout);
    host.loop.execute(() -> changeOnLeader(op, new MembershipChange.Remove(leaver), null));
    return op.result;
  }

  /** Adds or removes a member on the leader; retried while another change is in progress. */
  private void changeOnLeader(Op<byte[]> op, MembershipChange change, HostPort address) {
    if (op.isDone()) {
      return;
    }
    if (!requests.isLeader()) {
      op.result.completeExceptionally(requests.notLeader());
      return;
    }
    boolean adding = change instanceof MembershipChange.AddLearner;
    if (address != null) {
      host.addresses.put(change.node(), address);
    }
    if (host.core.membership().contains(change.node()) == adding) {
      if (host.core.membershipCommitted()) {
        op.result.complete(joinReply());
      } else {
        // Reflected only by an uncommitted configuration, which a leader change may still roll
        // back: answer once it is committed (found by the simulator: a leave answered from an
        // uncommitted removal left the member in the configuration).
        requests.retryLater(op, () -> changeOnLeader(op, change, address));
      }
      return;
    }
    ProposeResult r = host.core.proposeChange(change);
    if (r instanceof ProposeResult.Accepted a) {
      LOG.info("{}: proposed {} at {}", host.id.shortString(), change, a.lastIndex());
      host.proposals.add(a.firstIndex(), a.lastIndex(), a.term(), new Proposals.Callback() {
        @Override
        public void committed(long firstIndex, Entry last) {
          op.result.complete(joinReply());
        }

        @Override
        public void lost() {
          requests.retryLater(op, () -> changeOnLeader(op, change, address));
        }
      });
      return;
    }
    ProposeResult.Rejected rej = (ProposeResult.Rejected) r;
    switch (rej.reason()) {
      case CHANGE_IN_PROGRESS, TRANSFER_IN_PROGRESS -> requests.retryLater(op, () -> changeOnLeader(op, change, address));
      case NOT_LEADER -> op.result.completeExceptionally(requests.notLeader());
      case INVALID -> op.result.completeExceptionally(Requests.badRequest(rej.detail()));
    }
  }

  private byte[] joinReply() {
    return RequestCodec.encode(new RequestCodec.Joined(host.id, host.addresses.all()));
  }

  /**
   * Removes this member from the cluster. A leader removes itself and then waits (bounded) until it
   * has handed leadership over. Completes at once if this member is not in the configuration.
   */
  CompletableFuture<Void> leave() {
    Duration timeout = host.config.joinTimeout();
    Op<Void> op = requests.open("leave", timeout);
    host.loop.execute(() -> routeLeave(op));
    return op.result;
  }

  private void routeLeave(Op<Void> op) {
    if (op.isDone()) {
      return;
    }
    var m = host.core.membership();
    if (!m.contains(host.id) || (m.all().size() == 1)) {
      op.result.complete(null);
      return;
    }
    if (m.voters().size() == 1 && m.isVoter(host.id)) {
      // The last voter cannot remove itself (nobody would be left to commit the change); leaving
      // ends the cluster, and its learners can no longer make progress.
      LOG.warn("{}: leaving as the last voter; {} learner(s) are left without a cluster",
          host.id.shortString(), m.learners().size());
      op.result.complete(null);
      return;
    }
    if (requests.isLeader()) {
      Op<byte[]> change = new Op<>("leave", Duration.ofMillis(op.remainingMillis()), host.clock);
      change.result.whenComplete((r, e) -> host.loop.execute(() -> {
        if (e != null) {
          requests.retryLater(op, () -> routeLeave(op));
          return;
        }
        awaitHandover(op);
      }));
      changeOnLeader(change, new MembershipChange.Remove(host.id), null);
      return;
    }
    Optional<HostPort> leader = requests.leaderAddress();
    if (leader.isEmpty()) {
      op.noLeader = true;
      requests.retryLater(op, () -> routeLeave(op));
      return;
    }
    Duration t = Duration.ofMillis(Requests.timeoutMillis(op.remainingMillis(), host.config.requestTimeout()));
    byte[] call = RequestCodec.encode(new RequestCodec.Leave(host.id, t.toMillis()));
    host.transport.call(leader.get(), LEAVE, call, t).whenComplete((reply, error) -> {
      if (error == null) {
        op.result.complete(null);
      } else {
        Requests.noteFailure(op, error);
        requests.retryLater(op, () -> routeLeave(op));
      }
    });
  }

  /** After removing itself, a leader hands over; wait for that, but never past two election periods. */
  private void awaitHandover(Op<Void> op) {
    requests.statusWaiters.add(s -> {
      if (s.role() != Role.LEADER) {
        op.result.complete(null);
      }
      return op.isDone();
    });
    try {
      host.timer.schedule(host.config.electionTimeout().multipliedBy(2), () -> op.result.complete(null));
    } catch (IllegalStateException closed) {
      op.result.complete(null);
    }
  }
}
