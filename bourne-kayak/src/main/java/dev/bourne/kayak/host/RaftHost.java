package dev.bourne.kayak.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Cancellable;
import dev.bourne.common.time.Clock;
import dev.bourne.common.time.Scheduler;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.ClusterMismatchException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Log;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Admin;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.api.Sync;
import dev.bourne.kayak.core.LogStorage;
import dev.bourne.kayak.core.Membership;
import dev.bourne.kayak.core.Message;
import dev.bourne.kayak.core.MetaStorage;
import dev.bourne.kayak.core.Outbound;
import dev.bourne.kayak.core.RaftConfig;
import dev.bourne.kayak.core.RaftCore;
import dev.bourne.kayak.core.Ready;
import dev.bourne.kayak.core.SnapshotStorage;
import dev.bourne.kayak.core.Status;
import dev.bourne.kayak.wire.WireCodec;
import dev.bourne.net.IdentityMismatchException;
import dev.bourne.net.Inbound;
import dev.bourne.net.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kayak member: one {@link RaftCore} on one event-loop thread, fed with messages, ticks and
 * requests, whose outputs it carries out:
 *
 * <ul>
 *   <li>hard state (term, vote) saved through {@link MapDbMetaStorage} before any message of the
 *       same Ready is sent;
 *   <li>log writes handed to the {@link LogWriter} thread, which group-commits them (one fsync per
 *       round) and reports back, after which acknowledgements that depend on them are sent (a
 *       small write while the writer is idle is done on the loop itself, after the Ready's
 *       messages left and its commits were delivered);
 *   <li>messages sent one-way over the {@link Transport} as protobuf (method {@code kayak.raft});
 *   <li>committed entries published to subscriptions and to callers waiting on their appends.
 * </ul>
 *
 * <p>Client requests (append, barrier, join, leave, transfer) live in {@link Requests}.
 *
 * <p>Assembled from the {@link HostParts} it is given (by {@link Hosts}): the same code runs in
 * production on threads and in the simulator on a virtual clock.
 *
 * <p>Threading: public methods are thread-safe; everything touching the core runs on the loop.
 */
final class RaftHost implements KayakHost {
  private static final Logger LOG = LoggerFactory.getLogger(RaftHost.class);
  static final String RAFT_METHOD = "kayak.raft";
  private static final String ID_KEY = "host.id";
  private static final String ACK_KEY = "host.acked";
  /** The "member of cluster X" marker: written at bootstrap, or once a leader accepted this member's join. */
  private static final String CLUSTER_KEY = "host.cluster";
  /**
   * The first configuration of a cluster this member bootstrapped, kept so that a crash before the
   * first entry reached the disk does not leave a cluster without any configuration.
   */
  private static final String BOOTSTRAP_KEY = "host.bootstrap";
  /** At most this many other clusters are named in the log; messages from more are only counted. */
  private static final int FOREIGN_CLUSTERS_LOGGED = 16;
  private static final Duration ACK_SAVE_PERIOD = Duration.ofSeconds(1);
  private static final Duration AUTO_COMPACT_CHECK = Duration.ofSeconds(1);
  private static final int PEERS_EVERY_HEARTBEATS = 20;

  final KayakConfig config;
  final NodeId id;
  final Transport transport;
  private final HostParts parts;
  /** Readys with at most this many entries may be written on the loop when the writer is idle. */
  private final int inlineWriteMaxEntries;
  final LogStorage log;
  final MetaStorage meta;
  final AddressBook addresses;
  final RaftCore core;
  final EventLoop loop;
  final Scheduler timer;
  final Clock clock;
  final CommitWatch commits;
  final AckTracker acks;
  final Proposals proposals = new Proposals();
  /** The append ids of the local log's entries: a leader answers retries from it. */
  final AppendIds appendIds = new AppendIds();
  /** This member's own append session. */
  final AppendSession appendSession;
  /** Durable snapshots of the application state. */
  final SnapshotStorage snapshots;
  /** The configurations of the local log by index, for snapshots. */
  final ConfigHistory configHistory = new ConfigHistory();
  /** Where snapshots are written, off the loop and the log writer. */
  private final dev.bourne.common.exec.SerialExecutor snapshotter;
  /** InstallSnapshot, both ways. */
  private final SnapshotTransfer snapshotTransfer;
  /** The last snapshot received from a leader and its header (event-loop thread only). */
  private SnapshotStorage.Meta receivedMeta;
  private SnapshotContent.Header receivedHeader;
  final Requests requests;
  private final LogWriter writer;
  private final HostLog hostLog;
  private final HostSync hostSync;
  private final HostAdmin admin;
  private final Map<NodeId, Long> peersVersionSent = new HashMap<>();
  private final CopyOnWriteArrayList<Consumer<Role>> roleListeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<Long>> termListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong foreign = new AtomicLong();
  private final AtomicLong impostors = new AtomicLong();
  /** Payload bytes committed since the last snapshot taken here, for {@code compactEvery}. */
  private final AtomicLong committedBytesSinceSnapshot = new AtomicLong();
  private final java.util.Set<Optional<ClusterId>> foreignLogged = new java.util.HashSet<>();
  /** This member's cluster; null until it bootstraps one or a leader accepts its join. */
  private volatile ClusterId cluster;
  private final List<Consumer<Membership>> membershipWatchers = new ArrayList<>();
  private long writeSeq;
  /** Heartbeats (or answers) sent to each peer, for sharing the address book now and then. */
  private final Map<NodeId, Long> heartbeatsTo = new HashMap<>();
  private volatile Status status;
  private volatile Membership membership;
  private volatile boolean stopped;
  /** When the first tick comes, so that members started together do not tick in lockstep. */
  private final Duration tickPhase;
  private volatile Cancellable firstTick;
  private volatile Cancellable ticker;
  private Cancellable ackSaver;
  private volatile long savedAck;

