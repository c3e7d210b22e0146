package dev.bourne.kayak.host;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.ClusterMismatchException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryTooLargeException;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.NotLeaderException;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.ProposeResult;
import dev.bourne.kayak.core.ReadResult;
import dev.bourne.kayak.core.Status;
import dev.bourne.kayak.wire.RequestCodec;
import dev.bourne.kayak.wire.WireCodec.MalformedMessageException;
import dev.bourne.net.IdentityMismatchException;
import dev.bourne.net.Inbound;
import dev.bourne.net.RemoteException;
import dev.bourne.net.RequestHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Client requests of a host: appends, read barriers, leadership transfer, join and leave. Each is
 * served on the leader; on any other member it is forwarded to the leader, and every attempt that
 * fails because leadership moved is retried (after a tick) until the request's deadline.
 *
 * <p>Forwarded appends are batched: all appends queued during one event-loop round travel in one
 * call, so a follower under load forwards thousands of events per round trip.
 *
 * <p>Threading: entry points are thread-safe; the rest runs on the host's event loop.
 */
final class Requests {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Requests.class);
  static final String APPEND = "kayak.append";
  static final String BARRIER = "kayak.barrier";
  static final String TRANSFER = "kayak.transfer";
  private static final ErrorCode BAD_REQUEST = ErrorCode.BAD_REQUEST;
  /** A forwarded append names an event its caller already gave up on. */
  static final ErrorCode SETTLED = new ErrorCode("APPEND_SETTLED");
  private static final int MAX_FORWARD_EVENTS = 4096;

  private final RaftHost host;
  private final ArrayDeque<AppendOp> forwardQueue = new ArrayDeque<>();
  private final Map<Long, Consumer<ReadResult>> reads = new HashMap<>();
  final List<Predicate<Status>> statusWaiters = new ArrayList<>();
  private final Deadlines deadlines = new Deadlines();
  /** Requests created on any thread, moved into {@link #deadlines} by the loop. */
  private final ConcurrentLinkedQueue<Op<?>> incoming = new ConcurrentLinkedQueue<>();
  private long readIds;

  private static final class AppendOp extends Op<List<Entry>> {
    final List<byte[]> events;
    /** The events' ids, the same on every attempt: a retry never commits a second copy. */
    final List<AppendId> ids;

    AppendOp(List<byte[]> events, List<AppendId> ids, Duration timeout, dev.bourne.common.time.Clock clock) {
      super("append", timeout, clock);
      this.events = events;
      this.ids = ids;
    }
  }

  /** The outcome of {@link #appendOnce}. */
  private interface Once {
    /** Every event committed; where, run by run, in order. */
    void committed(List<RequestCodec.Run> runs);

    /** Not every event can commit under this leader: the caller retries (finding the committed ones). */
    void lost();
  }

  private final MembershipRequests membership;

  Requests(RaftHost host) {
    this.host = host;
    this.membership = new MembershipRequests(host, this);
  }

  void register() {
    host.transport.handle(APPEND, this::onAppendCall);
    host.transport.handle(BARRIER, this::onBarrierCall);
    membership.register();
    host.transport.handle(TRANSFER, this::onTransferCall);
  }

  /** Answers every request method with CLOSED, for a stopped host on a transport it does not own. */
  void unregister() {
    RequestHandler closed = (from, payload) -> CompletableFuture.failedFuture(
        new dev.bourne.common.error.ClosedException("Kayak host " + host.id.shortString() + " closed"));
    for (String method : List.of(APPEND, BARRIER, TRANSFER, MembershipRequests.JOIN, MembershipRequests.LEAVE,
        MembershipRequests.CHANGE, SnapshotTransfer.METHOD)) {
      host.transport.handle(method, closed);
    }
  }

  // ------------------------------------------------------------------ plumbing

  /** A new request with a deadline {@code timeout} from now, tracked until it is done or expires. */
  <T> Op<T> open(String what, Duration timeout) {
    return track(new Op<>(what, timeout, host.clock));
  }

  <O extends Op<?>> O track(O op) {
    if (host.isStopped()) {
      op.result.completeExceptionally(new dev.bourne.common.error.ClosedException("host closed"));
      return op;
    }
    incoming.add(op);
    if (host.isStopped()) {
      op.result.completeExceptionally(new dev.bourne.common.error.ClosedException("host closed"));
    }
    return op;
  }

  void retryLater(Op<?> op, Runnable attempt) {
    if (op.isDone()) {
      return;
    }
    try {
      host.timer.schedule(host.config.tick(), () -> host.loop.execute(attempt));
    } catch (IllegalStateException closed) {
      op.result.completeExceptionally(new dev.bourne.common.error.ClosedException("host closed"));
    }
  }

  boolean isLeader() {
    return host.core.role() == Role.LEADER;
  }

  Optional<HostPort> leaderAddress() {
    return host.core.leader().filter(l -> !l.equals(host.id)).flatMap(host.addresses::get);
  }

  NotLeaderException notLeader() {
    Optional<NodeId> leader = host.core.leader().filter(l -> !l.equals(host.id));
    return new NotLeaderException(host.id.shortString() + " is not the leader", leader,
        leader.flatMap(host.addresses::get));
  }

  /** Whether a failed forward should count as "no leader" (rather than a slow one). */
  /**
   * Notes why a remote attempt failed. An answer from another cluster ends the request at once:
   * retrying cannot help, and the error names both clusters.
   */
  static void noteFailure(Op<?> op, Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    op.noLeader = e instanceof RemoteException r && r.code().equals(NotLeaderException.CODE);
    if (e instanceof RemoteException r && r.code().equals(ClusterMismatchException.CODE)) {
      op.result.completeExceptionally(ClusterMismatchException.from(r).map(Throwable.class::cast).orElse(r));
    }
    if (e instanceof RemoteException r && r.code().equals(IdentityMismatchException.CODE)) {
      op.result.completeExceptionally(r); // a certificate that names another member: asking again cannot help
    }
  }

  static BourneException badRequest(String message) {
    return new BourneException(BAD_REQUEST, message);
  }

  static long timeoutMillis(long requested, Duration cap) {
    return requested <= 0 ? cap.toMillis() : Math.min(requested, cap.toMillis());
  }

  void onTick() {
    for (Op<?> op; (op = incoming.poll()) != null; ) {
      deadlines.add(op);
    }
    deadlines.sweep(host.clock.nanoTime());
    if (!statusWaiters.isEmpty()) {
      onStatus(host.core.status());
    }
  }

  void onStatus(Status s) {
    statusWaiters.removeIf(w -> w.test(s));
  }

  void onRead(ReadResult r) {
    Consumer<ReadResult> c = reads.remove(r.requestId());
    if (c != null) {
      c.accept(r);
    }
  }

  /** Joins through {@code seeds}; completes once this member is a voter. */
  CompletableFuture<Void> join(List<HostPort> seeds) {
    return membership.join(seeds);
  }

  /** Checks that {@code seeds} belong to this member's cluster (see {@link MembershipRequests#confirmCluster}). */
  CompletableFuture<Void> confirmCluster(List<HostPort> seeds) {
    return membership.confirmCluster(seeds);
  }

  /** Where {@code member} listens now, from a directory: this member sends there from now on. */
  void updateAddress(NodeId member, HostPort address) {
    host.loop.execute(() -> {
      if (!member.equals(host.id) && !host.addresses.get(member).equals(Optional.of(address))) {
        host.addresses.put(member, address);
      }
    });
  }

  /** Makes an administrative change on the leader (see {@link MembershipRequests#administer}). */
  CompletableFuture<Void> administer(dev.bourne.kayak.core.MembershipChange change, HostPort address) {
    return membership.administer(change, address);
  }

  /** Removes this member from the cluster (see {@link MembershipRequests#leave()}). */
  CompletableFuture<Void> leave() {
    return membership.leave();
  }

  /** Fails every request still open; called once the event loop has stopped. */
  void failAll(RuntimeException error) {
    incoming.forEach(op -> op.result.completeExceptionally(error));
    incoming.clear();
    deadlines.drain().forEach(op -> op.result.completeExceptionally(error));
  }

  // ------------------------------------------------------------------ append

  CompletableFuture<List<Entry>> append(List<byte[]> events, Duration timeout) {
    for (byte[] e : events) {
      if (e.length > host.config.maxEntryBytes()) {
        return CompletableFuture.failedFuture(new EntryTooLargeException(e.length, host.config.maxEntryBytes(),
            "this member " + host.id.shortString()));
      }
    }
    List<AppendId> ids = host.appendSession.open(events.size());
    AppendOp op = track(new AppendOp(List.copyOf(events), ids, timeout, host.clock));
    op.result.whenComplete((v, e) -> host.appendSession.finished(ids));
    host.loop.execute(() -> routeAppend(op));
    return op.result;
  }

  private void routeAppend(AppendOp op) {
    if (op.isDone()) {
      return;
    }
    if (isLeader()) {
      op.noLeader = false;
      appendOnce(op.events, op.ids, new Once() {
        @Override
        public void committed(List<RequestCodec.Run> runs) {
          op.result.complete(entries(runs, op.events, op.ids, 0));
        }

        @Override
        public void lost() {
          retryLater(op, () -> routeAppend(op));
        }
      });
      return;
    } else if (leaderAddress().isPresent()) {
      forwardQueue.add(op);
      return;
    } else {
      op.noLeader = true;
    }
    retryLater(op, () -> routeAppend(op));
  }

  /**
   * The entries of {@code events.size()} events, which start at event {@code offset} of the
   * {@code runs} (the leader's answer for a whole batch).
   */
  private static List<Entry> entries(List<RequestCodec.Run> runs, List<byte[]> events, List<AppendId> ids,
      int offset) {
    List<Entry> out = new ArrayList<>(events.size());
    int run = 0;
    int before = 0; // events in the runs before `run`
    for (int i = 0; i < events.size(); i++) {
      int at = offset + i;
      while (at >= before + runs.get(run).count()) {
        before += runs.get(run).count();
        run++;
      }
      RequestCodec.Run r = runs.get(run);
      out.add(new Entry(r.firstIndex() + (at - before), r.term(), EntryKind.STD, events.get(i), ids.get(i)));
    }
    return out;
  }

  /**
   * On the leader: makes each event committed exactly once. Events whose id is already in the log
   * (an earlier attempt got there, under this leader or a former one) wait for those entries; the
   * others are proposed. Consecutive events of the same kind form a run.
   */
  private void appendOnce(List<byte[]> events, List<AppendId> ids, Once once) {
    record Segment(int from, int to, long first, long last, long term) {}
    List<Segment> segments = new ArrayList<>();
    int i = 0;
    while (i < events.size()) {
      long index = host.appendIds.indexOf(ids.get(i));
      int j = i + 1;
      if (index == 0) {
        while (j < events.size() && host.appendIds.indexOf(ids.get(j)) == 0) {
          j++;
        }
        ProposeResult r = host.core.propose(events.subList(i, j), ids.subList(i, j));
        if (!(r instanceof ProposeResult.Accepted a)) {
          once.lost(); // earlier segments, if any, still commit: the retry finds them
          return;
        }
        List<Entry> appended = new ArrayList<>(j - i);
        for (int k = i; k < j; k++) {
          appended.add(new Entry(a.firstIndex() + (k - i), a.term(), EntryKind.STD, events.get(k), ids.get(k)));
        }
        host.appendIds.appended(appended); // now, so that a retry in this same round finds them
        segments.add(new Segment(i, j, a.firstIndex(), a.lastIndex(), a.term()));
      } else {
        // The term from the record, not the log: the entry may be compacted into a snapshot.
        long term = host.appendIds.find(ids.get(i)).term();
        while (j < events.size()) {
          AppendIds.Pos p = host.appendIds.find(ids.get(j));
          if (p == null || p.index() != index + (j - i) || p.term() != term) {
            break;
          }
          j++;
        }
        segments.add(new Segment(i, j, index, index + (j - i) - 1, term));
      }
      i = j;
    }
    List<RequestCodec.Run> runs = new ArrayList<>(segments.size());
    segments.forEach(g -> runs.add(new RequestCodec.Run(g.first(), g.term(), g.to() - g.from())));
    int[] waiting = {0};
    boolean[] failed = {false};
    for (Segment g : segments) {
      if (g.last() > host.core.commitIndex()) {
        waiting[0]++;
      }
    }
    if (waiting[0] == 0) {
      once.committed(runs);
      return;
    }
    for (Segment g : segments) {
      if (g.last() <= host.core.commitIndex()) {
        continue;
      }
      host.proposals.add(g.first(), g.last(), g.term(), new Proposals.Callback() {
        @Override
        public void committed(long firstIndex, Entry last) {
          if (--waiting[0] == 0 && !failed[0]) {
            once.committed(runs);
          }
        }

        @Override
        public void lost() {
          if (!failed[0]) {
            failed[0] = true;
            once.lost();
          }
        }
      });
    }
  }

  /** Sends every queued forwarded append to the leader, batched. Runs after each loop round. */
  void flushForwards() {
    if (forwardQueue.isEmpty()) {
      return;
    }
    Optional<HostPort> leader = leaderAddress();
    if (leader.isEmpty() || isLeader()) {
      List<AppendOp> again = new ArrayList<>(forwardQueue);
      forwardQueue.clear();
      again.forEach(op -> host.loop.execute(() -> routeAppend(op)));
      return;
    }
    while (!forwardQueue.isEmpty()) {
      List<AppendOp> batch = new ArrayList<>();
      List<byte[]> events = new ArrayList<>();
      List<AppendId> ids = new ArrayList<>();
      long bytes = 0;
      long timeout = 0;
      while (!forwardQueue.isEmpty() && events.size() < MAX_FORWARD_EVENTS
          && bytes < host.config.maxBytesPerMessage()) {
        AppendOp op = forwardQueue.poll();
        if (op.isDone()) {
          continue;
        }
        batch.add(op);
        ids.addAll(op.ids);
        for (byte[] e : op.events) {
          events.add(e);
          bytes += e.length;
        }
        timeout = Math.max(timeout, op.remainingMillis());
      }
      if (batch.isEmpty()) {
        continue;
      }
      Duration callTimeout = Duration.ofMillis(timeoutMillis(timeout, host.config.requestTimeout()));
      byte[] call = RequestCodec.encode(new RequestCodec.Append(host.clusterIfKnown(), events, ids, callTimeout.toMillis()));
      host.transport.call(leader.get(), APPEND, call, callTimeout)
          .whenComplete((reply, error) -> host.loop.execute(() -> onForwarded(batch, reply, error)));
    }
  }

  private void onForwarded(List<AppendOp> batch, byte[] reply, Throwable error) {
    RequestCodec.Appended r = null;
    if (error == null) {
      try {
        r = RequestCodec.decodeAppended(reply);
      } catch (MalformedMessageException e) {
        error = e;
      }
    }
    if (error != null) {
      Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (e instanceof RemoteException re && re.code().equals(EntryTooLargeException.CODE)) {
        refusedAsTooLarge(batch, re);
        return;
      }
      if (e instanceof RemoteException re && re.code().equals(SETTLED)) {
        batch.forEach(this::routeAppend); // the finished ones end there; the others go again without them
        return;
      }
      for (AppendOp op : batch) {
        noteFailure(op, error);
        retryLater(op, () -> routeAppend(op));
      }
      return;
    }
    int events = batch.stream().mapToInt(op -> op.events.size()).sum();
    if (r.events() != events) {
      LOG.warn("{}: the leader answered {} positions for {} forwarded events; retrying", host.id.shortString(),
          r.events(), events);
      batch.forEach(op -> retryLater(op, () -> routeAppend(op)));
      return;
    }
    int offset = 0;
    for (AppendOp op : batch) {
      op.result.complete(entries(r.runs(), op.events, op.ids, offset));
      offset += op.events.size();
    }
  }

  /**
   * The leader refused a forwarded batch because an event exceeds its entry limit, which may be
   * lower than this member's. The appends with such an event fail at once with the leader's limit;
   * the others are forwarded again (they did not commit: the leader refuses a batch before
   * proposing any of it).
   */
  private void refusedAsTooLarge(List<AppendOp> batch, RemoteException refusal) {
    Optional<EntryTooLargeException> parsed = EntryTooLargeException.from(refusal);
    int limit = parsed.map(EntryTooLargeException::limit).orElse(0);
    for (AppendOp op : batch) {
      int largest = op.events.stream().mapToInt(e -> e.length).max().orElse(0);
      if (parsed.isEmpty() || largest > limit) {
        op.result.completeExceptionally(parsed.isEmpty() ? refusal
            : new EntryTooLargeException(largest, limit, "the leader"));
      } else {
        routeAppend(op);
      }
    }
  }

  private CompletableFuture<byte[]> onAppendCall(Inbound from, byte[] payload) {
    RequestCodec.Append call;
    try {
      call = RequestCodec.decodeAppend(payload);
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(badRequest(e.getMessage()));
    }
    ClusterMismatchException foreign = host.refuseForeign(call.cluster(), from.source());
    if (foreign != null) {
      return CompletableFuture.failedFuture(foreign);
    }
    List<byte[]> events = call.events();
    for (byte[] e : events) {
      if (e.length > host.config.maxEntryBytes()) {
        return CompletableFuture.failedFuture(new EntryTooLargeException(e.length, host.config.maxEntryBytes(),
            "the leader " + host.id.shortString()));
      }
    }
    Duration timeout = Duration.ofMillis(timeoutMillis(call.timeoutMs(), host.config.appendTimeout()));
    Op<byte[]> op = open("forwarded append", timeout);
    host.loop.execute(() -> {
      if (!isLeader()) {
        op.result.completeExceptionally(notLeader());
        return;
      }
      for (AppendId id : call.ids()) {
        if (host.appendIds.indexOf(id) == 0 && host.appendIds.settled(id)) {
          // A late copy of a call whose caller already gave up on it (its session said so in a
          // later entry): appending it now could commit a second copy of an event that committed.
          op.result.completeExceptionally(new BourneException(SETTLED, "append " + id + " was already settled"));
          return;
        }
      }
      appendOnce(events, call.ids(), new Once() {
        @Override
        public void committed(List<RequestCodec.Run> runs) {
          op.result.complete(RequestCodec.encode(new RequestCodec.Appended(runs)));
        }

        @Override
        public void lost() {
          op.result.completeExceptionally(notLeader());
        }
      });
    });
    return op.result;
  }

  // ------------------------------------------------------------------ read barrier

  CompletableFuture<Long> barrier(Duration timeout) {
    Op<Long> op = open("read barrier", timeout);
    host.loop.execute(() -> routeBarrier(op));
    return op.result;
  }

  private void routeBarrier(Op<Long> op) {
    if (op.isDone()) {
      return;
    }
    if (isLeader()) {
      long rid = ++readIds;
      reads.put(rid, r -> {
        if (r instanceof ReadResult.Confirmed c) {
          op.result.complete(c.index());
        } else {
          retryLater(op, () -> routeBarrier(op));
        }
      });
      host.core.requestRead(rid);
      return;
    }
    Optional<HostPort> leader = leaderAddress();
    if (leader.isEmpty()) {
      op.noLeader = true;
      retryLater(op, () -> routeBarrier(op));
      return;
    }
    Duration t = Duration.ofMillis(timeoutMillis(op.remainingMillis(), host.config.requestTimeout()));
    byte[] call = RequestCodec.encode(new RequestCodec.Barrier(host.clusterIfKnown(), t.toMillis()));
    host.transport.call(leader.get(), BARRIER, call, t).whenComplete((reply, error) -> {
      if (error == null) {
        try {
          op.result.complete(RequestCodec.decodeReadIndex(reply));
          return;
        } catch (MalformedMessageException e) {
          error = e;
        }
      }
      noteFailure(op, error);
      retryLater(op, () -> routeBarrier(op));
    });
  }

  private CompletableFuture<byte[]> onBarrierCall(Inbound from, byte[] payload) {
    RequestCodec.Barrier call;
    try {
      call = RequestCodec.decodeBarrier(payload);
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(badRequest(e.getMessage()));
    }
    ClusterMismatchException foreign = host.refuseForeign(call.cluster(), from.source());
    if (foreign != null) {
      return CompletableFuture.failedFuture(foreign);
    }
    Duration timeout = Duration.ofMillis(timeoutMillis(call.timeoutMs(), host.config.appendTimeout()));
    Op<byte[]> op = open("forwarded barrier", timeout);
    host.loop.execute(() -> {
      if (!isLeader()) {
        op.result.completeExceptionally(notLeader());
        return;
      }
      long rid = ++readIds;
      reads.put(rid, r -> {
        if (r instanceof ReadResult.Confirmed c) {
          op.result.complete(RequestCodec.encodeReadIndex(c.index()));
        } else {
          op.result.completeExceptionally(notLeader());
        }
      });
      host.core.requestRead(rid);
    });
    return op.result;
  }

  // ------------------------------------------------------------------ transfer

  CompletableFuture<Void> transfer(NodeId to) {
    Duration timeout = host.config.appendTimeout();
    Op<Void> op = open("leadership transfer to " + to.shortString(), timeout);
    host.loop.execute(() -> routeTransfer(op, to));
    return op.result;
  }

  private void routeTransfer(Op<Void> op, NodeId to) {
    if (op.isDone()) {
      return;
    }
    if (host.core.leader().filter(to::equals).isPresent()) {
      op.result.complete(null);
      return;
    }
    if (isLeader()) {
      ProposeResult r = host.core.transferLeadership(to);
      if (r instanceof ProposeResult.Rejected rej && rej.reason() == ProposeResult.Reason.INVALID) {
        op.result.completeExceptionally(new IllegalArgumentException(rej.detail()));
        return;
      }
      statusWaiters.add(s -> {
        if (s.leader().filter(to::equals).isPresent()) {
          op.result.complete(null);
          return true;
        }
        if (s.role() != Role.LEADER && !op.isDone()) {
          retryLater(op, () -> routeTransfer(op, to));
          return true;
        }
        return op.isDone();
      });
      return;
    }
    Optional<HostPort> leader = leaderAddress();
    if (leader.isEmpty()) {
      op.noLeader = true;
      retryLater(op, () -> routeTransfer(op, to));
      return;
    }
    Duration t = Duration.ofMillis(timeoutMillis(op.remainingMillis(), host.config.requestTimeout()));
    byte[] call = RequestCodec.encode(new RequestCodec.Transfer(host.clusterIfKnown(), to, t.toMillis()));
    host.transport.call(leader.get(), TRANSFER, call, t).whenComplete((reply, error) -> {
      if (error == null) {
        op.result.complete(null);
      } else if (error instanceof RemoteException re && re.code().equals(BAD_REQUEST)) {
        op.result.completeExceptionally(new IllegalArgumentException(re.getMessage()));
      } else {
        noteFailure(op, error);
        retryLater(op, () -> routeTransfer(op, to));
      }
    });
  }

  private CompletableFuture<byte[]> onTransferCall(Inbound from, byte[] payload) {
    NodeId to;
    Duration timeout;
    try {
      RequestCodec.Transfer call = RequestCodec.decodeTransfer(payload);
      ClusterMismatchException foreign = host.refuseForeign(call.cluster(), from.source());
      if (foreign != null) {
        return CompletableFuture.failedFuture(foreign);
      }
      to = call.to();
      timeout = Duration.ofMillis(timeoutMillis(call.timeoutMs(), host.config.appendTimeout()));
    } catch (MalformedMessageException e) {
      return CompletableFuture.failedFuture(badRequest(e.getMessage()));
    }
    Op<byte[]> op = open("forwarded transfer", timeout);
    host.loop.execute(() -> {
      if (!isLeader()) {
        op.result.completeExceptionally(notLeader());
        return;
      }
      ProposeResult r = host.core.transferLeadership(to);
      if (r instanceof ProposeResult.Rejected rej) {
        op.result.completeExceptionally(rej.reason() == ProposeResult.Reason.INVALID ? badRequest(rej.detail())
            : notLeader());
        return;
      }
      statusWaiters.add(s -> {
        if (s.leader().filter(to::equals).isPresent()) {
          op.result.complete(new byte[0]);
        }
        return op.isDone();
      });
    });
    return op.result;
  }
}
