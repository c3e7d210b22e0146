package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.AppendId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.EntryKind;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.Message.AppendRequest;
import dev.bourne.kayak.core.Message.AppendResponse;
import dev.bourne.kayak.core.Message.Heartbeat;
import dev.bourne.kayak.core.Message.InstallSnapshot;
import dev.bourne.kayak.core.Message.HeartbeatResponse;
import dev.bourne.kayak.core.Message.TimeoutNow;
import dev.bourne.kayak.core.Message.VoteRequest;
import dev.bourne.kayak.core.Message.VoteResponse;
import dev.bourne.kayak.core.ProposeResult.Reason;
import dev.bourne.kayak.core.ProposeResult.Rejected;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft member as a pure, deterministic state machine: no I/O, threads, clocks or hidden
 * randomness. A host drives it with inputs and carries out its outputs:
 *
 * <ul>
 *   <li>Inputs: {@link #step} (a message from a peer), {@link #tick} (a unit of time passed),
 *       {@link #propose}, {@link #proposeChange}, {@link #transferLeadership}, {@link
 *       #requestRead}, and {@link #persisted} (storage made entries durable).
 *   <li>Outputs: {@link #ready()} returns everything to persist, send, apply and report since the
 *       previous call; see {@link Ready} for the order in which the host must carry it out.
 * </ul>
 *
 * <p>The core reads {@link LogStorage} (never writes it): entries below the unstable offset are
 * read from storage, newer ones from memory until the host reports them durable. Given the same
 * seed, storage contents and inputs, the outputs are identical.
 *
 * <p><b>Threading:</b> not thread-safe; call every method from one thread (the host's event loop).
 * Storage may be written concurrently by the host's writer thread, as {@link LogStorage} allows.
 *
 * <p><b>Errors:</b> application requests that cannot be served now return a {@link
 * ProposeResult.Rejected}; malformed messages are dropped and counted ({@link
 * #malformedMessages()}); a broken internal invariant throws {@link IllegalStateException} (a bug:
 * the host must stop the member).
 */
public final class RaftCore {
  private static final Logger LOG = LoggerFactory.getLogger(RaftCore.class);

  private final NodeId self;
  private final RaftConfig config;
  private final Random random;
  private final RaftLog log;
  private final ConfigState configs;
  private final ProgressTracker tracker;
  private final Outbox outbox = new Outbox();
  private final Elections elections = new Elections(this);
  private final Replication replication = new Replication(this);
  private final FollowerHandler follower = new FollowerHandler(this);
  private final ReadIndex reads = new ReadIndex(this);
  private final LeadershipTransfer transfer = new LeadershipTransfer();
  private final TermRules terms = new TermRules(this);
  private final MembershipPolicy policy = new MembershipPolicy(this);

  private long term;
  private NodeId votedFor;
  private Role role = Role.FOLLOWER;
  private NodeId leader;
  private int electionElapsed;
  private int heartbeatElapsed;
  private int randomizedElectionTimeout;
  /** Index of this leader's first entry (its NOOP) in the current term. */
  private long termStartIndex = Long.MAX_VALUE;

  private long savedTerm;
  private NodeId savedVote;
  private Status reportedStatus;
  private long malformed;

  /**
   * Creates a member from what it recovered.
   *
   * @param self this member's id
   * @param config tuning
   * @param storage the log as recovered (read only by the core; written by the host)
   * @param hardState the saved term, vote and commit index ({@link HardState#INITIAL} if new)
   * @param random the only source of randomness (election timeouts); seed it for reproducibility
   */
  public RaftCore(NodeId self, RaftConfig config, LogStorage storage, HardState hardState, Random random) {
    this(self, config, storage, hardState, 0, random);
  }

  /**
   * Creates a member from what it recovered, whose application already applied entries up to
   * {@code appliedIndex}: committed entries are delivered in {@link Ready#committed()} from
   * {@code appliedIndex + 1} on (the other constructor delivers from the log's first index).
   *
   * @param self this member's id
   * @param config tuning
   * @param storage the log as recovered (read only by the core; written by the host)
   * @param hardState the saved term, vote and commit index ({@link HardState#INITIAL} if new)
   * @param appliedIndex the index the application acknowledged (it is committed, so the commit
   *     index starts at least there); 0 if none
   * @param random the only source of randomness (election timeouts); seed it for reproducibility
   * @throws IllegalArgumentException if {@code appliedIndex} is negative or beyond the log
   */
  public RaftCore(NodeId self, RaftConfig config, LogStorage storage, HardState hardState, long appliedIndex,
      Random random) {
    this(self, config, storage, hardState, appliedIndex, random, Membership.EMPTY);
  }

  /**
   * As {@link #RaftCore(NodeId, RaftConfig, LogStorage, HardState, long, Random)}, for a log whose
   * prefix was compacted into a snapshot: {@code snapshotMembership} is the configuration at the
   * snapshot, in effect unless a CONFIG entry after the log's compacted prefix replaces it.
   */
  public RaftCore(NodeId self, RaftConfig config, LogStorage storage, HardState hardState, long appliedIndex,
      Random random, Membership snapshotMembership) {
    this.self = Objects.requireNonNull(self, "self");
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(hardState, "hardState");
    if (appliedIndex < 0 || appliedIndex > storage.lastIndex()) {
      throw new IllegalArgumentException("applied index " + appliedIndex + " outside the log [0, "
          + storage.lastIndex() + "]");
    }
    this.log = new RaftLog(storage, Math.max(hardState.commitIndex(), appliedIndex), appliedIndex);
    this.configs = ConfigState.recover(log, Objects.requireNonNull(snapshotMembership, "snapshotMembership"));
    this.tracker = new ProgressTracker(self, config.maxInflightMessages());
    this.tracker.setMembership(configs.current(), log.lastIndex() + 1);
    this.term = hardState.term();
    this.votedFor = hardState.votedFor().orElse(null);
    this.savedTerm = term;
    this.savedVote = votedFor;
    this.outbox.membershipChanged = true;
    resetElectionTimer();
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Starts a new cluster with this member as its only voter: writes a CONFIG entry at index 1.
   * Call once, on the first member, before anything else; it elects itself on a later tick.
   *
   * @throws IllegalStateException if the log is not empty
   */
  public void bootstrap() {
    bootstrap(Membership.single(self));
  }

  /**
   * Starts a new cluster whose first configuration is {@code initial}, which must make this member
   * a voter. With this member as the only voter the configuration is committed at once; otherwise
   * it commits like any entry, once this member was elected by a majority of {@code initial} and
   * replicated it (the others start with empty logs and vote for it).
   *
   * @throws IllegalStateException if the log is not empty
   * @throws IllegalArgumentException if {@code initial} does not make this member a voter
   */
  public void bootstrap(Membership initial) {
    Objects.requireNonNull(initial, "initial");
    if (log.lastIndex() != 0) {
      throw new IllegalStateException("cannot bootstrap: the log already holds " + log.lastIndex() + " entries");
    }
    if (!initial.isVoter(self)) {
      throw new IllegalArgumentException("the initial configuration " + initial + " must make " + self + " a voter");
    }
    term = Math.max(term, 1);
    // Term 1 whatever the current term: a member that bootstraps again after losing the entry in a
    // crash must write exactly the entry the others may have received.
    Entry first = new Entry(1, 1, EntryKind.CONFIG, MembershipCodec.encode(initial));
    log.truncateAndAppend(List.of(first));
    configs.appended(List.of(first));
    applyMembership();
    if (initial.voters().size() == 1) {
      log.commitTo(1);
    }
  }

  /**
   * The host could not get a snapshot to {@code follower} (it failed, or timed out): go back to
   * probing it, which asks for a snapshot again if it still needs one.
   */
  public void snapshotFailed(NodeId follower) {
    Progress pr = tracker.get(follower);
    if (role == Role.LEADER && pr != null && pr.state == ProgressState.SNAPSHOT) {
      pr.becomeProbe();
      replication.sendAppends(follower, pr, true);
    }
  }

  /**
   * The host got the snapshot ending at {@code index} installed on {@code follower}: probe it right
   * after the snapshot. (Its acknowledgement may be lost; without this the follower would wait in
   * SNAPSHOT state for ever.)
   */
  public void snapshotSent(NodeId follower, long index) {
    Progress pr = tracker.get(follower);
    if (role == Role.LEADER && pr != null && pr.state == ProgressState.SNAPSHOT) {
      pr.becomeProbe();
      pr.next = Math.max(pr.match, index) + 1;
      replication.sendAppends(follower, pr, true);
    }
  }

  /** Handles a message from a peer. Stale, duplicated and reordered messages are safe. */
  public void step(Message m) {
    Objects.requireNonNull(m, "m");
    if (m.from().equals(self) || !MessageChecks.wellFormed(m)) {
      countMalformed("dropped " + m);
      return;
    }
    if (terms.reconcile(m)) {
      dispatch(m);
    }
  }

  private boolean dispatch(Message m) {
    return switch (m.kind()) {
      case VOTE_REQUEST -> {
        elections.onVoteRequest((VoteRequest) m);
        yield true;
      }
      case VOTE_RESPONSE -> {
        elections.onVoteResponse((VoteResponse) m);
        yield true;
      }
      case APPEND_REQUEST -> {
        boolean ok = followLeader(m.from());
        if (ok) {
          follower.onAppend((AppendRequest) m);
        }
        yield ok;
      }
      case HEARTBEAT -> {
        boolean ok = followLeader(m.from());
        if (ok) {
          follower.onHeartbeat((Heartbeat) m);
        }
        yield ok;
      }
      case APPEND_RESPONSE -> {
        if (role == Role.LEADER) {
          replication.onAppendResponse((AppendResponse) m);
        }
        yield role == Role.LEADER;
      }
      case HEARTBEAT_RESPONSE -> {
        if (role == Role.LEADER) {
          replication.onHeartbeatResponse((HeartbeatResponse) m);
        }
        yield role == Role.LEADER;
      }
      case TIMEOUT_NOW -> {
        elections.onTimeoutNow((TimeoutNow) m);
        yield true;
      }
      case INSTALL_SNAPSHOT -> {
        boolean ok = followLeader(m.from());
        if (ok) {
          follower.onInstall((InstallSnapshot) m);
        }
        yield ok;
      }
    };
  }

  /**
   * One unit of time passed. Followers and candidates that are voters campaign when their
   * randomized timeout expires; leaders send heartbeats and, with CheckQuorum, step down after an
   * election period without hearing from a quorum.
   */
  public void tick() {
    if (role == Role.LEADER) {
      tickLeader();
      return;
    }
    electionElapsed++;
    if (electionElapsed >= randomizedElectionTimeout) {
      resetElectionTimer();
      if (mayCampaign()) {
        elections.campaign(config.preVote(), false);
      }
    }
  }

  private void tickLeader() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= config.electionTicks()) {
      electionElapsed = 0;
      if (config.checkQuorum() && !tracker.quorumActive()) {
        LOG.info("{} steps down in term {}: no quorum heard from", self.shortString(), term);
        becomeFollower(term, null);
        return;
      }
      tracker.resetRecentActive();
      if (transfer.active()) {
        if (transfer.stepDownOnTimeout()) {
          becomeFollower(term, null);
          return;
        }
        transfer.abort();
      }
    }
    if (heartbeatElapsed >= config.heartbeatTicks()) {
      heartbeatElapsed = 0;
      replication.broadcastHeartbeat();
      policy.maybePromoteLearner();
    }
  }

  /**
   * Appends application events (one STD entry each) to the leader's log.
   *
   * @return where they went, or why not (not the leader, or handing leadership over)
   * @throws IllegalArgumentException if {@code payloads} is empty
   */
  public ProposeResult propose(List<byte[]> payloads) {
    return propose(payloads, null);
  }

  /**
   * As {@link #propose(List)}, each entry carrying the append id at the same position of {@code
   * ids} (the host uses it to recognize retries).
   *
   * @throws IllegalArgumentException if {@code ids} is not as long as {@code payloads}
   */
  public ProposeResult propose(List<byte[]> payloads, List<AppendId> ids) {
    Objects.requireNonNull(payloads, "payloads");
    if (payloads.isEmpty()) {
      throw new IllegalArgumentException("nothing to propose");
    }
    if (ids != null && ids.size() != payloads.size()) {
      throw new IllegalArgumentException(ids.size() + " ids for " + payloads.size() + " payloads");
    }
    Rejected no = checkLeaderAccepting();
    if (no != null) {
      return no;
    }
    List<Entry> batch = new ArrayList<>(payloads.size());
    long index = log.lastIndex();
    for (int i = 0; i < payloads.size(); i++) {
      byte[] p = Objects.requireNonNull(payloads.get(i), "payload");
      batch.add(new Entry(++index, term, EntryKind.STD, p, ids == null ? AppendId.NONE : ids.get(i)));
    }
    appendAsLeader(batch);
    return new ProposeResult.Accepted(batch.get(0).index(), index, term);
  }

  /** Appends one application event; see {@link #propose(List)}. */
  public ProposeResult propose(byte[] payload) {
    return propose(List.of(payload));
  }

  /**
   * Proposes a single-server membership change. It takes effect as soon as appended. Refused while
   * an earlier change is uncommitted or before this leader committed an entry of its term.
   */
  public ProposeResult proposeChange(MembershipChange change) {
    Objects.requireNonNull(change, "change");
    Rejected no = checkLeaderAccepting();
    if (no != null) {
      return no;
    }
    if (configs.currentIndex() > log.committed() || !committedInTerm()) {
      return new Rejected(Reason.CHANGE_IN_PROGRESS, Optional.of(self),
          "configuration at " + configs.currentIndex() + " or this leader's first entry is not committed yet");
    }
    Membership next;
    try {
      next = tracker.membership().apply(change);
    } catch (IllegalArgumentException e) {
      return new Rejected(Reason.INVALID, Optional.of(self), e.getMessage());
    }
    long index = log.lastIndex() + 1;
    appendAsLeader(List.of(new Entry(index, term, EntryKind.CONFIG, MembershipCodec.encode(next))));
    return new ProposeResult.Accepted(index, index, term);
  }

  /**
   * Hands leadership to the voter {@code to}: once its log matches, it is told to campaign at once
   * (TimeoutNow). Proposals are refused meanwhile; the attempt is abandoned after an election
   * period.
   */
  public ProposeResult transferLeadership(NodeId to) {
    Objects.requireNonNull(to, "to");
    Rejected no = checkLeaderAccepting();
    if (no != null) {
      return no;
    }
    if (to.equals(self)) {
      return new ProposeResult.Accepted(log.lastIndex() + 1, log.lastIndex(), term);
    }
    if (!tracker.membership().isVoter(to)) {
      return new Rejected(Reason.INVALID, Optional.of(self), to + " is not a voter");
    }
    startTransfer(to, false);
    return new ProposeResult.Accepted(log.lastIndex() + 1, log.lastIndex(), term);
  }

  /**
   * Asks for a read index (a barrier). The answer arrives in a later {@link Ready#reads()} as
   * {@link ReadResult.Confirmed} or {@link ReadResult.Aborted} carrying {@code requestId}.
   */
  public void requestRead(long requestId) {
    reads.request(requestId);
  }

  /**
   * Storage made everything up to {@code (index, term)} durable (one call may cover many Readys).
   * Stale reports (the entry was replaced since) are ignored.
   */
  public void persisted(long index, long term) {
    log.stableTo(index, term);
    if (role == Role.LEADER) {
      replication.maybeCommit();
    }
  }

  // ---------------------------------------------------------------- outputs

  /** True if {@link #ready()} would return a non-empty Ready. */
  public boolean hasReady() {
    return !outbox.isEmpty()
        || term != savedTerm
        || !Objects.equals(votedFor, savedVote)
        || log.hasWritesPending()
        || log.hasCommittedToDeliver()
        || !status().equals(reportedStatus)
        || (role == Role.LEADER && (replication.hasWork() || reads.roundNeeded()));
  }

  /** Takes everything to do since the previous call. The host must carry it out (see {@link Ready}). */
  public Ready ready() {
    if (role == Role.LEADER) {
      replication.flush();
      if (reads.takeRoundNeeded()) {
        replication.broadcastHeartbeat();
      }
    }
    Optional<HardState> hs = Optional.empty();
    if (term != savedTerm || !Objects.equals(votedFor, savedVote)) {
      hs = Optional.of(new HardState(term, Optional.ofNullable(votedFor), Math.min(log.committed(), log.stableIndex())));
      savedTerm = term;
      savedVote = votedFor;
    }
    long truncateFrom = log.takeTruncateFrom();
    List<Entry> toWrite = log.takeToWrite();
    List<Entry> committed = log.takeCommitted(config.maxCommittedBytesPerReady());
    Status st = status();
    Optional<Status> statusChange = st.equals(reportedStatus) ? Optional.empty() : Optional.of(st);
    reportedStatus = st;
    Ready r = new Ready(hs, truncateFrom, toWrite, outbox.now, outbox.afterPersist, committed, outbox.reads,
        statusChange, outbox.membershipChanged ? Optional.of(tracker.membership()) : Optional.empty(),
        new ArrayList<>(outbox.needSnapshot), outbox.installIndex, outbox.installTerm);
    outbox.clear();
    return r;
  }

  // ---------------------------------------------------------------- queries

  /** This member's id. */
  public NodeId self() {
    return self;
  }

  /** Role, term and leader hint now. */
  public Status status() {
    return new Status(role, term, leader());
  }

  /** The current role. */
  public Role role() {
    return role;
  }

  /** The current term. */
  public long term() {
    return term;
  }

  /** The leader of the current term, if known. */
  public Optional<NodeId> leader() {
    return Optional.ofNullable(leader);
  }

  /** The highest index known committed (it may not be durable locally yet). */
  public long commitIndex() {
    return log.committed();
  }

  /** The last index of the local log, durable or not. */
  public long lastIndex() {
    return log.lastIndex();
  }

  /** The term of the last local entry. */
  public long lastTerm() {
    return log.lastTerm();
  }

  /** Every index up to this one is durable locally. */
  public long stableIndex() {
    return log.stableIndex();
  }

  /** The term of the local entry at {@code index}: 0 if none, -1 if compacted away. */
  public long termAt(long index) {
    return log.termAt(index);
  }

  /** The configuration in force (the latest appended, committed or not). */
  public Membership membership() {
    return tracker.membership();
  }

  /**
   * True if the configuration in force is committed, so it can no longer be rolled back (and, on
   * a leader, another change may be proposed once an entry of its term is committed too).
   */
  public boolean membershipCommitted() {
    return configs.currentIndex() <= log.committed();
  }

  /** On a leader, its view of every other member's replication; empty otherwise. */
  public SortedMap<NodeId, ProgressView> progress() {
    return role == Role.LEADER ? tracker.views() : new java.util.TreeMap<>();
  }

  /** Messages dropped because they were malformed or came from this member itself. */
  public long malformedMessages() {
    return malformed;
  }

  // ---------------------------------------------------------------- package internals

  RaftConfig config() {
    return config;
  }

  RaftLog log() {
    return log;
  }

  ConfigState configs() {
    return configs;
  }

  ProgressTracker tracker() {
    return tracker;
  }

  Outbox outbox() {
    return outbox;
  }

  ReadIndex reads() {
    return reads;
  }

  LeadershipTransfer transfer() {
    return transfer;
  }

  NodeId votedFor() {
    return votedFor;
  }

  /** True once this leader committed an entry of its own term (its first entry). */
  boolean committedInTerm() {
    return role == Role.LEADER && log.committed() >= termStartIndex;
  }

  void countMalformed(String what) {
    if (malformed++ == 0) {
      LOG.warn("{}: {} (logged once; see malformedMessages())", self.shortString(), what);
    }
  }

  void grantVote(NodeId candidate) {
    votedFor = candidate;
    electionElapsed = 0;
    drawElectionTimeout();
  }

  /** True while less than a (minimum) election timeout passed since the leader was last heard. */
  boolean withinElectionTimeout() {
    return electionElapsed < config.electionTicks();
  }

  /** See {@link MembershipPolicy#mayCampaign()}. */
  boolean mayCampaign() {
    return policy.mayCampaign();
  }

  void resetElectionTimer() {
    electionElapsed = 0;
    drawElectionTimeout();
  }

  private void drawElectionTimeout() {
    randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
  }

  void becomeFollower(long newTerm, NodeId newLeader) {
    boolean wasLeader = role == Role.LEADER;
    if (newTerm > term) {
      term = newTerm;
      votedFor = null;
    }
    role = Role.FOLLOWER;
    leader = newLeader;
    termStartIndex = Long.MAX_VALUE;
    tracker.resetVotes();
    transfer.abort();
    resetElectionTimer();
    if (wasLeader) {
      reads.abortAll(leader());
    }
  }

  void becomePreCandidate() {
    role = Role.PRE_CANDIDATE;
    leader = null;
    tracker.resetVotes();
  }

  void becomeCandidate() {
    term++;
    votedFor = self;
    role = Role.CANDIDATE;
    leader = null;
    tracker.resetVotes();
    resetElectionTimer();
  }

  void becomeLeader() {
    role = Role.LEADER;
    leader = self;
    heartbeatElapsed = 0;
    electionElapsed = 0;
    tracker.resetProgress(log.lastIndex() + 1);
    termStartIndex = log.lastIndex() + 1;
    LOG.info("{} leads term {} from index {}", self.shortString(), term, termStartIndex);
    appendAsLeader(List.of(new Entry(termStartIndex, term, EntryKind.NOOP, new byte[0])));
  }

  /**
   * Follows the sender of an append or heartbeat of our term; false if we lead this term ourselves
   * (only a forged or corrupted message can claim that: it is dropped).
   */
  private boolean followLeader(NodeId from) {
    if (role == Role.LEADER) {
      countMalformed("a second leader " + from + " claims term " + term);
      return false;
    }
    if (role != Role.FOLLOWER) {
      becomeFollower(term, from);
    }
    leader = from;
    resetElectionTimer();
    return true;
  }

  private Rejected checkLeaderAccepting() {
    if (role != Role.LEADER) {
      return new Rejected(Reason.NOT_LEADER, leader(), "not the leader");
    }
    if (transfer.active()) {
      return new Rejected(Reason.TRANSFER_IN_PROGRESS, Optional.of(self), "handing leadership to " + transfer.target());
    }
    return null;
  }

  private void appendAsLeader(List<Entry> batch) {
    log.append(batch);
    if (configs.appended(batch)) {
      applyMembership();
    }
    if (role == Role.LEADER) {
      replication.maybeCommit(); // a configuration change can shrink the quorum
    }
  }

  /** The effective configuration changed (appended or rolled back): update progress and report. */
  void applyMembership() {
    Membership m = configs.current();
    if (m.equals(tracker.membership())) {
      return;
    }
    tracker.setMembership(m, log.lastIndex() + 1);
    outbox.membershipChanged = true;
    if (transfer.active() && !m.isVoter(transfer.target())) {
      transfer.abort();
    }
  }

  /** The commit index advanced. */
  void onCommitted() {
    configs.committed(log.committed());
    if (role != Role.LEADER) {
      return;
    }
    reads.onCommit();
    policy.maybeHandOver();
  }

  void startTransfer(NodeId to, boolean stepDown) {
    transfer.start(to, stepDown);
    electionElapsed = 0; // the transfer gets a full election period
    replication.maybeSendTimeoutNow(to, tracker.get(to));
  }
}
