package dev.bourne.kayak.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.ClusterMismatchException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.InvalidChangeException;
import dev.bourne.kayak.api.NotLeaderException;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.MembershipChange;
import dev.bourne.kayak.core.ProposeResult;
import dev.bourne.kayak.wire.RequestCodec;
import dev.bourne.kayak.wire.WireCodec.MalformedMessageException;
import dev.bourne.net.IdentityMismatchException;
import dev.bourne.net.Inbound;
import dev.bourne.net.RemoteException;
import dev.bourne.net.UnreachableException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  static final String CHANGE = "kayak.change";

  private static final byte[] CHANGED = RequestCodec.encodeChanged();

  private final RaftHost host;
  private final Requests requests;

  MembershipRequests(RaftHost host, Requests requests) {
    this.host = host;
    this.requests = requests;
  }

  void register() {
    host.transport.handle(JOIN, this::onJoinCall);
    host.transport.handle(LEAVE, this::onLeaveCall);
    host.transport.handle(CHANGE, this::onChangeCall);
  }

  // ------------------------------------------------------------------ administration (Admin)

  /**
   * Makes {@code change} on the leader, forwarded from here if needed; completes once it is
   * committed (or already was). {@code address} is where an added member listens.
   */
  CompletableFuture<Void> administer(MembershipChange change, HostPort address) {
    Op<Void> op = requests.open(change.toString(), host.config.appendTimeout());
    host.loop.execute(() -> routeChange(op, change, address));
    return op.result;
  }

  private void routeChange(Op<Void> op, MembershipChange change, HostPort address) {
    if (op.isDone()) {
      return;
    }
    if (requests.isLeader()) {
      // tracked, so that it expires with the caller's deadline instead of retrying on its own
      Op<byte[]> local = requests.open(change.toString(), Duration.ofMillis(Math.max(1, op.remainingMillis())));
      local.result.whenComplete((r, e) -> {
        if (e == null) {
          op.result.complete(null);
        } else if (e instanceof InvalidChangeException) {
          op.result.completeExceptionally(e);
        } else {
          requests.retryLater(op, () -> routeChange(op, change, address)); // lost leadership meanwhile
        }
      });
      changeOnLeader(local, change, address);
      return;
    }
    Optional<HostPort> leader = requests.leaderAddress();
    if (leader.isEmpty()) {
      op.noLeader = true;
      requests.retryLater(op, () -> routeChange(op, change, address));
      return;
    }
    Duration t = Duration.ofMillis(Requests.timeoutMillis(op.remainingMillis(), host.config.requestTimeout()));
    byte[] call = RequestCodec.encode(new RequestCodec.Change(host.clusterIfKnown(), change,
        Optional.ofNullable(address), t.toMillis()));
    host.transport.call(leader.get(), CHANGE, call, t).whenComplete((reply, error) -> {
      if (error == null) {
        op.result.complete(null);
        return;
      }
      Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      Optional<InvalidChangeException> invalid = InvalidChangeException.from(e);
      if (invalid.isPresent()) {
        op.result.completeExceptionally(invalid.get());
        return;
      }
      Requests.noteFailure(op, e);
      requests.retryLater(op, () -> routeChange(op, change, address));
    });
  }

  private CompletableFuture<byte[]> onChangeCall(Inbound from, byte[] payload) {
    RequestCodec.Change call;
    try {
      call = RequestCodec.decodeChange(payload);
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(Requests.badRequest(e.getMessage()));
    }
    if (call.cluster().isEmpty()) { // only members administer: a new member has no cluster yet
      return CompletableFuture.failedFuture(Requests.badRequest("a change request needs the caller's cluster id"));
    }
    ClusterMismatchException foreign = host.refuseForeign(call.cluster(), from.source());
    if (foreign != null) {
      return CompletableFuture.failedFuture(foreign);
    }
    Duration timeout = Duration.ofMillis(Requests.timeoutMillis(call.timeoutMs(), host.config.appendTimeout()));
    Op<byte[]> op = requests.open(call.change().toString(), timeout);
    host.loop.execute(() -> {
      HostPort address = call.address().orElse(null);
      if (from.identity().isPresent()) {
        // With identities bound to certificates, only members administer, and an address in a
        // change re-points a member already configured only if that member asks itself: else any
        // certificate holder could remove a member, or redirect its traffic.
        var current = host.core.membership();
        Optional<NodeId> caller = current.all().stream().filter(from::mayClaim).findFirst();
        if (caller.isEmpty()) {
          op.result.completeExceptionally(host.refuseStranger(from, call.change().toString()));
          return;
        }
        if (address != null && !caller.get().equals(call.change().node()) && current.contains(call.change().node())) {
          address = null;
        }
      }
      changeOnLeader(op, call.change(), address);
    });
    return op.result.thenApply(joined -> CHANGED);
  }


  /** Joins through {@code seeds}; completes once this member is a voter. */
  CompletableFuture<Void> join(List<HostPort> seeds) {
    Duration timeout = host.config.joinTimeout();
    Op<Void> op = requests.open("join", timeout);
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
    tryJoin(op, new JoinProgress(seeds), 0, null);
    return op.result;
  }

  /**
   * For a member restarted with state and pointed at {@code seeds}: asks them (with an idempotent
   * join, which also tells the leader where this member listens now) whether they belong to this
   * member's cluster. Completes at the first answer from its cluster, or once no seed could be
   * reached (nothing contradicts the directory then; a cluster restarting member by member has
   * nobody to answer yet); fails with {@link ClusterMismatchException} if a seed belongs to another.
   */
  CompletableFuture<Void> confirmCluster(List<HostPort> seeds) {
    CompletableFuture<Void> out = new CompletableFuture<>();
    ClusterId mine = host.clusterIfKnown().orElseThrow();
    byte[] call = RequestCodec.encode(new RequestCodec.Join(Optional.of(mine), host.id,
        host.transport.localAddress(), host.config.requestTimeout().toMillis()));
    java.util.concurrent.atomic.AtomicInteger unanswered = new java.util.concurrent.atomic.AtomicInteger(seeds.size());
    for (HostPort seed : seeds) {
      confirmThrough(seed, call, mine, unanswered, seeds, out, true);
    }
    return out;
  }

  /**
   * One attempt of {@link #confirmCluster}; a NOT_LEADER answer is followed to the leader once, so
   * that the leader learns where this member listens now (a leader elected while it was down may
   * never have known, and would not reach it).
   */
  private void confirmThrough(HostPort seed, byte[] call, ClusterId mine,
      java.util.concurrent.atomic.AtomicInteger unanswered, List<HostPort> seeds, CompletableFuture<Void> out,
      boolean mayRedirect) {
    host.transport.call(seed, JOIN, call, host.config.requestTimeout()).whenComplete((reply, error) -> {
      Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (e == null) {
        try {
          ClusterId theirs = RequestCodec.decodeJoined(reply).cluster();
          if (!theirs.equals(mine)) {
            out.completeExceptionally(host.mismatch(theirs, "the member at " + seed));
          }
          out.complete(null);
          return;
        } catch (MalformedMessageException bad) {
          e = bad;
        }
      }
      if (e instanceof RemoteException re && re.code().equals(ClusterMismatchException.CODE)) {
        out.completeExceptionally(ClusterMismatchException.from(re).map(Throwable.class::cast).orElse(re));
      } else if (e instanceof RemoteException re && re.code().equals(NotLeaderException.CODE) && mayRedirect
          && NotLeaderException.from(re).leaderAddress().filter(a -> !a.equals(seed)).isPresent()) {
        // Same cluster (it checked before refusing); tell the leader too, then answer.
        HostPort leader = NotLeaderException.from(re).leaderAddress().get();
        confirmThrough(leader, call, mine, new java.util.concurrent.atomic.AtomicInteger(1), List.of(leader), out,
            false);
      } else if (e instanceof RemoteException) {
        out.complete(null); // it checked the cluster before refusing otherwise (NOT_LEADER, ...)
      } else if (unanswered.decrementAndGet() == 0) {
        LOG.info("{}: none of {} answered; resuming cluster {} from the data directory", host.id.shortString(),
            seeds, mine.shortString());
        out.complete(null);
      }
    });
  }

  /**
   * How a join is going, for its error: until a leader accepts it, a join gives up with
   * UNREACHABLE once {@link #SILENT_ROUNDS} rounds over every seed went unanswered (connection
   * refused, no reply in time), naming each address and its last failure, instead of waiting for
   * its whole timeout. Any answer (even NOT_LEADER) resets the count: someone is there.
   */
  private static final class JoinProgress {
    static final int SILENT_ROUNDS = 3;
    final List<HostPort> seeds;
    final Map<HostPort, String> lastFailure = new LinkedHashMap<>();
    int silent;
    boolean accepted;

    JoinProgress(List<HostPort> seeds) {
      this.seeds = seeds;
    }

    /** Notes an attempt nobody answered; true if the join should give up now. */
    synchronized boolean unanswered(HostPort target, Throwable e) {
      lastFailure.put(target, e.getMessage() != null ? e.getMessage() : e.toString());
      return !accepted && ++silent >= SILENT_ROUNDS * seeds.size();
    }

    synchronized void answered() {
      silent = 0;
    }

    synchronized UnreachableException unreachable() {
      StringBuilder b = new StringBuilder("no member answered the join after " + silent + " attempts:");
      lastFailure.forEach((address, why) -> b.append(' ').append(address).append(" (").append(why).append(");"));
      b.setLength(b.length() - 1);
      return new UnreachableException(b.toString());
    }
  }

  private void tryJoin(Op<Void> op, JoinProgress progress, int attempt, HostPort redirect) {
    if (op.isDone() || host.isStopped()) {
      return;
    }
    List<HostPort> seeds = progress.seeds;
    HostPort target = redirect != null ? redirect : seeds.get(attempt % seeds.size());
    // Built for each attempt: the first ones go out before this member knows its cluster.
    byte[] call = RequestCodec.encode(new RequestCodec.Join(host.clusterIfKnown(), host.id,
        host.transport.localAddress(), host.config.appendTimeout().toMillis()));
    host.transport.call(target, JOIN, call, host.config.requestTimeout()).whenComplete((reply, error) -> {
      if (error == null) {
        try {
          RequestCodec.Joined joined = RequestCodec.decodeJoined(reply);
          progress.answered();
          host.loop.execute(() -> onAccepted(op, joined, progress, attempt, redirect, target));
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
      Requests.noteFailure(op, e); // another cluster's answer ends the join
      LOG.debug("{}: join through {} failed: {}", host.id.shortString(), target, e.toString());
      if (e instanceof RemoteException) {
        progress.answered();
      } else if (progress.unanswered(target, e)) {
        op.result.completeExceptionally(progress.unreachable());
        return;
      }
      HostPort redirectTo = next;
      int nextAttempt = redirectTo != null ? attempt : attempt + 1;
      Duration delay = redirectTo != null ? Duration.ZERO : host.config.tick().multipliedBy(2);
      scheduleJoin(op, progress, nextAttempt, redirectTo, delay);
    });
  }

  /** On the loop: a leader accepted the join; this member now belongs to its cluster, durably. */
  private void onAccepted(Op<Void> op, RequestCodec.Joined joined, JoinProgress progress, int attempt,
      HostPort redirect, HostPort target) {
    if (op.isDone()) {
      return;
    }
    ClusterMismatchException wrong;
    try {
      wrong = host.adopt(joined.cluster(), target);
    } catch (RuntimeException e) { // the marker could not be made durable: joining would be unsafe
      op.result.completeExceptionally(e);
      return;
    }
    if (wrong != null) {
      LOG.warn("{}: {}", host.id.shortString(), wrong.getMessage());
      op.result.completeExceptionally(wrong);
      return;
    }
    host.addresses.addUnknown(joined.peers());
    synchronized (progress) {
      progress.accepted = true; // a member of the cluster now: wait for promotion until the deadline
    }
    if (attempt == 0 || redirect != null) {
      LOG.info("{}: joined cluster {} through {}; catching up as a learner", host.id.shortString(),
          joined.cluster().shortString(), target);
    }
    // Asked again until promoted: the call is idempotent, and it tells a leader elected since where
    // this learner listens (found by the simulator: a new leader that never learned the learner's
    // address could not reach it, and the join timed out).
    scheduleJoin(op, progress, attempt + 1, null, host.config.electionTimeout());
  }

  private void scheduleJoin(Op<Void> op, JoinProgress progress, int attempt, HostPort redirect, Duration delay) {
    try {
      host.timer.schedule(delay, () -> tryJoin(op, progress, attempt, redirect));
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
      ClusterMismatchException foreign = host.refuseForeign(call.cluster(), from.source());
      if (foreign != null) {
        return CompletableFuture.failedFuture(foreign);
      }
      joiner = call.member();
      IdentityMismatchException impostor = host.refuseImpostor(from, joiner);
      if (impostor != null) {
        return CompletableFuture.failedFuture(impostor);
      }
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
      ClusterMismatchException foreign = host.refuseForeign(call.cluster(), from.source());
      if (foreign != null) {
        return CompletableFuture.failedFuture(foreign);
      }
      leaver = call.member();
      IdentityMismatchException impostor = host.refuseImpostor(from, leaver);
      if (impostor != null) {
        return CompletableFuture.failedFuture(impostor);
      }
      timeout = Duration.ofMillis(Requests.timeoutMillis(call.timeoutMs(), host.config.appendTimeout()));
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(Requests.badRequest(e.getMessage()));
    }
    Op<byte[]> op = requests.open("leave of " + leaver.shortString(), timeout);
    host.loop.execute(() -> changeOnLeader(op, new MembershipChange.Remove(leaver), null));
    return op.result;
  }

  /**
   * Makes a change on the leader; retried while another change is in progress. Completes with the
   * join reply once the configuration that reflects it is committed.
   */
  private void changeOnLeader(Op<byte[]> op, MembershipChange change, HostPort address) {
    if (op.isDone()) {
      return;
    }
    if (!requests.isLeader()) {
      op.result.completeExceptionally(requests.notLeader());
      return;
    }
    if (address != null && !change.node().equals(host.id)) { // never repoint this leader itself
      host.addresses.put(change.node(), address);
    }
    var current = host.core.membership();
    boolean reflected = switch (change.kind()) {
      case ADD_LEARNER -> current.contains(change.node());
      case PROMOTE -> current.isVoter(change.node());
      case REMOVE -> !current.contains(change.node());
    };
    if (!reflected && change.kind() == MembershipChange.Kind.PROMOTE) {
      String behind = promotionRefusal(change.node());
      if (behind != null) {
        op.result.completeExceptionally(new InvalidChangeException(behind));
        return;
      }
    }
    if (reflected) {
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
      case INVALID -> op.result.completeExceptionally(new InvalidChangeException("cannot apply " + change + ": "
          + rej.detail()));
    }
  }

  /** Why the leader will not promote {@code learner} now, or null if it may. */
  private String promotionRefusal(dev.bourne.common.id.NodeId learner) {
    if (!host.core.membership().learners().contains(learner)) {
      return "cannot promote " + learner.shortString() + ": it is not a learner";
    }
    var p = host.core.progress().get(learner);
    long last = host.core.lastIndex();
    long slack = host.config.learnerCatchUpEntries();
    if (p == null || p.state() != dev.bourne.kayak.core.ProgressState.REPLICATE || p.match() + slack < last) {
      return "cannot promote " + learner.shortString() + " yet: its log is at " + (p == null ? 0 : p.match())
          + ", the leader's at " + last + " (it must be within " + slack + " entries and replicating)";
    }
    return null;
  }

  private byte[] joinReply() {
    // A leader always has a cluster: it bootstrapped one or joined one before it could be elected.
    return RequestCodec.encode(new RequestCodec.Joined(host.clusterIfKnown().orElseThrow(), host.id,
        host.addresses.all()));
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
    byte[] call = RequestCodec.encode(new RequestCodec.Leave(host.clusterIfKnown(), host.id, t.toMillis()));
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