  RaftHost(HostParts parts) {
    this.parts = parts;
    this.config = parts.config();
    this.transport = parts.transport();
    this.inlineWriteMaxEntries = parts.inlineWriteMaxEntries();
    this.log = parts.log();
    this.meta = parts.meta();
    this.timer = parts.scheduler();
    this.clock = timer.clock();
    this.commits = new CommitWatch(clock);
    this.addresses = new AddressBook(meta);
    java.util.Random random = parts.random();
    this.id = meta.get(ID_KEY).map(b -> NodeId.parse(new String(b, java.nio.charset.StandardCharsets.UTF_8)))
        .orElseGet(() -> {
          NodeId fresh = config.memberId().orElseGet(() -> NodeId.random(random));
          meta.put(ID_KEY, fresh.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          return fresh;
        });
    if (config.memberId().isPresent() && !config.memberId().get().equals(id)) {
      throw new dev.bourne.common.config.ConfigException("kayak.member-id", config.memberId().get(),
          "the data directory " + config.dataDir() + " belongs to member " + id);
    }
    addresses.put(id, transport.localAddress());
    this.cluster = meta.get(CLUSTER_KEY).map(ClusterId::fromBytes).orElse(null);
    if (cluster == null && (log.lastIndex() > 0 || log.snapshotIndex() > 0)) {
      // Bootstrap writes the marker before the first entry, and a joiner before it accepts any:
      // a log without it was not written by this version, and guessing its cluster could split one.
      throw new StorageException("the data directory holds a log (last index " + log.lastIndex()
          + ") but no cluster id; it was not written by this version of Kayak");
    }
    this.savedAck = meta.get(ACK_KEY).map(b -> java.nio.ByteBuffer.wrap(b).getLong()).orElse(0L);
    this.acks = new AckTracker(savedAck);
    long session = random.nextLong();
    this.appendSession = new AppendSession(session == 0 ? 1 : session);
    this.snapshots = parts.snapshots();
    Membership snapshotMembership = Membership.EMPTY;
    Optional<SnapshotStorage.Meta> snapshot = snapshots.latest();
    if (snapshot.isPresent()) {
      SnapshotContent.Header h = SnapshotContent.header(snapshots, snapshot.get());
      snapshotMembership = h.membership();
      configHistory.base(snapshot.get().index(), snapshotMembership);
      appendIds.load(h.appendIds());
    }
    if (log.snapshotIndex() > snapshot.map(SnapshotStorage.Meta::index).orElse(0L)) {
      throw new StorageException("the log was compacted up to " + log.snapshotIndex() + " but the latest snapshot "
          + snapshot.map(m -> "ends at " + m.index()).orElse("is missing") + ": the data directory is damaged");
    }
    RaftConfig raft = RaftConfig.defaults()
        .withTicks(config.electionTicks(), config.heartbeatTicks())
        .withBudgets(config.maxInflightMessages(), config.maxEntriesPerMessage(), config.maxBytesPerMessage())
        .withPreVoteAndCheckQuorum(config.preVote(), config.checkQuorum())
        .withAutoPromote(config.autoPromoteLearners(), config.learnerCatchUpEntries());
    // What the application acknowledged is committed: the commit index starts there after a restart.
    long applied = Math.min(savedAck, log.lastIndex());
    this.core = new RaftCore(id, raft, log, meta.load(), applied, new java.util.Random(random.nextLong()),
        snapshotMembership);
    loadFromLog();
    if (cluster != null && log.lastIndex() == 0 && log.snapshotIndex() == 0) {
      meta.get(BOOTSTRAP_KEY).ifPresent(initial -> {
        // Bootstrapped, then crashed before the first entry was durable: write it again. It is the
        // same entry (index 1, term 1, the same configuration) that others may have received.
        LOG.info("{}: bootstrapped cluster {} but its first entry was lost; writing it again", id.shortString(),
            cluster);
        core.bootstrap(dev.bourne.kayak.core.MembershipCodec.decode(initial));
      });
    }
    this.status = core.status();
    this.membership = core.membership();
    String shortId = id.shortString();
    this.loop = new EventLoop(parts.loopWorkers().serial("kayak-loop-" + shortId), this::afterBatch, this::fatal);
    this.writer = new LogWriter(log, new WriterListener(), parts.writerWorkers().serial("kayak-writer-" + shortId));
    this.snapshotter = parts.writerWorkers().serial("kayak-snapshot-" + shortId);
    this.snapshotTransfer = new SnapshotTransfer(this, snapshotter);
    this.tickPhase = java.time.Duration.ofNanos((long) (random.nextDouble() * config.tick().toNanos()));
    this.requests = new Requests(this);
    this.hostLog = new HostLog(this);
    this.hostSync = new HostSync(this);
    this.admin = new HostAdmin(requests);
  }

  /**
   * Takes a snapshot of the application's {@code state} as of {@code until} and then compacts the
   * log behind it (see {@code Log.compact}). The snapshot is written on its own executor; the log
   * is compacted by the writer, in order with the log writes.
   */
  java.util.concurrent.CompletableFuture<Long> compact(long until, Iterable<byte[]> state) {
    java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
    long acked = acks.acked();
    if (until < 1 || until > acked) {
      done.completeExceptionally(new IllegalArgumentException("cannot compact to " + until
          + ": the application acknowledged entries up to " + acked + " only"));
      return done;
    }
    long latest = snapshots.latest().map(SnapshotStorage.Meta::index).orElse(0L);
    if (until <= latest) {
      done.completeExceptionally(new IllegalArgumentException("cannot compact to " + until
          + ": the latest snapshot already covers up to " + latest));
      return done;
    }
    loop.execute(() -> {
      long term = core.termAt(until);
      if (term <= 0) {
        done.completeExceptionally(new IllegalArgumentException("entry " + until + " is no longer in the log"));
        return;
      }
      Membership membership = configHistory.at(until);
      byte[] ids = appendIds.export(until);
      snapshotter.execute(() -> {
        SnapshotStorage.Meta meta;
        try (SnapshotStorage.Writer w = snapshots.create(until, term)) {
          SnapshotContent.write(w, membership, ids, state);
          meta = w.commit(null);
        } catch (RuntimeException e) {
          LOG.warn("{}: snapshot at {} failed: {}", id.shortString(), until, e.toString());
          done.completeExceptionally(e);
          return;
        }
        LOG.info("{}: snapshot at {}@{} durable ({} bytes)", id.shortString(), until, term, meta.length());
        loop.execute(() -> compactLog(meta, done));
      });
    });
    return done;
  }

  /** On the loop, before the core is told to install it: the received snapshot and its header. */
  void receivedHeader(SnapshotStorage.Meta meta, SnapshotContent.Header header) {
    receivedMeta = meta;
    receivedHeader = header;
  }

  /**
   * On the loop: the core replaced the log by the snapshot ending at {@code (index, term)}, which
   * is durable in snapshot storage: the host's records follow it (storage is reset by the writer).
   */
  private void installed(long index, long term) {
    SnapshotStorage.Meta meta = receivedMeta;
    SnapshotContent.Header h = receivedHeader;
    if (meta == null || meta.index() != index || meta.term() != term) {
      throw new IllegalStateException("bug: installed snapshot " + index + "@" + term + " was not received here ("
          + meta + ")");
    }
    proposals.truncatedFrom(1); // a former leader's pending proposals: retried, and found by id if committed
    appendIds.load(h.appendIds());
    configHistory.truncatedFrom(1);
    configHistory.base(index, h.membership());
    LOG.info("{}: installed snapshot {}@{} ({} bytes)", id.shortString(), index, term, meta.length());
  }

  /** Runs {@code source} into {@link #compact} whenever enough was acknowledged past the latest snapshot. */
  dev.bourne.common.time.Cancellable compactEvery(long entries, long bytes,
      dev.bourne.kayak.api.SnapshotSource source) {
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    return timer.scheduleAtFixedRate(AUTO_COMPACT_CHECK, () -> {
      long latest = snapshots.latest().map(SnapshotStorage.Meta::index).orElse(0L);
      boolean due = acks.acked() - latest >= entries || committedBytesSinceSnapshot.get() >= bytes;
      if (stopped || !due || acks.acked() <= latest || !running.compareAndSet(false, true)) {
        return;
      }
      snapshotter.execute(() -> {
        Optional<dev.bourne.kayak.api.SnapshotSource.State> state;
        try {
          state = source.capture();
        } catch (RuntimeException e) {
          LOG.warn("{}: the snapshot source failed: {}", id.shortString(), e.toString());
          running.set(false);
          return;
        }
        if (state.isEmpty()) {
          running.set(false);
          return;
        }
        long before = committedBytesSinceSnapshot.get();
        compact(state.get().index(), state.get().events()).whenComplete((v, e) -> {
          if (e == null) {
            committedBytesSinceSnapshot.addAndGet(-before); // roughly: what came after stays counted
          }
          if (e != null) {
            LOG.warn("{}: automatic compaction to {} failed: {}", id.shortString(), state.get().index(), e.toString());
          }
          running.set(false);
        });
      });
    });
  }

  /** On the loop: drops the log behind a durable snapshot, keeping the configured tail. */
  private void compactLog(SnapshotStorage.Meta meta, java.util.concurrent.CompletableFuture<Long> done) {
    long to = meta.index() - config.snapshotRetainEntries();
    if (to <= log.snapshotIndex() || stopped) {
      done.complete(meta.index());
      return;
    }
    long term = core.termAt(to);
    if (term <= 0) {
      done.complete(meta.index());
      return;
    }
    configHistory.forgetBelow(to);
    writer.submit(new LogWriter.Batch(++writeSeq, 0, List.of(), List.of(), to, term,
        () -> done.complete(meta.index()), 0, 0));
  }

  /**
   * Reads the append ids of the whole local log (they are what lets a leader answer a retry of an
   * append made before a restart or a leader change). A pass over the log on start-up; bounded by
   * the log's length until snapshots compact it.
   */
  private void loadFromLog() {
    for (long from = log.firstIndex(); from <= log.lastIndex(); ) {
      List<Entry> chunk = log.read(from, log.lastIndex(), 4L << 20);
      appendIds.appended(chunk);
      configHistory.appended(chunk);
      from = chunk.get(chunk.size() - 1).index() + 1;
    }
  }

  /**
   * True if this member belongs to no cluster: it never bootstrapped one and no leader ever
   * accepted its join. Not "the log is empty": a member whose join was accepted may not have
   * received an entry yet, and bootstrapping it would start a second cluster.
   */
  boolean isNew() {
    return cluster == null;
  }

  /** Starts a new cluster, under a new id, with this member as its only voter (it must be new). */
  void bootstrap() {
    bootstrap(java.util.Map.of(id, transport.localAddress()));
  }

  /**
   * Starts a new cluster, under a new id, whose first configuration has {@code voters} (this member
   * among them) as its voters, reached at the given addresses. This member must be new.
   */
  void bootstrap(java.util.Map<NodeId, HostPort> voters) {
    if (cluster != null) {
      throw new IllegalStateException("already a member of cluster " + cluster);
    }
    if (!voters.containsKey(id)) {
      throw new IllegalArgumentException("the initial voters " + voters.keySet() + " must include " + id);
    }
    Membership initial = new Membership(new java.util.TreeSet<>(voters.keySet()), new java.util.TreeSet<>());
    voters.forEach((v, address) -> {
      if (!v.equals(id)) {
        addresses.put(v, address);
      }
    });
    ClusterId fresh = ClusterId.random(parts.random());
    meta.put(BOOTSTRAP_KEY, dev.bourne.kayak.core.MembershipCodec.encode(initial));
    meta.put(CLUSTER_KEY, fresh.toBytes()); // durable before the first entry
    cluster = fresh;
    LOG.info("{}: bootstrapped cluster {} with voters {}", id.shortString(), fresh, initial.voters());
    core.bootstrap(initial);
  }

  /** This member's cluster, if it has one. */
  Optional<ClusterId> clusterIfKnown() {
    return Optional.ofNullable(cluster);
  }

  /**
   * Makes this member part of {@code joined}, durably, before it accepts any message of that
   * cluster. Runs on the loop, where Raft messages are checked against the cluster.
   *
   * @return null if it now belongs to {@code joined}; the error naming both clusters if it already
   *     belongs to another one
   */
  ClusterMismatchException adopt(ClusterId joined, HostPort through) {
    ClusterId mine = cluster;
    if (mine == null) {
      meta.put(CLUSTER_KEY, joined.toBytes());
      cluster = joined;
      LOG.info("{}: member of cluster {}", id.shortString(), joined);
      return null;
    }
    return mine.equals(joined) ? null : mismatch(joined, "the member at " + through);
  }

  /** The error for a peer of cluster {@code theirs}, described by {@code who}. */
  ClusterMismatchException mismatch(ClusterId theirs, String who) {
    ClusterId mine = cluster;
    return new ClusterMismatchException(id.shortString() + " belongs to cluster " + mine + " but " + who
        + " belongs to cluster " + theirs + ": a data directory or a peer list points at the wrong cluster",
        mine, theirs);
  }

  /**
   * Checks the cluster a request claims: a request from another cluster is refused. A request
   * without one (a new member that has not joined) is let through; it gets NOT_LEADER at worst.
   *
   * @return null if accepted, else the error to answer with
   */
  ClusterMismatchException refuseForeign(Optional<ClusterId> claimed, HostPort from) {
    ClusterId mine = cluster;
    if (claimed.isEmpty() || mine == null || claimed.get().equals(mine)) {
      return null;
    }
    countForeign(claimed, from);
    return mismatch(claimed.get(), "the caller at " + from);
  }

  /**
   * Refuses a peer whose certificate names another member than the one it claims to be (only
   * when the transport binds identities to certificates): counted, logged once.
   *
   * @return the error to answer with, or null if the claim stands
   */
  IdentityMismatchException refuseImpostor(Inbound from, NodeId claimed) {
    if (from.mayClaim(claimed)) {
      return null;
    }
    return counted(new IdentityMismatchException(claimed.toString(), from));
  }

  /** Refuses a membership change from a certified peer that is not a member (counted with the impostors). */
  IdentityMismatchException refuseStranger(Inbound from, String what) {
    return counted(new IdentityMismatchException("the peer at " + from.source() + " (certificate "
        + from.identity().orElse("none") + ") is not a member and may not ask for " + what));
  }

  private IdentityMismatchException counted(IdentityMismatchException e) {
    if (impostors.incrementAndGet() == 1) {
      LOG.warn("{}: refusing a peer that speaks for another member (logged once): {}", id.shortString(), e.getMessage());
    }
    return e;
  }

  private void countForeign(Optional<ClusterId> theirs, HostPort from) {
    foreign.incrementAndGet();
    boolean first;
    synchronized (foreignLogged) {
      first = foreignLogged.size() < FOREIGN_CLUSTERS_LOGGED && foreignLogged.add(theirs);
    }
    if (first) {
      LOG.warn("{}: refusing messages from {} of {}; this member belongs to cluster {} (logged once per cluster)",
          id.shortString(), from, theirs.map(c -> "cluster " + c).orElse("no cluster"), cluster);
    }
  }

  /** Checks that {@code seeds} belong to this member's cluster (see MembershipRequests). */
  java.util.concurrent.CompletableFuture<Void> confirmCluster(List<HostPort> seeds) {
    return requests.confirmCluster(seeds);
  }

  /** Joins the cluster through {@code seeds}; completes once this member is a voter. */
  java.util.concurrent.CompletableFuture<Void> joinThrough(List<HostPort> seeds) {
    return requests.join(seeds);
  }

  /** Registers the transport handlers and starts ticking. */
  void start() {
    commits.advance(Math.min(core.commitIndex(), log.lastIndex()));
    transport.listen(RAFT_METHOD, this::onRaftMessage);
    requests.register();
    snapshotTransfer.register();
    ackSaver = timer.scheduleAtFixedRate(ACK_SAVE_PERIOD, this::saveAck);
    firstTick = timer.schedule(tickPhase, () -> {
      if (!stopped) {
        ticker = timer.scheduleAtFixedRate(config.tick(), () -> loop.execute(this::tick));
        if (stopped) {
          ticker.cancel();
        }
      }
    });
  }

  /**
   * True if this member, restarted from its data directory, has an unfinished join: it is a
   * learner, or a leader accepted its join before it received a single entry. Such a member asks
   * again to join: a leader elected while it was down may not know where it listens, and a learner
   * never speaks first, so without this it would wait forever (found by the simulator after a power
   * loss). A member removed from the configuration has a log without itself, and does not.
   */
  boolean joinUnfinished() {
    Membership m = core.membership();
    boolean accepted = cluster != null && log.lastIndex() == 0 && log.snapshotIndex() == 0;
    return m.contains(id) ? !m.isVoter(id) : accepted;
  }

  /** The addresses of the other members this member knows, to finish a join through. */
  List<HostPort> knownPeers() {
    List<HostPort> peers = new ArrayList<>();
    addresses.all().forEach((member, address) -> {
      if (!member.equals(id)) {
        peers.add(address);
      }
    });
    return peers;
  }

  /** Finishes an unfinished join through the members this member knows, in the background. */
  void finishJoin() {
    List<HostPort> peers = knownPeers();
    if (peers.isEmpty()) {
      LOG.warn("{}: restarted before its join finished, and knows no other member to finish it through",
          id.shortString());
      return;
    }
    LOG.info("{}: restarted before its join finished; asking {} member(s) to finish it", id.shortString(),
        peers.size());
    requests.join(peers).whenComplete((v, e) -> {
      if (e != null && !stopped) {
        LOG.warn("{}: finishing the join failed: {}", id.shortString(), e.toString());
      }
    });
  }

  /**
   * Saves the application's acknowledged index now and then (on the timer thread, off the event
   * loop), so that {@code Log.listen()} resumes near it after a restart: at least once.
   */
  private void saveAck() {
    long acked = acks.acked();
    if (acked > savedAck && !stopped) {
      meta.put(ACK_KEY, java.nio.ByteBuffer.allocate(8).putLong(acked).array());
      savedAck = acked;
    }
  }

  // ------------------------------------------------------------------ the loop

  private void tick() {
    core.tick();
    requests.onTick();
  }

  private void afterBatch() {
    // forwards first: they do not depend on the Ready, which may block on an inline fsync
    requests.flushForwards();
    int rounds = 0;
    while (core.hasReady() && rounds++ < 64) {
      handle(core.ready());
    }
    requests.flushForwards();
    parts.probe().afterRound(id, core);
    if (core.hasReady()) {
      loop.execute(() -> { }); // more to do: another round soon, not at the next tick
    }
  }

  private void handle(Ready r) {
    parts.probe().onReady(id, r, core);
    r.hardState().ifPresent(meta::save);
    if (r.truncateFrom() > 0) {
      proposals.truncatedFrom(r.truncateFrom());
      appendIds.truncatedFrom(r.truncateFrom());
      configHistory.truncatedFrom(r.truncateFrom());
    }
    appendIds.appended(r.entries());
    configHistory.appended(r.entries());
    LogWriter.Batch batch = null;
    boolean inline = false;
    if (r.installIndex() > 0) {
      installed(r.installIndex(), r.installTerm());
    }
    if (!r.needSnapshot().isEmpty()) {
      snapshotTransfer.needed(r.needSnapshot());
    }
    if (r.truncateFrom() > 0 || !r.entries().isEmpty() || !r.persistedMessages().isEmpty() || r.installIndex() > 0) {
      long installed = r.installIndex();
      // Subscriptions see the snapshot's commit only once storage starts after it: before, they
      // could read entries the snapshot replaced.
      Runnable afterInstall = installed == 0 ? null : () -> loop.execute(() -> commits.advance(installed));
      batch = new LogWriter.Batch(++writeSeq, r.truncateFrom(), r.entries(), r.persistedMessages(), 0, 0,
          afterInstall, r.installIndex(), r.installTerm());
      // A small write while the writer is idle is done right here, after everything else of this
      // Ready (messages out, callers completed); bigger ones overlap with the loop's work.
      inline = r.entries().size() <= inlineWriteMaxEntries && writer.idle() && inlineAllowed(r);
      if (!inline) {
        writer.submit(batch);
      }
    }
    // New entries go to the followers first; a Ready without any (typically the leader telling
    // followers a new commit index) first completes the callers waiting on its commits.
    boolean commitsFirst = r.entries().isEmpty();
    if (!commitsFirst) {
      send(r.messages());
    }
    if (!r.committed().isEmpty()) {
      // Advance first: once an append's future completes, committed() must already include it
      // (applications acknowledge up to it, and Sync.ack checks against committed()).
      commits.advance(r.committed().get(r.committed().size() - 1).index());
      proposals.committed(r.committed());
      long bytes = 0;
      for (Entry e : r.committed()) {
        bytes += e.payload().length;
      }
      committedBytesSinceSnapshot.addAndGet(bytes);
    }
    if (commitsFirst) {
      send(r.messages());
    }
    r.reads().forEach(requests::onRead);
    r.status().ifPresent(this::onStatus);
    r.membership().ifPresent(this::onMembership);
    if (inline) {
      writer.writeInline(batch);
    }
  }

  /**
   * A leader blocks its loop for an inline fsync only when nothing else is replicating (every
   * entry before this Ready's is committed): with appends pipelined, the loop must keep taking
   * acknowledgements and sending while the writer thread syncs.
   */
  private boolean inlineAllowed(Ready r) {
    return core.role() != Role.LEADER
        || core.lastIndex() - core.commitIndex() <= r.entries().size();
  }

  private void onDurable(long lastIndex, long lastTerm) {
    if (lastIndex > 0) {
      core.persisted(lastIndex, lastTerm);
    }
  }

  /** Sends messages from the event loop, attaching the address book to some heartbeats. */
  private void send(List<Outbound> messages) {
    send(messages, true);
  }

  /**
   * Sends messages. Thread-safe when {@code withPeers} is false: the writer thread sends
   * acknowledgements itself, the moment they are durable.
   */
  private void send(List<Outbound> messages, boolean withPeers) {
    for (Outbound o : messages) {
      Optional<HostPort> to = addresses.get(o.to());
      if (to.isEmpty()) {
        LOG.debug("{}: no address for {}; dropping {}", id.shortString(), o.to().shortString(), o.message().kind());
        continue;
      }
      ClusterId mine = cluster;
      if (mine == null) {
        LOG.debug("{}: not in a cluster yet; dropping {}", id.shortString(), o.message().kind());
        continue;
      }
      byte[] bytes = WireCodec.encode(o.to(), mine, o.message(), withPeers ? peersFor(o) : Map.of());
      transport.send(to.get(), RAFT_METHOD, bytes);
    }
  }

  /**
   * Leaders share their address book on heartbeats, and followers theirs on heartbeat answers,
   * when it changed and now and then anyway: a leader elected while a member was down may never
   * have learned that member's address, and the member (not yet knowing itself in the
   * configuration) would never speak first (found by the simulator after a power loss).
   */
  private Map<NodeId, HostPort> peersFor(Outbound o) {
    Message.Kind kind = o.message().kind();
    if (kind != Message.Kind.HEARTBEAT && kind != Message.Kind.HEARTBEAT_RESPONSE) {
      return Map.of();
    }
    long version = addresses.version();
    Long sent = peersVersionSent.get(o.to());
    // Counted per peer: one counter over all peers, with an even number of them, hit the same
    // peers every time and never the others (found by a loopback test: a member that dropped the
    // leader's first heartbeat, sent before it joined the cluster, never learned a third address).
    long count = heartbeatsTo.merge(o.to(), 1L, Long::sum);
    if (sent != null && sent == version && count % PEERS_EVERY_HEARTBEATS != 0) {
      return Map.of();
    }
    peersVersionSent.put(o.to(), version);
    return addresses.all();
  }

  private void onRaftMessage(Inbound from, byte[] payload) {
    WireCodec.Decoded d;
    try {
      d = WireCodec.decode(payload);
    } catch (WireCodec.MalformedMessageException e) {
      if (malformed.incrementAndGet() == 1) {
        LOG.warn("{}: dropping malformed Raft message from {} (logged once): {}", id.shortString(), from.source(),
            e.getMessage());
      }
      return;
    }
    ClusterId mine = cluster;
    if (mine == null) {
      return; // joining, and the join's answer (which names the cluster) has not arrived yet
    }
    if (!d.cluster().equals(Optional.of(mine))) { // checked first: another cluster's message is not for this id
      countForeign(d.cluster(), from.source());
      return;
    }
    if (!d.to().equals(id)) {
      malformed.incrementAndGet();
      return;
    }
    if (refuseImpostor(from, d.message().from()) != null) {
      return;
    }
    loop.execute(() -> {
      addresses.put(d.message().from(), from.source());
      if (!d.peers().isEmpty()) {
        addresses.addUnknown(d.peers());
      }
      core.step(d.message());
    });
  }

  private void onStatus(Status s) {
    Status before = status;
    status = s;
    Role role = s.role();
    if (role != before.role()) {
      roleListeners.forEach(l -> l.accept(role));
    }
    if (s.term() != before.term()) {
      termListeners.forEach(l -> l.accept(s.term()));
    }
    requests.onStatus(s);
  }

  private void onMembership(Membership m) {
    membership = m;
    new ArrayList<>(membershipWatchers).forEach(w -> w.accept(m));
  }

  /** Calls {@code watcher} on the loop whenever the configuration changes. */
  void watchMembership(Consumer<Membership> watcher) {
    membershipWatchers.add(watcher);
  }

  private final class WriterListener implements LogWriter.Listener {
    @Override
    public void durable(long seq, long lastIndex, long lastTerm, List<Outbound> toSend) {
      if (!toSend.isEmpty() && !stopped) {
        send(toSend, false);
      }
      if (loop.inLoop()) {
        onDurable(lastIndex, lastTerm);
      } else {
        loop.execute(() -> onDurable(lastIndex, lastTerm));
      }
    }

    @Override
    public void failed(RuntimeException error) {
      fatal(error);
    }
  }

  private void fatal(Throwable t) {
    LOG.error("{}: stopping after a fatal error", id.shortString(), t);
    parts.probe().onFatal(id, t);
    // Not on the failing loop or writer: shutting down waits for both to end.
    SerialExecutor stopper = parts.loopWorkers().serial("kayak-stop-" + id.shortString());
    stopper.execute(() -> {
      shutdown();
      stopper.close();
    });
  }

  // ------------------------------------------------------------------ KayakHost

  @Override
  public NodeId id() {
    return id;
  }

  @Override
  public HostPort address() {
    return transport.localAddress();
  }

  @Override
  public List<Member> roster() {
    Membership m = membership;
    List<Member> out = new ArrayList<>();
    for (NodeId n : m.all()) {
      addresses.get(n).ifPresent(a -> out.add(new Member(n, a, m.isVoter(n))));
    }
    return out;
  }

  @Override
  public Optional<Member> leader() {
    Status s = status;
    return s.leader().flatMap(l -> addresses.get(l).map(a -> new Member(l, a, membership.isVoter(l))));
  }

  /** The leader's id as far as this member knows. */
  Optional<NodeId> leaderId() {
    return status.leader();
  }

  /** The configuration in force here. */
  Membership membership() {
    return membership;
  }

  @Override
  public Role role() {
    return status.role();
  }

  @Override
  public long term() {
    return status.term();
  }

  @Override
  public Log log() {
    return hostLog;
  }

  @Override
  public Sync sync() {
    return hostSync;
  }

  @Override
  public Admin admin() {
    return admin;
  }

  @Override
  public Cancellable onRoleChange(Consumer<Role> listener) {
    roleListeners.add(listener);
    return () -> roleListeners.remove(listener);
  }

  @Override
  public Cancellable onTermChange(Consumer<Long> listener) {
    termListeners.add(listener);
    return () -> termListeners.remove(listener);
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> transferLeadership(NodeId to) {
    return requests.transfer(to);
  }

  /** Malformed messages dropped so far. */
  public long malformedMessages() {
    return malformed.get();
  }

  @Override
  public long impostorMessages() {
    return impostors.get();
  }

  /** Raft messages and requests refused so far because they came from another cluster. */
  public long foreignMessages() {
    return foreign.get();
  }

  @Override
  public Optional<ClusterId> clusterId() {
    return clusterIfKnown();
  }

  boolean isStopped() {
    return stopped;
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> leave() {
    return requests.leave();
  }

  @Override
  public void close() {
    if (stopped) {
      return;
    }
    try {
      requests.leave().get(config.joinTimeout().toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("{}: leaving the cluster failed ({}); stopping anyway", id.shortString(), e.toString());
    }
    try {
      saveAck();
    } catch (RuntimeException e) {
      LOG.warn("{}: could not save the acknowledged index: {}", id.shortString(), e.toString());
    }
    shutdown();
  }

  @Override
  public synchronized void shutdown() {
    if (stopped) {
      return;
    }
    stopped = true;
    for (Cancellable c : new Cancellable[] {firstTick, ticker, ackSaver}) {
      if (c != null) {
        c.cancel();
      }
    }
    loop.stop();
    writer.close();
    snapshotTransfer.close();
    snapshotter.close();
    ClosedException closed = new ClosedException("Kayak host " + id.shortString() + " closed");
    requests.failAll(closed);
    proposals.failAll(Proposals.Callback::lost);
    commits.close();
    acks.close();
    if (!parts.owned().contains(transport)) {
      transport.listen(RAFT_METHOD, (f, p) -> { });
      requests.unregister();
    }
    Hosts.closeAll(parts.owned());
  }

  @Override
  public String toString() {
    return "RaftHost[" + id.shortString() + " " + address() + " " + status + "]";
  }
}
