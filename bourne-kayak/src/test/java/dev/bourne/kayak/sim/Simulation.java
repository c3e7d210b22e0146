package dev.bourne.kayak.sim;

import dev.bourne.common.exec.Workers;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.VirtualClock;
import dev.bourne.kayak.api.CompactedException;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Snapshot;
import dev.bourne.kayak.core.Outbound;
import dev.bourne.kayak.core.RaftCore;
import dev.bourne.kayak.core.Ready;
import dev.bourne.kayak.host.HostParts;
import dev.bourne.kayak.host.HostProbe;
import dev.bourne.kayak.host.Hosts;
import dev.bourne.net.sim.Faults;
import dev.bourne.net.sim.InMemoryNetwork;
import dev.bourne.net.sim.InMemoryTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One seeded, deterministic run of a Kayak cluster made of the real hosts: grown from one member
 * to {@link SimOptions#voters()} through {@code join}, then a workload of appends from any member,
 * read barriers and linearizable reads through the public API, under message loss, delay,
 * duplication and reordering, partitions (one-way too), crashes that lose un-synced writes (a
 * crashed machine's host is shut down and a new one started on its disk), and membership changes
 * (joins, members leaving, the leader included) and leadership transfers. Safety is checked after
 * every event-loop round by a {@link SafetyChecker}; after the faults stop, appends from every
 * member across a leadership transfer must all be acknowledged, every acknowledged append must be
 * applied on every member of the final configuration, and every read must have returned at or
 * after every append acknowledged before it was asked.
 *
 * <p>Single-threaded: every host runs on the virtual clock. A run is a pure function of its seed
 * and options.
 */
public final class Simulation implements HostProbe {
  private static final Duration APPLY_PERIOD = Duration.ofMillis(2);
  private static final Duration CATCH_UP = Duration.ofSeconds(10);
  private static final Duration QUIET_APPEND_TIMEOUT = Duration.ofSeconds(8);
  private static final boolean PRINT_TRACE = Boolean.getBoolean("bourne.sim.trace");
  private static final java.util.Comparator<HostPort> ADDRESS_ORDER = java.util.Comparator.comparing(HostPort::toString);

  private final long seed;
  private final SimOptions options;
  private final Random random;
  private final VirtualClock clock = new VirtualClock();
  private final InMemoryNetwork network;
  private final List<SimMember> members = new ArrayList<>();
  private final Map<NodeId, SimMember> byId = new HashMap<>();
  private final SafetyChecker checker = new SafetyChecker();
  private final TreeMap<Long, Entry> acknowledged = new TreeMap<>();
  private final Map<NodeId, Long> commitSeen = new HashMap<>();
  private final Map<NodeId, Long> leaderTermSeen = new HashMap<>();
  /** Loop latency: how long a host's queued work waits for its thread (0-100 µs, drawn per run). */
  private final long loopLatencyNanos;
  private long traceHash = 17;
  private long payloadCounter;
  private long events;
  private int crashes;
  private int membershipChanges;
  private int leaderChanges;
  private int reads;
  private int snapshots;
  private int installs;
  private int reloads;
  private int snapshotCrashes;
  private boolean chaosActive;
  /** Appends issued after the faults stopped that have not been acknowledged yet. */
  private final Map<String, SimMember> quietAppends = new LinkedHashMap<>();

  private Simulation(long seed, SimOptions options) {
    this.seed = seed;
    this.options = options;
    this.random = new Random(seed);
    this.network = new InMemoryNetwork(clock, new Random(random.nextLong()));
    this.loopLatencyNanos = random.nextInt(100_000);
  }

  /**
   * Runs one simulation.
   *
   * @throws SafetyViolation if a safety or liveness property failed (the message names the seed)
   */
  public static SimResult run(long seed, SimOptions options) {
    Simulation s = new Simulation(seed, options);
    try {
      return s.execute();
    } catch (SafetyViolation e) {
      SafetyViolation v = new SafetyViolation("seed " + seed + " at " + s.clock.nanoTime() / 1_000_000 + " ms: "
          + e.getMessage() + "\n  members: " + s.members);
      v.initCause(e);
      throw v;
    } catch (RuntimeException e) {
      throw new IllegalStateException("seed " + seed + " at " + s.clock.nanoTime() / 1_000_000 + " ms: " + e
          + "\n  members: " + s.members, e);
    } finally {
      s.members.forEach(m -> {
        if (m.host != null) {
          m.host.shutdown();
        }
      });
    }
  }

  private SimResult execute() {
    grow();
    network.network().setFaults(randomFaults());
    long chaosEnd = clock.nanoTime() + options.chaos().toNanos();
    chaosActive = true;
    scheduleWorkload();
    scheduleFaults(chaosEnd);
    runUntil(chaosEnd);
    chaosActive = false;
    network.network().heal();
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(3)));
    for (SimMember m : members) {
      if (!m.isUp() && !m.departed) {
        restart(m);
      }
    }
    quiet();
    // A member that was cut off for long catches up at the pace its replication budget allows (4
    // entries a message in the chaos options): give it up to 10 s more, then it must have it all.
    long catchUp = clock.nanoTime() + CATCH_UP.toNanos();
    while (clock.nanoTime() < catchUp && !caughtUp()) {
      runUntil(clock.nanoTime() + Duration.ofMillis(100).toNanos());
    }
    checkLiveness();
    return new SimResult(seed, traceHash, events, checker.checks(), acknowledged.size(),
        checker.maxCommitted(), crashes, membershipChanges, leaderChanges, reads, snapshots, installs, reloads,
        snapshotCrashes);
  }

  /** Starts member 1 as a new cluster and joins the others one by one, without faults. */
  private void grow() {
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    clock.scheduleAtFixedRate(APPLY_PERIOD, this::applyAll);
    SimMember first = newMember();
    start(first, true);
    long deadline = clock.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (members.size() < options.voters() || !grown()) {
      if (clock.nanoTime() > deadline) {
        throw new SafetyViolation("liveness: could not grow the cluster to " + options.voters() + " voters");
      }
      SimMember l = leader();
      if (l != null && members.size() < options.voters() && grown()) {
        start(newMember(), false);
      }
      runUntil(clock.nanoTime() + Duration.ofMillis(20).toNanos());
    }
  }

  /** Every member so far is a voter and the leader has committed everything. */
  private boolean grown() {
    SimMember l = leader();
    return l != null && l.membership != null && l.membership.voters().size() == members.size()
        && l.host.log().committed() == l.host.log().head();
  }

  private SimMember newMember() {
    SimMember m = new SimMember(members.size() + 1, random.nextInt(4) != 0);
    members.add(m);
    return m;
  }

  private HostParts parts(SimMember m, InMemoryTransport transport) {
    long diskMin = 100_000 + random.nextInt(900_000);
    long diskSpan = 1 + random.nextInt(15_000_000);
    Random local = new Random(random.nextLong());
    Supplier<Duration> disk = () -> Duration.ofNanos(diskMin + (long) (local.nextDouble() * diskSpan));
    Supplier<Duration> loop = () -> Duration.ofNanos((long) (local.nextDouble() * loopLatencyNanos));
    return new HostParts(options.kayak(), clock, new Random(random.nextLong()), transport, m.log, m.meta,
        m.snapshots, Workers.virtual(clock, loop), Workers.virtual(clock, disk), List.of(transport),
        m.inlineWrites ? HostParts.DEFAULT_INLINE_WRITE_MAX_ENTRIES : 0, this);
  }

  /** Starts a host on {@code m}'s disk: a new cluster, or a join through the other members. */
  private void start(SimMember m, boolean bootstrap) {
    m.snapshots.powerOn();
    m.snapshots.crashPoints(snapshotCrashPoints(m));
    InMemoryTransport transport = network.transport(m.address);
    HostParts parts = parts(m, transport);
    KayakHost host;
    if (bootstrap) {
      host = Hosts.start(parts);
    } else {
      List<HostPort> peers = new ArrayList<>();
      for (SimMember o : members) {
        if (o != m && !o.departed) {
          peers.add(o.address);
        }
      }
      Hosts.Joining joining = Hosts.join(parts, peers);
      host = joining.host();
      joining.joined().whenComplete((v, e) -> {
        trace("joined " + m.number + " " + (e == null ? "ok" : String.valueOf(e.getCause() != null ? e.getCause() : e)));
        if (e == null) {
          membershipChanges++;
        } else if (m.host == host) {
          down(m); // the host shut itself down
          // as a supervisor would: start it again a little later (chaos may be over by now, and
          // nothing else would bring it back; found with seed 1001752, a join UNREACHABLE after
          // every peer had been down or cut off for a second)
          clock.schedule(Duration.ofMillis(500), () -> {
            if (!m.isUp() && !m.departed) {
              restart(m);
            }
          });
        }
      });
    }
    m.host = host;
    m.id = host.id();
    byId.put(m.id, m);
    m.applied.clear();
    m.lastApplied = 0;
    m.subscription = host.log().listen(1);
    trace("start " + m.number + " " + m.id.shortString());
  }

  /**
   * Power cuts while {@code m} writes a snapshot (a compaction or an install): before it becomes
   * visible, or right after, before the host compacted its log or told the leader. Random crash
   * timing almost never lands there, as a snapshot is written in one disk task.
   */
  private SimSnapshots.CrashPoints snapshotCrashPoints(SimMember m) {
    return new SimSnapshots.CrashPoints() {
      @Override
      public boolean beforeRename() {
        return cut("before");
      }

      @Override
      public void afterRename() {
        cut("after");
      }

      private boolean cut(String where) {
        if (!chaosActive || !options.crashes() || m.host == null || random.nextInt(20) != 0) {
          return false;
        }
        KayakHost h = m.host;
        trace("power cut " + where + " a snapshot became visible on " + m.number);
        snapshotCrashes++;
        clock.schedule(Duration.ZERO, () -> {
          if (m.host == h) {
            crash(m);
          }
        });
        return true;
      }
    };
  }

  private void restart(SimMember m) {
    start(m, false);
  }

  private void down(SimMember m) {
    m.host = null;
    m.subscription = null;
    commitSeen.remove(m.id);
  }

  /** Every machine loses power at once. */
  private void powerLoss() {
    trace("power loss");
    members.forEach(this::crash);
  }

  /** Crashes {@code m}: its host stops at once and its disk loses what was not synced. */
  private void crash(SimMember m) {
    if (!m.isUp()) {
      return;
    }
    trace("crash " + m.number);
    KayakHost h = m.host;
    down(m);
    h.shutdown();
    m.log.crash();
    crashes++;
  }

  private void runUntil(long nanos) {
    while (clock.nextDueNanos().isPresent() && clock.nextDueNanos().getAsLong() <= nanos) {
      clock.runNext();
      events++;
    }
    clock.advance(Duration.ofNanos(Math.max(0, nanos - clock.nanoTime())));
  }

  private Faults randomFaults() {
    long maxDelayMs = 2 + random.nextInt(25);
    return new Faults(random.nextDouble() * 0.1, Duration.ofMillis(1), Duration.ofMillis(maxDelayMs),
        random.nextDouble() * 0.05, random.nextDouble() * 0.05);
  }

  private List<SimMember> up() {
    List<SimMember> out = new ArrayList<>();
    for (SimMember m : members) {
      if (m.isUp()) {
        out.add(m);
      }
    }
    return out;
  }

  private SimMember leader() {
    SimMember best = null;
    for (SimMember m : members) {
      if (m.isLeader() && (best == null || m.host.term() > best.host.term())) {
        best = m;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- the application

  /** Every running application takes what its subscription has and acknowledges it. */
  private void applyAll() {
    for (SimMember m : members) {
      if (!m.isUp()) {
        continue;
      }
      List<Entry> batch;
      try {
        batch = m.subscription.poll(100_000, Duration.ZERO);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } catch (CompactedException e) {
        reload(m);
        continue;
      }
      if (batch.isEmpty()) {
        continue;
      }
      m.lastApplied = checker.applied(m.id, m.lastApplied, batch);
      m.applied.addAll(batch);
      m.host.sync().ack(m.lastApplied);
    }
  }

  // ---------------------------------------------------------------- workload

  private void scheduleWorkload() {
    clock.schedule(Duration.ofMillis(2 + random.nextInt(10)), () -> {
      if (chaosActive) {
        workloadStep();
        scheduleWorkload();
      }
    });
  }

  private void workloadStep() {
    List<SimMember> live = up();
    if (live.isEmpty()) {
      return;
    }
    SimMember m = live.get(random.nextInt(live.size()));
    if (random.nextInt(10) == 0) {
      read(m);
      return;
    }
    if (random.nextInt(25) == 0) {
      compact(m);
      return;
    }
    int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(8) : 0);
    for (int i = 0; i < count; i++) {
      append(m, null);
    }
  }

  /**
   * The application hands its state (every entry it applied) to {@code Log.compact}: snapshots are
   * taken at random points on every member, and the short log tail kept behind them makes lagging,
   * restarted and new members catch up by snapshot.
   */
  private void compact(SimMember m) {
    long at = m.lastApplied;
    if (at == 0 || m.host.log().snapshot().map(s -> s.index() >= at).orElse(false)) {
      return;
    }
    List<byte[]> state = new ArrayList<>(m.applied.size());
    m.applied.forEach(e -> state.add(SimState.encode(e)));
    KayakHost h = m.host;
    h.log().compact(at, state).whenComplete((v, e) -> {
      trace("compacted " + m.number + " at " + at + " " + (e == null ? "ok" : e.getClass().getSimpleName()));
      if (e == null) {
        snapshots++;
      }
    });
  }

  /**
   * The next entry was compacted: rebuild from the snapshot, which must hold exactly the entries
   * every member applied there (State Machine Safety across installs), then listen after it.
   */
  private void reload(SimMember m) {
    Snapshot s = m.host.log().snapshot().orElseThrow(() -> new SafetyViolation(m + ": compacted log without a snapshot"));
    List<Entry> state = new ArrayList<>();
    try (Stream<byte[]> events = s.events()) {
      events.forEach(b -> state.add(SimState.decode(b)));
    }
    if (state.size() != s.index()) {
      throw new SafetyViolation(m + ": snapshot at " + s.index() + " holds " + state.size() + " entries");
    }
    trace("reload " + m.number + " from snapshot " + s.index());
    reloads++;
    m.lastApplied = checker.applied(m.id, 0, state);
    m.applied.clear();
    m.applied.addAll(state);
    m.subscription.close();
    m.subscription = m.host.log().listen(s.index() + 1);
    m.host.sync().ack(m.lastApplied);
  }

  private void append(SimMember m, Runnable onAcknowledged) {
    append(m, options.kayak().appendTimeout(), onAcknowledged);
  }

  private void append(SimMember m, Duration timeout, Runnable onAcknowledged) {
    String payload = "s" + seed + "-" + (++payloadCounter);
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    trace("append " + payload + " on " + m.number + (m.isLeader() ? " (leader)" : ""));
    m.host.log().append(bytes, timeout).whenComplete((e, error) -> {
      if (error != null) {
        trace("append failed " + payload + " " + (error.getCause() != null ? error.getCause() : error));
        return;
      }
      trace("acknowledged " + e.index() + "@" + e.term() + " " + payload);
      if (!java.util.Arrays.equals(e.payload(), bytes)) {
        throw new SafetyViolation("append of " + payload + " completed with another entry " + e);
      }
      Entry before = acknowledged.putIfAbsent(e.index(), e);
      if (before != null && !before.equals(e)) {
        throw new SafetyViolation("two appends acknowledged at index " + e.index() + ": " + before + " and " + e);
      }
      Entry applied = checker.appliedAt(e.index());
      if (applied != null && !applied.equals(e)) {
        throw new SafetyViolation("acknowledged " + e + " but " + applied + " was applied at that index");
      }
      if (onAcknowledged != null) {
        onAcknowledged.run();
      }
      // Right after an acknowledgement is when a power loss hurts: a member that counted toward it
      // may still be writing it.
      if (chaosActive && options.crashes() && random.nextInt(200) == 0) {
        clock.schedule(Duration.ofNanos(random.nextInt(3_000_000)), () -> {
          if (chaosActive) {
            powerLoss();
          }
        });
      }
    });
  }

  /** A read barrier or a linearizable read must see every append acknowledged before it was asked. */
  private void read(SimMember m) {
    long floor = acknowledged.isEmpty() ? 0 : acknowledged.lastKey();
    if (random.nextBoolean()) {
      m.host.sync().barrier().thenAccept(index -> {
        if (index < floor) {
          throw new SafetyViolation("Linearizable read: barrier at " + m + " returned " + index + " but index "
              + floor + " was acknowledged before it was asked");
        }
        reads++;
      });
    } else {
      m.host.sync().read(() -> m.lastApplied).thenAccept(applied -> {
        if (applied < floor) {
          throw new SafetyViolation("Linearizable read: read at " + m + " saw state up to " + applied + " but index "
              + floor + " was acknowledged before it was asked");
        }
        reads++;
      });
    }
  }

  /**
   * Without faults, appends from every member, across a leadership transfer, must all be
   * acknowledged: a forwarded append that a leader change loses is a bug even if it times out.
   */
  private void quiet() {
    long end = clock.nanoTime() + options.quiet().toNanos();
    // Plain Raft (no PreVote) can take several election rounds: a member with a stale log keeps
    // starting elections it cannot win. Half the quiet period is the bound for a leader.
    long leaderBound = clock.nanoTime() + options.quiet().toNanos() / 2;
    runUntil(clock.nanoTime() + options.quiet().toNanos() / 5);
    while (leader() == null && clock.nanoTime() < leaderBound) {
      runUntil(clock.nanoTime() + Duration.ofMillis(10).toNanos());
    }
    // Members of the configuration only: one that was removed while it could not hear of it is no
    // longer part of the cluster and rightly gets no answer.
    SimMember leader = leader();
    if (leader == null) {
      throw new SafetyViolation("liveness: no leader " + options.quiet().toMillis() / 2 + " ms after faults stopped");
    }
    List<SimMember> inConfig = new ArrayList<>();
    for (SimMember m : up()) {
      if (leader.membership.contains(m.id)) {
        inConfig.add(m);
      }
    }
    for (int i = 0; i < 20; i++) {
      clock.schedule(Duration.ofMillis(i * 10L), () -> {
        SimMember m = inConfig.get(random.nextInt(inConfig.size()));
        String key = "quiet-" + payloadCounter;
        quietAppends.put(key, m);
        append(m, QUIET_APPEND_TIMEOUT, () -> quietAppends.remove(key));
      });
    }
    clock.schedule(Duration.ofMillis(95), () -> {
      SimMember l = leader();
      if (l != null) {
        List<Member> voters = l.host.roster().stream().filter(Member::voter).filter(v -> !v.id().equals(l.id)).toList();
        if (!voters.isEmpty()) {
          NodeId to = voters.get(random.nextInt(voters.size())).id();
          trace("quiet transfer to " + to.shortString());
          l.host.transferLeadership(to);
        }
      }
    });
    runUntil(end);
    // Retries of appends made during the chaos may still be queued ahead of these at the pace of
    // the replication budget: they get a longer deadline, and the run goes on until they are done.
    long drained = clock.nanoTime() + QUIET_APPEND_TIMEOUT.toNanos();
    while (!quietAppends.isEmpty() && clock.nanoTime() < drained) {
      runUntil(clock.nanoTime() + Duration.ofMillis(100).toNanos());
    }
    // A removal still in flight when the faults stopped may commit now: its member's appends then
    // rightly go unanswered.
    SimMember last = leader();
    quietAppends.values().removeIf(m -> last != null && !last.membership.contains(m.id));
    if (!quietAppends.isEmpty()) {
      throw new SafetyViolation("liveness: " + quietAppends.size() + " appends issued without faults were not "
          + "acknowledged, e.g. " + quietAppends.keySet().iterator().next() + " at "
          + quietAppends.values().iterator().next());
    }
  }

  // ---------------------------------------------------------------- faults

  private void scheduleFaults(long chaosEnd) {
    clock.schedule(Duration.ofMillis(30 + random.nextInt(250)), () -> {
      if (clock.nanoTime() < chaosEnd) {
        faultStep();
        scheduleFaults(chaosEnd);
      }
    });
  }

  private void faultStep() {
    List<HostPort> addresses = new ArrayList<>();
    members.forEach(m -> addresses.add(m.address));
    int dice = random.nextInt(100);
    trace("fault " + dice);
    if (dice < 22) {
      TreeSet<HostPort> side = new TreeSet<>(ADDRESS_ORDER);
      int size = 1 + random.nextInt(Math.max(1, addresses.size() / 2));
      while (side.size() < size) {
        side.add(addresses.get(random.nextInt(addresses.size())));
      }
      TreeSet<HostPort> rest = new TreeSet<>(ADDRESS_ORDER);
      rest.addAll(addresses);
      rest.removeAll(side);
      network.network().partition(side, rest);
    } else if (dice < 32) {
      network.network().cutOneWay(addresses.get(random.nextInt(addresses.size())),
          addresses.get(random.nextInt(addresses.size())));
    } else if (dice < 52) {
      network.network().heal();
    } else if (dice < 66) {
      if (options.crashes() && random.nextInt(6) == 0) {
        // a power loss: every machine at once, so whatever was acknowledged but not yet synced
        // is gone everywhere (the fault that catches an acknowledgement sent before its fsync)
        powerLoss();
      } else if (options.crashes()) {
        // leaders are the interesting victims: half the crashes hit the leader
        SimMember l = leader();
        crash(l != null && random.nextBoolean() ? l : members.get(random.nextInt(members.size())));
      }
    } else if (dice < 82) {
      for (SimMember m : members) {
        if (!m.isUp() && !m.departed) {
          restart(m);
          break;
        }
      }
    } else if (dice < 95) {
      if (options.membership()) {
        membershipStep();
      }
    } else {
      SimMember l = leader();
      if (l != null && l.membership != null) {
        List<NodeId> voters = new ArrayList<>(l.membership.voters());
        NodeId to = voters.get(random.nextInt(voters.size()));
        trace("transfer to " + to.shortString());
        l.host.transferLeadership(to);
      }
    }
  }

  private void membershipStep() {
    SimMember l = leader();
    if (l == null || l.membership == null) {
      return;
    }
    int voters = l.membership.voters().size();
    if (random.nextInt(3) == 0 && members.size() < options.voters() + 3) {
      start(newMember(), false);
    } else if (voters > 3 || (voters > 1 && options.voters() < 3)) {
      // a random voter leaves, the leader itself one time in three
      List<NodeId> ids = new ArrayList<>(l.membership.voters());
      SimMember leaver = random.nextInt(3) == 0 ? l : byId.get(ids.get(random.nextInt(ids.size())));
      if (leaver == null || !leaver.isUp() || leaver.membership == null || !leaver.membership.isVoter(leaver.id)) {
        return;
      }
      KayakHost h = leaver.host;
      trace("leave " + leaver.number);
      h.leave().whenComplete((v, e) -> {
        trace("left " + leaver.number + " " + (e == null ? "ok" : e.getClass().getSimpleName()));
        if (e == null && leaver.host == h) {
          membershipChanges++;
          leaver.departed = true;
          down(leaver);
          h.shutdown();
        }
      });
    }
  }

  // ---------------------------------------------------------------- observation and checks

  @Override
  public void onReady(NodeId id, Ready r, RaftCore core) {
    trace(id.shortString() + " t" + core.term() + " " + r.status() + " w" + r.truncateFrom() + "/" + r.entries().size()
        + " m" + r.messages().size() + "/" + r.persistedMessages().size() + " c" + r.committed().size());
    for (Outbound o : r.messages()) {
      trace(o.to().shortString() + " " + o.message());
    }
    for (Outbound o : r.persistedMessages()) {
      trace(o.to().shortString() + " after write: " + o.message());
    }
    if (r.installIndex() > 0) {
      trace(id.shortString() + " installs snapshot " + r.installIndex() + "@" + r.installTerm());
      installs++;
    }
    if (!r.needSnapshot().isEmpty()) {
      trace(id.shortString() + " needs snapshot for " + r.needSnapshot());
    }
    for (Entry e : r.entries()) {
      checker.written(id, e, core.termAt(e.index() - 1));
      if (PRINT_TRACE) {
        trace(id.shortString() + " writes " + e);
      }
    }
  }

  @Override
  public void afterRound(NodeId id, RaftCore core) {
    SimMember m = byId.get(id);
    if (m == null || m.id == null || !m.isUp()) {
      return;
    }
    m.membership = core.membership();
    if (core.role() == Role.LEADER && leaderTermSeen.getOrDefault(id, 0L) < core.term()) {
      leaderTermSeen.put(id, core.term());
      leaderChanges++;
      checker.newLeader(id, core.term(), core::termAt, core.lastIndex());
      buggify(m, 0.05);
      buggifyIsolate(m, 0.05);
    } else if (core.role() == Role.LEADER) {
      checker.leader(id, core.term());
    }
    long seen = commitSeen.getOrDefault(id, 0L);
    for (long i = seen + 1; i <= core.commitIndex(); i++) {
      long t = core.termAt(i);
      if (t >= 0) { // below 0: compacted into a snapshot, which reload() checks entry by entry
        checker.committed(id, i, t);
      }
    }
    if (core.commitIndex() > seen && core.role() == Role.LEADER) {
      buggify(m, 0.002);
    }
    commitSeen.put(id, Math.max(seen, core.commitIndex()));
  }

  @Override
  public void onFatal(NodeId id, Throwable error) {
    if (error instanceof SafetyViolation v) {
      throw v;
    }
    SafetyViolation v = new SafetyViolation("host " + id + " stopped on a fatal error: " + error);
    v.initCause(error);
    throw v;
  }

  /**
   * Cuts a new leader off a moment from now with probability {@code p}, so that the entries it
   * appends reach few members or none: the raw material of Figure 8 (later leaders with
   * conflicting entries of different terms at the same index).
   */
  private void buggifyIsolate(SimMember m, double p) {
    if (!chaosActive || random.nextDouble() >= p) {
      return;
    }
    clock.schedule(Duration.ofNanos((long) (random.nextDouble() * 3_000_000)), () -> {
      if (chaosActive) {
        trace("isolate " + m.number);
        List<HostPort> all = new ArrayList<>();
        members.forEach(o -> all.add(o.address));
        network.network().isolate(m.address, new java.util.HashSet<>(all));
      }
    });
  }

  /**
   * Crashes {@code m} a moment from now with probability {@code p}: crashes right after a leader is
   * elected or commits are the ones that expose ordering bugs (Figure 8, counting un-synced
   * entries), and random timing rarely hits them.
   */
  private void buggify(SimMember m, double p) {
    if (!chaosActive || !options.crashes() || random.nextDouble() >= p) {
      return;
    }
    KayakHost h = m.host;
    clock.schedule(Duration.ofNanos((long) (random.nextDouble() * 3_000_000)), () -> {
      if (chaosActive && m.host == h) {
        crash(m);
      }
    });
  }

  private boolean caughtUp() {
    return livenessProblem() == null;
  }

  private void checkLiveness() {
    String problem = livenessProblem();
    if (problem != null) {
      throw new SafetyViolation("liveness: " + problem);
    }
  }

  /** What keeps the cluster from being live and complete, or null: checked once faults stopped. */
  private String livenessProblem() {
    SimMember l = leader();
    if (l == null) {
      return "no leader after " + options.quiet().toMillis() + " ms without faults";
    }
    for (NodeId id : l.membership.all()) {
      SimMember m = byId.get(id);
      if (m == null || !m.isUp()) {
        return "member " + id + " is not running";
      }
      for (Entry e : acknowledged.values()) {
        int pos = (int) (e.index() - 1);
        if (pos >= m.applied.size() || !m.applied.get(pos).equals(e)) {
          return "acknowledged " + e + " not applied at " + m + " (applied up to " + m.lastApplied
              + ", acknowledged " + acknowledged.size() + "; applied there: "
              + (pos < m.applied.size() ? m.applied.get(pos) : "nothing") + ")";
        }
      }
    }
    return null;
  }

  private void trace(String s) {
    if (PRINT_TRACE) {
      System.out.println(clock.nanoTime() / 1_000_000 + "ms " + s);
    }
    traceHash = traceHash * 1_000_003L + s.hashCode() + clock.nanoTime();
  }
}
