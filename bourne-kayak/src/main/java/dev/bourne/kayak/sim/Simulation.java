package dev.bourne.kayak.sim;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.time.VirtualClock;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.core.Membership;
import dev.bourne.kayak.core.MembershipChange;
import dev.bourne.kayak.core.Message;
import dev.bourne.kayak.core.Outbound;
import dev.bourne.kayak.core.ProposeResult;
import dev.bourne.kayak.core.RaftCore;
import dev.bourne.kayak.core.ReadResult;
import dev.bourne.kayak.core.Ready;
import dev.bourne.kayak.core.Role;
import dev.bourne.net.sim.Faults;
import dev.bourne.net.sim.SimNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One seeded, deterministic run of a Kayak cluster: grown from one member to {@link
 * SimOptions#voters()}, then a workload of appends and reads under message loss, delay,
 * duplication and reordering, partitions (one-way too), crashes that lose un-synced writes, and
 * membership changes (joins, leaves, the leader removing itself, transfers). Safety is checked
 * after every step by a {@link SafetyChecker}; after the faults stop, every acknowledged append
 * must be applied on every live member, and every confirmed read must have been at or after every
 * append acknowledged before it was asked.
 *
 * <p>Single-threaded; a run is a pure function of its seed and options.
 */
public final class Simulation implements SimNode.Observer {
  private record Proposal(long term, byte[] payload) {}

  private final long seed;
  private final SimOptions options;
  private final Random random;
  private final VirtualClock clock = new VirtualClock();
  private final SimNetwork<NodeId, Message> network;
  private final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();
  private final SafetyChecker checker = new SafetyChecker();
  private final Map<NodeId, Map<Long, Proposal>> proposals = new HashMap<>();
  private final TreeMap<Long, Entry> acknowledged = new TreeMap<>();
  private final Map<NodeId, Long> commitSeen = new HashMap<>();
  private final Map<NodeId, Long> leaderTermSeen = new HashMap<>();
  private final Map<Long, Long> readFloors = new HashMap<>();
  private final List<NodeId> joiners = new ArrayList<>();
  private long traceHash = 17;
  private long events;
  private long payloadCounter;
  private long readCounter;
  private int crashes;
  private int membershipChanges;
  private int leaderChanges;
  private int confirmedReads;
  private boolean chaosActive;

  private Simulation(long seed, SimOptions options) {
    this.seed = seed;
    this.options = options;
    this.random = new Random(seed);
    this.network = new SimNetwork<>(clock, new Random(random.nextLong()));
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
          + e.getMessage() + "\n  nodes: " + s.nodes.values());
      v.initCause(e);
      throw v;
    } catch (RuntimeException e) {
      throw new IllegalStateException("seed " + seed + " at " + s.clock.nanoTime() / 1_000_000 + " ms: " + e, e);
    }
  }

  private SimResult execute() {
    grow();
    network.setFaults(randomFaults());
    long chaosEnd = clock.nanoTime() + options.chaos().toNanos();
    chaosActive = true;
    scheduleWorkload();
    scheduleFaults(chaosEnd);
    runUntil(chaosEnd);
    chaosActive = false;
    network.heal();
    network.setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(3)));
    for (SimNode n : nodes.values()) {
      if (!n.isUp()) {
        n.restart();
      }
    }
    runUntil(clock.nanoTime() + options.quiet().toNanos());
    checkLiveness();
    return new SimResult(seed, traceHash, events, checker.checks(), acknowledged.size(), checker.maxCommitted(),
        crashes, membershipChanges, leaderChanges, confirmedReads);
  }

  /** Starts member 1 as a new cluster and joins the others one by one, without faults. */
  private void grow() {
    network.setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    SimNode first = newNode();
    first.start(true);
    long deadline = clock.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (nodes.size() < options.voters() || leader() == null
        || leader().core().membership().voters().size() < options.voters()
        || leader().core().commitIndex() < leader().core().lastIndex()) {
      if (clock.nanoTime() > deadline) {
        throw new SafetyViolation("liveness: could not grow the cluster to " + options.voters() + " voters");
      }
      SimNode l = leader();
      if (l != null && nodes.size() < options.voters()
          && l.core().membership().voters().size() == nodes.size()) {
        SimNode joiner = newNode();
        joiner.start(false);
        joiners.add(joiner.id());
      }
      tryAddJoiners();
      runUntil(clock.nanoTime() + Duration.ofMillis(20).toNanos());
    }
  }

  private SimNode newNode() {
    SimNode n = new SimNode(NodeId.random(random), clock, network, options.raft(), new Random(random.nextLong()),
        options.tick(), Duration.ofMillis(1), Duration.ofMillis(1 + random.nextInt(15)), this);
    nodes.put(n.id(), n);
    proposals.put(n.id(), new HashMap<>());
    return n;
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
    List<SimNode> leaders = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.isLeader()) {
        leaders.add(n);
      }
    }
    if (leaders.isEmpty()) {
      return;
    }
    SimNode l = leaders.get(random.nextInt(leaders.size()));
    if (random.nextInt(10) == 0) {
      long id = ++readCounter;
      readFloors.put(id, acknowledged.isEmpty() ? 0 : acknowledged.lastKey());
      l.call(c -> {
        c.requestRead(id);
        return null;
      });
      return;
    }
    int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(8) : 0);
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(("s" + seed + "-" + (++payloadCounter)).getBytes(StandardCharsets.UTF_8));
    }
    ProposeResult r = l.call(c -> c.propose(batch));
    if (r instanceof ProposeResult.Accepted a) {
      for (int i = 0; i < count; i++) {
        proposals.get(l.id()).put(a.firstIndex() + i, new Proposal(a.term(), batch.get(i)));
      }
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
    List<NodeId> ids = new ArrayList<>(nodes.keySet());
    int dice = random.nextInt(100);
    trace("fault " + dice);
    if (dice < 22) {
      TreeSet<NodeId> side = new TreeSet<>();
      int size = 1 + random.nextInt(Math.max(1, ids.size() / 2));
      while (side.size() < size) {
        side.add(ids.get(random.nextInt(ids.size())));
      }
      TreeSet<NodeId> rest = new TreeSet<>(ids);
      rest.removeAll(side);
      network.partition(side, rest);
    } else if (dice < 32) {
      network.cutOneWay(ids.get(random.nextInt(ids.size())), ids.get(random.nextInt(ids.size())));
    } else if (dice < 52) {
      network.heal();
    } else if (dice < 66) {
      if (options.crashes()) {
        // leaders are the interesting victims: half the crashes hit the leader
        SimNode l = leader();
        SimNode n = l != null && random.nextBoolean() ? l : nodes.get(ids.get(random.nextInt(ids.size())));
        if (n.isUp()) {
          n.crash();
          crashes++;
          commitSeen.remove(n.id());
        }
      }
    } else if (dice < 82) {
      for (SimNode n : nodes.values()) {
        if (!n.isUp()) {
          n.restart();
          break;
        }
      }
    } else if (dice < 95) {
      if (options.membership()) {
        membershipStep();
      }
    } else {
      SimNode l = leader();
      if (l != null) {
        List<NodeId> voters = new ArrayList<>(l.core().membership().voters());
        NodeId to = voters.get(random.nextInt(voters.size()));
        l.call(c -> c.transferLeadership(to));
      }
    }
  }

  private void membershipStep() {
    SimNode l = leader();
    if (l == null) {
      return;
    }
    Membership m = l.core().membership();
    int choice = random.nextInt(3);
    if (choice == 0 && nodes.size() < options.voters() + 3) {
      SimNode joiner = newNode();
      joiner.start(false);
      joiners.add(joiner.id());
      tryAddJoiners();
    } else if (m.voters().size() > 3 || (m.voters().size() > 1 && options.voters() < 3)) {
      // remove a random voter, the leader itself one time in three
      List<NodeId> voters = new ArrayList<>(m.voters());
      NodeId victim = choice == 1 ? l.id() : voters.get(random.nextInt(voters.size()));
      ProposeResult r = l.call(c -> c.proposeChange(new MembershipChange.Remove(victim)));
      if (r instanceof ProposeResult.Accepted) {
        membershipChanges++;
      }
    } else {
      tryAddJoiners();
    }
  }

  private void tryAddJoiners() {
    SimNode l = leader();
    if (l == null) {
      return;
    }
    for (NodeId j : joiners) {
      if (!l.core().membership().contains(j) && nodes.get(j).isUp()) {
        ProposeResult r = l.call(c -> c.proposeChange(new MembershipChange.AddLearner(j)));
        if (r instanceof ProposeResult.Accepted) {
          membershipChanges++;
        }
        return;
      }
    }
  }

  private SimNode leader() {
    SimNode best = null;
    for (SimNode n : nodes.values()) {
      if (n.isLeader() && (best == null || n.core().term() > best.core().term())) {
        best = n;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- observation and checks

  @Override
  public void onReady(SimNode node, Ready r) {
    RaftCore core = node.core();
    NodeId id = node.id();
    trace(id.shortString() + " t" + core.term() + " " + r.status() + " w" + r.truncateFrom() + "/" + r.entries().size()
        + " m" + r.messages().size() + "/" + r.persistedMessages().size() + " c" + r.committed().size());
    for (Outbound o : r.messages()) {
      trace(o.to().shortString() + " " + o.message());
    }
    for (Entry e : r.entries()) {
      checker.written(id, e, core.termAt(e.index() - 1));
    }
    long last = checker.applied(id, node.lastApplied(), r.committed());
    assert last >= node.lastApplied();
    for (Entry e : r.committed()) {
      Proposal p = proposals.get(id).remove(e.index());
      if (p != null && p.term() == e.term() && java.util.Arrays.equals(p.payload(), e.payload())) {
        acknowledged.put(e.index(), e);
      }
    }
    for (ReadResult rr : r.reads()) {
      if (rr instanceof ReadResult.Confirmed c) {
        long floor = readFloors.getOrDefault(c.requestId(), 0L);
        if (c.index() < floor) {
          throw new SafetyViolation("Linearizable read: read " + c.requestId() + " at " + id + " got index " + c.index()
              + " but index " + floor + " was acknowledged before it was asked");
        }
        confirmedReads++;
      }
    }
  }

  @Override
  public void afterInput(SimNode node) {
    RaftCore core = node.core();
    NodeId id = node.id();
    if (core.role() == Role.LEADER && leaderTermSeen.getOrDefault(id, 0L) < core.term()) {
      leaderTermSeen.put(id, core.term());
      leaderChanges++;
      checker.newLeader(id, core.term(), core::termAt, core.lastIndex());
      buggify(node, 0.05);
      buggifyIsolate(node, 0.05);
    } else if (core.role() == Role.LEADER) {
      checker.leader(id, core.term());
    }
    long seen = commitSeen.getOrDefault(id, 0L);
    for (long i = seen + 1; i <= core.commitIndex(); i++) {
      checker.committed(id, i, core.termAt(i));
    }
    if (core.commitIndex() > seen && core.role() == Role.LEADER) {
      buggify(node, 0.002);
    }
    commitSeen.put(id, Math.max(seen, core.commitIndex()));
  }

  /**
   * Cuts a new leader off a moment from now with probability {@code p}, so that the entries it
   * appends reach few members or none: the raw material of Figure 8 (later leaders with
   * conflicting entries of different terms at the same index).
   */
  private void buggifyIsolate(SimNode node, double p) {
    if (!chaosActive || random.nextDouble() >= p) {
      return;
    }
    clock.schedule(Duration.ofNanos((long) (random.nextDouble() * 3_000_000)), () -> {
      if (chaosActive) {
        trace("isolate " + node.id().shortString());
        network.isolate(node.id(), nodes.keySet());
      }
    });
  }

  /**
   * Crashes {@code node} a moment from now with probability {@code p}: crashes right after a
   * leader is elected or commits are the ones that expose ordering bugs (Figure 8, counting
   * un-synced entries), and random timing rarely hits them.
   */
  private void buggify(SimNode node, double p) {
    if (!chaosActive || !options.crashes() || random.nextDouble() >= p) {
      return;
    }
    clock.schedule(Duration.ofNanos((long) (random.nextDouble() * 3_000_000)), () -> {
      if (chaosActive && node.isUp()) {
        node.crash();
        crashes++;
        commitSeen.remove(node.id());
      }
    });
  }

  private void checkLiveness() {
    SimNode l = leader();
    if (l == null) {
      throw new SafetyViolation("liveness: no leader after " + options.quiet().toMillis() + " ms without faults");
    }
    Set<NodeId> members = l.core().membership().all();
    for (NodeId id : members) {
      SimNode n = nodes.get(id);
      if (n == null || !n.isUp()) {
        throw new SafetyViolation("liveness: member " + id + " is not running");
      }
      for (Entry e : acknowledged.values()) {
        List<Entry> applied = n.applied();
        long first = applied.isEmpty() ? 1 : applied.get(0).index();
        int pos = (int) (e.index() - first);
        if (pos < 0 || pos >= applied.size() || !applied.get(pos).equals(e)) {
          throw new SafetyViolation("liveness: acknowledged " + e + " not applied at " + n + " (applied up to "
              + n.lastApplied() + ", acknowledged " + acknowledged.size() + ")");
        }
      }
    }
  }

  private static final boolean PRINT_TRACE = Boolean.getBoolean("bourne.sim.trace");

  private void trace(String s) {
    if (PRINT_TRACE) {
      System.out.println(clock.nanoTime() / 1_000_000 + "ms " + s);
    }
    traceHash = traceHash * 1_000_003L + s.hashCode() + clock.nanoTime();
  }
}
