package dev.bourne.kayak.groups;

import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.common.exec.Workers;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.VirtualClock;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.host.HostBuilder;
import dev.bourne.convoy.storage.MemoryStorage;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.core.RaftCore;
import dev.bourne.kayak.core.Ready;
import dev.bourne.kayak.groups.host.GroupsHost;
import dev.bourne.kayak.host.HostParts;
import dev.bourne.kayak.host.HostProbe;
import dev.bourne.kayak.sim.SafetyChecker;
import dev.bourne.kayak.sim.SafetyViolation;
import dev.bourne.kayak.storage.MemoryLogStorage;
import dev.bourne.kayak.storage.MemoryMetaStorage;
import dev.bourne.kayak.storage.MemorySnapshotStorage;
import dev.bourne.net.Transport;
import dev.bourne.net.sim.Faults;
import dev.bourne.net.sim.InMemoryNetwork;
import dev.bourne.net.sim.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One seeded run of gossip-formed groups: real Convoy hosts, real group members (formation and
 * autopilot) and real Kayak hosts on one virtual clock, over a simulated network with loss, delay
 * and partitions, on simulated disks that survive crashes. Machines start at random moments, some
 * never; some crash and come back on their disks. Checked after every millisecond of virtual
 * time: the group never has two cluster ids; Kayak's safety properties (through the hosts'
 * probe); once the configuration had {@code minQuorum} voters, cleanup never takes it below; and
 * at the end, every acknowledged append is in the log of every member, every machine that runs is
 * in the configuration, and the group has as many voters as it should.
 */
final class GroupSimulation implements HostProbe {
  static final String GROUP = "meta";

  /** What a run did, for the test's summary. */
  record Result(long seed, int machines, int expect, int bootstraps, int crashes, int acknowledged, int removals,
      int promotions, long traceHash) {}

  /** Which kind of run. */
  enum Scenario {
    /** Formation and autopilot under loss, delay, partitions, late and missing machines, crashes. */
    CHAOS,
    /** One machine expects another size: every member that saw it before formation reports it. */
    EXPECT_MISMATCH,
    /** A survivor of an old group and fresh machines: never bootstrapped over. */
    SURVIVOR,
    /**
     * A group placed on 3 of the tagged machines (4 to 7): machines crash, come back and arrive
     * late (up to 4 of them, so that the whole placement may move), one may not be tagged; the group
     * moves to where rendezvous hashing puts it, never losing an append.
     */
    PLACEMENT,
    /**
     * The whole placement moves: three machines form the group, then three that rendezvous hashing
     * ranks above all of them arrive; the group ends on the newcomers without losing its quorum.
     */
    FULL_MOVE
  }

  /** The replication of the placed group in {@link Scenario#PLACEMENT}. */
  private static final int REPLICATION = 3;

  private static final Duration CHECK_PERIOD = Duration.ofMillis(1);
  private static final Duration QUIET_LIMIT = Duration.ofSeconds(40);

  private final long seed;
  private final Scenario scenario;
  private final Random random;
  private final VirtualClock clock = new VirtualClock();
  private final InMemoryNetwork network;
  private final Workers workers;
  private final List<Machine> machines = new ArrayList<>();
  private final SafetyChecker checker = new SafetyChecker();
  private final Map<NodeId, RaftCore> cores = new HashMap<>();
  private final Set<ClusterId> clusters = new HashSet<>();
  private final TreeMap<Long, Long> acknowledged = new TreeMap<>();
  private final int expect;
  private int bootstraps;
  private int crashes;
  private int removals;
  private int promotions;
  private int maxVoters;
  private int moves;
  private dev.bourne.kayak.core.Membership lastMembership;
  private long traceHash = 17;
  private boolean chaos;
  /** Production presets (LAN gossip, default Kayak and autopilot timings) instead of fast ones. */
  private final boolean lan;

  /** One simulated machine: its address, its disks, and while up, its running parts. */
  private final class Machine {
    final int number;
    /** Where it listens; a machine may come back from a crash on another port. */
    HostPort address;
    final int expect;
    MemoryStorage convoyDisk = new MemoryStorage();
    final MemoryLogStorage log = new MemoryLogStorage();
    final MemoryMetaStorage meta = new MemoryMetaStorage();
    final MemorySnapshotStorage snapshots = new MemorySnapshotStorage();
    NodeId groupId;
    boolean started;
    /** In {@link Scenario#PLACEMENT}: whether it carries the group's tag. */
    boolean tagged = true;
    InMemoryTransport transport;
    ConvoyHost convoy;
    GroupsHost groups;
    GroupHandle handle;

    Machine(int number, int expect) {
      this.number = number;
      this.address = new HostPort("127.0.0.1", 9000 + number);
      this.expect = expect;
    }

    boolean up() {
      return convoy != null;
    }

    KayakHost host() {
      return handle == null ? null : handle.host().orElse(null);
    }

    @Override
    public String toString() {
      KayakHost h = host();
      return "m" + number + (up() ? "" : "[down]") + (h == null ? " " + (handle == null ? "-" : handle.status())
          : " " + h.role() + " t" + h.term() + " commit " + h.log().committed() + " " + h.roster().size() + " in roster");
    }
  }

  private GroupSimulation(long seed, Scenario scenario) {
    this(seed, scenario, new Random(seed), false);
  }

  private GroupSimulation(long seed, Scenario scenario, Random random, boolean lan) {
    this(seed, scenario, random, lan, scenario == Scenario.SURVIVOR ? 3
        : scenario == Scenario.PLACEMENT ? 4 + random.nextInt(4) : scenario == Scenario.FULL_MOVE ? 6
        : 3 + random.nextInt(5));
  }

  private GroupSimulation(long seed, Scenario scenario, Random random, boolean lan, int n) {
    // fewer than 2E candidates: the bound under which formation can never bootstrap twice
    this(seed, scenario, random, lan, n, scenario == Scenario.SURVIVOR ? 3
        : scenario == Scenario.PLACEMENT || scenario == Scenario.FULL_MOVE ? REPLICATION
        : n / 2 + 1 + random.nextInt(n - n / 2));
  }

  private GroupSimulation(long seed, Scenario scenario, Random random, boolean lan, int n, int expect) {
    this.seed = seed;
    this.scenario = scenario;
    this.random = random;
    this.lan = lan;
    this.network = new InMemoryNetwork(clock, new Random(random.nextLong()));
    this.workers = Workers.virtual(clock);
    this.expect = expect;
    for (int i = 0; i < n; i++) {
      machines.add(new Machine(i, expect));
    }
  }

  /**
   * Timings of one group, in virtual seconds, with the production presets (Convoy's LAN gossip,
   * Kayak's and autopilot's defaults) over a network of 0.2-1 ms: formation of {@code expect} voters
   * plus one learner started at once, then a voter's crash until the group has {@code expect}
   * healthy voters again, and until the dead voter is removed.
   *
   * @param formSeconds from the start of every member to a committed configuration of {@code expect}
   *     voters with a leader
   * @param healSeconds from the crash to {@code expect} voters that are alive
   * @param removeSeconds from the crash to the dead voter's removal
   */
  record Timing(double formSeconds, double healSeconds, double removeSeconds) {}

  /** Measures {@link Timing} for one seed. */
  static Timing measure(long seed, int expect) {
    GroupSimulation s = new GroupSimulation(seed, Scenario.CHAOS, new Random(seed), true, expect + 1, expect);
    try {
      return s.timing();
    } finally {
      s.machines.forEach(s::stop);
    }
  }

  private Timing timing() {
    clock.scheduleAtFixedRate(CHECK_PERIOD, this::check);
    network.network().setFaults(Faults.delay(Duration.ofNanos(200_000), Duration.ofMillis(1)));
    long start = clock.nanoTime();
    machines.forEach(this::start);
    double form = secondsUntil(start, Duration.ofSeconds(120), () -> {
      KayakHost l = leaderHost();
      return l != null && l.roster().stream().filter(Member::voter).count() == expect
          && cores.get(l.id()) != null && cores.get(l.id()).membershipCommitted();
    });
    runFor(Duration.ofSeconds(15)); // the learner becomes stable
    KayakHost leader = leaderHost();
    Machine victim = machines.stream().filter(m -> m.host() != leader && leader.roster().stream()
        .anyMatch(r -> r.id().equals(m.host().id()) && r.voter())).findFirst().orElseThrow();
    NodeId dead = victim.host().id();
    long crashAt = clock.nanoTime();
    crash(victim);
    double heal = secondsUntil(crashAt, Duration.ofSeconds(180), () -> {
      KayakHost l = leaderHost();
      return l != null && l.roster().stream().filter(r -> r.voter() && !r.id().equals(dead)).count() == expect;
    });
    double remove = secondsUntil(crashAt, Duration.ofSeconds(180), () -> {
      KayakHost l = leaderHost();
      return l != null && l.roster().stream().noneMatch(r -> r.id().equals(dead));
    });
    return new Timing(form, heal, remove);
  }

  private double secondsUntil(long since, Duration limit, java.util.function.BooleanSupplier done) {
    long deadline = clock.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (clock.nanoTime() > deadline) {
        throw new SafetyViolation("seed " + seed + ": not done within " + limit + ": " + machines);
      }
      runFor(Duration.ofMillis(5));
    }
    return (clock.nanoTime() - since) / 1e9;
  }

  /**
   * Runs one simulation.
   *
   * @throws SafetyViolation naming the seed if a property failed
   */
  static Result run(long seed, Scenario scenario) {
    GroupSimulation s = new GroupSimulation(seed, scenario);
    try {
      return s.execute();
    } catch (SafetyViolation e) {
      SafetyViolation v = new SafetyViolation("seed " + seed + " (" + scenario + ", " + s.machines.size()
          + " machines, expect " + s.expect + ") at " + s.clock.nanoTime() / 1_000_000 + " ms: " + e.getMessage()
          + "\n  machines: " + s.machines);
      v.initCause(e);
      throw v;
    } catch (RuntimeException e) {
      throw new IllegalStateException("seed " + seed + " (" + scenario + ") at " + s.clock.nanoTime() / 1_000_000
          + " ms: " + e + "\n  machines: " + s.machines, e);
    } finally {
      s.machines.forEach(s::stop);
    }
  }

  private Result execute() {
    clock.scheduleAtFixedRate(CHECK_PERIOD, this::check);
    return switch (scenario) {
      case CHAOS -> chaos();
      case EXPECT_MISMATCH -> mismatch();
      case SURVIVOR -> survivor();
      case PLACEMENT -> placement();
      case FULL_MOVE -> fullMove();
    };
  }

  // ------------------------------------------------------------------ scenarios

  private Result chaos() {
    int n = machines.size();
    int never = random.nextInt(3) == 0 ? random.nextInt(n - expect + 1) : 0;
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(1 + random.nextInt(15)))
        .withDropRate(random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.05));
    chaos = true;
    for (int i = 0; i < n - never; i++) {
      Machine m = machines.get(i);
      long at = i == 0 ? 0 : random.nextInt(3000);
      clock.schedule(Duration.ofMillis(at), () -> start(m));
    }
    if (random.nextBoolean()) {
      long at = random.nextInt(4000);
      long length = 300 + random.nextInt(3000);
      clock.schedule(Duration.ofMillis(at), this::partition);
      clock.schedule(Duration.ofMillis(at + length), () -> network.network().heal());
    }
    scheduleCrashes(random.nextInt(3), n - never, 500, 9000, 300, 4000);
    if (random.nextInt(3) == 0) {
      flap(machines.get(random.nextInt(n - never)));
    }
    chaosFor(Duration.ofSeconds(12));
    awaitHealthy(machines.stream().filter(m -> m.started).toList());
    return result();
  }

  /**
   * Crashes {@code count} machines drawn among the first {@code pool}, each at a moment in {@code
   * [from, from + span)} ms, and starts each again {@code [down, down + downSpan)} ms later.
   */
  private void scheduleCrashes(int count, int pool, int from, int span, int down, int downSpan) {
    for (int c = 0; c < count; c++) {
      Machine m = machines.get(random.nextInt(pool));
      long at = from + random.nextInt(span);
      long back = at + down + random.nextInt(downSpan);
      clock.schedule(Duration.ofMillis(at), () -> crash(m));
      clock.schedule(Duration.ofMillis(back), () -> {
        if (m.started && !m.up()) {
          start(m);
        }
      });
    }
  }

  /** Runs {@code d} of chaos with the workload, then heals the network and restarts every machine that ran. */
  private void chaosFor(Duration d) {
    clock.scheduleAtFixedRate(Duration.ofMillis(50), this::workload);
    runFor(d);
    chaos = false;
    network.network().heal();
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(3)));
    for (Machine m : machines) {
      if (m.started && !m.up()) {
        start(m);
      }
    }
  }

  private Result mismatch() {
    int n = machines.size();
    Machine odd = machines.get(random.nextInt(n));
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    for (Machine m : machines) {
      start(m, m == odd ? expect + 1 : expect, machines.stream().filter(o -> o != m && o.started).map(o -> o.address)
          .toList());
    }
    runFor(Duration.ofSeconds(5));
    for (Machine m : machines) {
      if (!m.handle.formed().isCompletedExceptionally()) {
        throw new SafetyViolation("m" + m.number + " did not report the mismatch: " + m.handle.status());
      }
      if (!m.handle.status().contains("expects")) {
        throw new SafetyViolation("m" + m.number + " failed for another reason: " + m.handle.status());
      }
    }
    if (!clusters.isEmpty()) {
      throw new SafetyViolation("a group formed despite the mismatch: " + clusters);
    }
    return result();
  }

  /**
   * hashicorp/raft #122: a group formed and committed; two of its machines lose their disks and
   * come back fresh, with two more fresh machines. The survivor is never bootstrapped over and
   * loses nothing it committed; the fresh machines join its cluster (which has no quorum left).
   */
  private Result survivor() {
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    machines.forEach(this::start);
    awaitHealthy(machines);
    clock.scheduleAtFixedRate(Duration.ofMillis(50), this::workload);
    runFor(Duration.ofSeconds(1));
    Machine survivor = machines.get(random.nextInt(machines.size()));
    long committed = survivor.host().log().committed();
    ClusterId old = survivor.host().clusterId().orElseThrow();
    List<Machine> all = new ArrayList<>(machines);
    for (Machine m : all) {
      if (m != survivor) {
        stop(m);
        machines.set(machines.indexOf(m), new Machine(m.number, expect)); // a wiped disk, same address
      }
    }
    for (int i = 0; i < 2; i++) {
      machines.add(new Machine(machines.size(), expect));
    }
    // they learn of the survivor first (the premise: a member with state is seen before forming)
    machines.forEach(m -> {
      if (!m.up()) {
        start(m, expect, List.of(survivor.address));
      }
    });
    runFor(Duration.ofSeconds(8));
    if (!clusters.equals(Set.of(old))) {
      throw new SafetyViolation("the survivor's group was bootstrapped over: clusters " + clusters);
    }
    if (survivor.host().log().committed() < committed) {
      throw new SafetyViolation("the survivor went back from " + committed + " to " + survivor.host().log().committed());
    }
    for (Machine m : machines) {
      if (m != survivor && m.host() != null && !m.host().clusterId().equals(java.util.Optional.of(old))) {
        throw new SafetyViolation("m" + m.number + " is in another cluster " + m.host().clusterId());
      }
    }
    return result();
  }

  private Result placement() {
    int n = machines.size();
    if (random.nextBoolean()) {
      machines.get(random.nextInt(n)).tagged = false;
    }
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(1 + random.nextInt(8)))
        .withDropRate(random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.03));
    chaos = true;
    // fewer than 2R at formation; the rest arrive later and may outrank the whole placement
    int present = Math.min(5, 3 + random.nextInt(n - 2));
    int late = n - present;
    for (int i = 0; i < present; i++) {
      Machine m = machines.get(i);
      clock.schedule(Duration.ofMillis(i == 0 ? 0 : random.nextInt(1000)), () -> start(m));
    }
    for (int i = present; i < n; i++) {
      Machine m = machines.get(i);
      clock.schedule(Duration.ofMillis(4000 + (i - present) * 500L + random.nextInt(1000)), () -> start(m));
    }
    scheduleCrashes(1 + random.nextInt(2), n - late, 3000, 6000, 500, 5000);
    chaosFor(Duration.ofSeconds(14));
    List<Machine> eligible = machines.stream().filter(m -> m.started && m.tagged).toList();
    List<NodeId> expected = dev.bourne.kayak.groups.core.Placement.choose(GROUP, REPLICATION,
        eligible.stream().map(m -> m.groupId).toList());
    List<Machine> placed = eligible.stream().filter(m -> expected.contains(m.groupId)).toList();
    awaitHealthy(placed);
    for (Machine m : machines) {
      if (m.up() && !placed.contains(m) && m.host() != null) {
        throw new SafetyViolation("m" + m.number + " still runs a host although the group is placed on " + expected
            + ": " + m.handle.status());
      }
    }
    return result();
  }

  private Result fullMove() {
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < machines.size(); i++) {
      ids.add(NodeId.random(random));
    }
    ids.sort(dev.bourne.kayak.groups.core.Placement.order(GROUP)); // best first
    for (int i = 0; i < 3; i++) {
      machines.get(i).groupId = ids.get(3 + i); // the first three are the lowest ranked
      machines.get(3 + i).groupId = ids.get(i);
    }
    network.network().setFaults(Faults.delay(Duration.ofMillis(1), Duration.ofMillis(5)));
    for (int i = 0; i < 3; i++) {
      Machine m = machines.get(i);
      clock.schedule(Duration.ofMillis(random.nextInt(500)), () -> start(m));
    }
    // The newcomers arrive together, so that they are ready for promotion together: promoting all
    // of them before removing anyone would leave the old members, standing down, as half of six
    // voters (without the one-voter-beyond rule this scenario loses its leader, seed 50000).
    for (int i = 3; i < 6; i++) {
      Machine m = machines.get(i);
      clock.schedule(Duration.ofMillis(4000 + random.nextInt(50)), () -> start(m));
    }
    clock.scheduleAtFixedRate(Duration.ofMillis(50), this::workload);
    runFor(Duration.ofSeconds(6));
    List<Machine> placed = machines.subList(3, 6);
    awaitHealthy(placed);
    for (Machine m : machines.subList(0, 3)) {
      if (m.host() != null) {
        throw new SafetyViolation("m" + m.number + " still runs a host after the group moved: " + m.handle.status());
      }
    }
    return result();
  }

  // ------------------------------------------------------------------ machines

  private void start(Machine m) {
    start(m, m.expect, machines.stream().filter(o -> o != m && o.started).map(o -> o.address).toList());
  }

  private void start(Machine m, int expectOfThis, List<HostPort> seeds) {
    boolean restart = m.started;
    m.started = true;
    if (restart) {
      m.convoyDisk = m.convoyDisk.reopen();
      if (scenario == Scenario.CHAOS && random.nextInt(3) == 0) {
        m.address = new HostPort("127.0.0.1", 9500 + (++moves)); // the Kayak address book must follow
        trace("m" + m.number + " comes back at " + m.address);
      }
    }
    m.transport = network.transport(m.address);
    SerialExecutor callbacks = workers.serial("convoy-callbacks-" + m.number);
    ConvoyConfig config = (lan ? ConvoyConfig.lan() : ConvoyConfig.local()).bind(m.address).build();
    m.convoy = HostBuilder.of(config).transport(m.transport).scheduler(clock).random(new Random(random.nextLong()))
        .nonces(new Random(m.number)) // gossip is not encrypted here: never drawn from
        .state(m.convoyDisk).workers(workers).callbacks(callbacks).start();
    if (!seeds.isEmpty()) {
      m.convoy.joinAsync(seeds);
    }
    m.groups = GroupsHost.start(new GroupsHost.Parts(m.convoy, m.transport, clock, workers, storage(m), List.of()));
    GroupSpec.Draft spec = GroupSpec.named(GROUP).expect(expectOfThis);
    if (scenario == Scenario.PLACEMENT || scenario == Scenario.FULL_MOVE) {
      spec.placement(REPLICATION, "meta");
      if (m.tagged && !m.convoy.store().get(GroupSpec.TAGS_KEY).exists()) {
        m.convoy.store().putAsync(GroupSpec.TAGS_KEY, "meta,ssd", 0);
      }
    }
    if (!lan) {
      spec.kayak(b -> b.tick(Duration.ofMillis(10)).ticks(10, 2).requestTimeout(Duration.ofMillis(200))
          .appendTimeout(Duration.ofMillis(1500)).joinTimeout(Duration.ofSeconds(10)))
          .autopilot(AutopilotConfig.defaults().withTimes(Duration.ofMillis(500), Duration.ofSeconds(2))
              .withPeriod(Duration.ofMillis(100)));
    }
    m.handle = m.groups.join(spec.dataDir(java.nio.file.Path.of("machine" + m.number)));
    trace("start m" + m.number + (restart ? " again" : ""));
  }

  private GroupsHost.Storage storage(Machine m) {
    return new GroupsHost.Storage() {
      @Override
      public NodeId memberId(GroupSpec spec) {
        if (m.groupId == null) {
          m.groupId = NodeId.random(random);
        }
        return m.groupId;
      }

      @Override
      public HostParts parts(GroupSpec spec, KayakConfig config, Transport transport) {
        return new HostParts(config, clock, new Random(random.nextLong()), transport, m.log, m.meta, m.snapshots,
            workers, workers, List.of(), HostParts.DEFAULT_INLINE_WRITE_MAX_ENTRIES, GroupSimulation.this);
      }
    };
  }

  /** A crash: the machine stops at once; its disks keep what was synced. */
  private void crash(Machine m) {
    if (!m.up()) {
      return;
    }
    trace("crash m" + m.number);
    crashes++;
    stop(m);
    m.log.crash();
  }

  private void stop(Machine m) {
    if (!m.up()) {
      return;
    }
    ConvoyHost c = m.convoy;
    m.convoy = null;
    c.shutdown();
    m.groups.close();
    m.transport.close();
  }

  /**
   * A flapping machine: cut off from every other one for 150-400 ms about once a second, six
   * times, from 4 s on; autopilot must neither promote it nor remove it for that.
   */
  private void flap(Machine m) {
    for (int i = 0; i < 6; i++) {
      long at = 4000 + i * 1000L + random.nextInt(300);
      long length = 150 + random.nextInt(250);
      clock.schedule(Duration.ofMillis(at), () -> {
        Set<HostPort> others = new HashSet<>();
        machines.stream().filter(o -> o != m).forEach(o -> others.add(o.address));
        trace("flap m" + m.number);
        network.network().isolate(m.address, others);
      });
      clock.schedule(Duration.ofMillis(at + length), () -> network.network().heal());
    }
  }

  private void partition() {
    List<HostPort> all = machines.stream().map(m -> m.address).toList();
    Set<HostPort> side = new HashSet<>();
    for (HostPort a : all) {
      if (random.nextBoolean()) {
        side.add(a);
      }
    }
    Set<HostPort> other = new HashSet<>(all);
    other.removeAll(side);
    trace("partition " + side);
    network.network().partition(side, other);
  }

  private void workload() {
    for (Machine m : machines) {
      KayakHost h = m.host();
      if (m.up() && h != null && h.role() == Role.LEADER && random.nextInt(2) == 0) {
        byte[] payload = ("e" + random.nextLong()).getBytes();
        h.log().append(payload).whenComplete((e, error) -> {
          if (error == null) {
            acknowledged.put(e.index(), e.term());
          }
        });
      }
    }
  }

  // ------------------------------------------------------------------ checks

  private void check() {
    for (Machine m : machines) {
      KayakHost h = m.up() ? m.host() : null;
      if (h != null) {
        h.clusterId().ifPresent(this::cluster);
      }
    }
  }

  private void cluster(ClusterId c) {
    if (clusters.add(c)) {
      bootstraps++;
      trace("cluster " + c);
      if (clusters.size() > 1) {
        throw new SafetyViolation("two clusters for group " + GROUP + ": " + clusters);
      }
      crashTheBootstrapper(c);
    }
  }

  /**
   * Now and then the bootstrapper crashes right after bootstrapping, before its advert with the
   * cluster id could spread: the others see it fail and must still not form the group without it.
   */
  private void crashTheBootstrapper(ClusterId c) {
    if (!chaos || random.nextInt(4) != 0) {
      return;
    }
    for (Machine m : machines) {
      KayakHost h = m.host();
      if (m.up() && h != null && h.clusterId().equals(java.util.Optional.of(c))) {
        long at = random.nextInt(20);
        long back = at + 500 + random.nextInt(3000);
        trace("crash the bootstrapper m" + m.number);
        clock.schedule(Duration.ofMillis(at), () -> crash(m));
        clock.schedule(Duration.ofMillis(back), () -> {
          if (!m.up()) {
            start(m);
          }
        });
        return;
      }
    }
  }

  @Override
  public void onReady(NodeId id, Ready r, RaftCore core) {
    for (Entry e : r.entries()) {
      checker.written(id, e, core.termAt(e.index() - 1));
    }
  }

  @Override
  public void afterRound(NodeId id, RaftCore core) {
    cores.put(id, core);
    if (core.role() == Role.LEADER) {
      checker.leader(id, core.term());
    }
    for (long i = Math.max(1, core.commitIndex() - 64); i <= core.commitIndex(); i++) {
      long t = core.termAt(i);
      if (t > 0) {
        checker.committed(id, i, t);
      }
    }
    if (core.role() == Role.LEADER && core.membershipCommitted()) {
      var now = core.membership();
      if (lastMembership != null && !now.equals(lastMembership)) {
        for (NodeId v : now.voters()) {
          if (lastMembership.learners().contains(v)) {
            promotions++;
          }
        }
        for (NodeId was : lastMembership.all()) {
          if (!now.contains(was)) {
            removals++;
          }
        }
      }
      lastMembership = now;
      int voters = now.voters().size();
      int floor = Math.min(maxVoters, AutopilotConfig.defaults().minQuorum());
      if (voters < floor) {
        throw new SafetyViolation("cleanup took the voters from " + maxVoters + " to " + voters + ", below min quorum");
      }
      maxVoters = Math.max(maxVoters, voters);
    }
  }

  @Override
  public void onFatal(NodeId id, Throwable error) {
    SafetyViolation v = new SafetyViolation("host " + id + " stopped on a fatal error: " + error);
    v.initCause(error);
    throw v;
  }

  /** Waits (in virtual time) until {@code expected} all run in one healthy group, then checks the end state. */
  private void awaitHealthy(List<Machine> expected) {
    long deadline = clock.nanoTime() + QUIET_LIMIT.toNanos();
    String problem = "not checked";
    while (clock.nanoTime() < deadline) {
      runFor(Duration.ofMillis(100));
      problem = unhealthy(expected);
      if (problem == null) {
        break;
      }
    }
    if (problem != null) {
      throw new SafetyViolation("liveness: " + problem);
    }
    KayakHost leader = leaderHost();
    java.util.concurrent.CompletableFuture<Entry> last = leader.log().append("final".getBytes());
    runFor(Duration.ofSeconds(2));
    if (!last.isDone() || last.isCompletedExceptionally()) {
      throw new SafetyViolation("liveness: the healthy group did not take an append: " + last);
    }
    for (Map.Entry<Long, Long> a : acknowledged.entrySet()) {
      for (Machine m : expected) {
        RaftCore core = cores.get(m.host().id());
        long t = core.termAt(a.getKey());
        if (t >= 0 && t != a.getValue() || core.commitIndex() < a.getKey()) {
          throw new SafetyViolation("acknowledged append " + a.getKey() + "@" + a.getValue() + " lost on m" + m.number
              + " (term there " + t + ", commit " + core.commitIndex() + ")");
        }
      }
    }
  }

  /** Null if every expected machine is in one configuration with a leader and the right voter count. */
  private String unhealthy(List<Machine> expected) {
    KayakHost leader = leaderHost();
    if (leader == null) {
      return "no leader";
    }
    List<Member> roster = leader.roster();
    for (Machine m : expected) {
      if (!m.up() || m.host() == null) {
        return "m" + m.number + " has no host: " + (m.handle == null ? "-" : m.handle.status());
      }
      if (roster.stream().noneMatch(r -> r.id().equals(m.host().id()))) {
        return "m" + m.number + " is not in the configuration " + roster;
      }
      if (!m.handle.formed().isDone()) {
        return "m" + m.number + " has not seen itself added";
      }
    }
    int target = expect % 2 == 0 ? expect - 1 : expect;
    long voters = roster.stream().filter(Member::voter).count();
    if (voters < Math.min(target, expected.size())) {
      return voters + " voters, fewer than " + Math.min(target, expected.size()) + ": " + roster;
    }
    if (roster.size() != expected.size()) {
      return "the configuration has " + roster.size() + " members, not " + expected.size() + ": " + roster;
    }
    return null;
  }

  private KayakHost leaderHost() {
    KayakHost best = null;
    for (Machine m : machines) {
      KayakHost h = m.up() ? m.host() : null;
      if (h != null && h.role() == Role.LEADER && (best == null || h.term() > best.term())) {
        best = h;
      }
    }
    return best;
  }

  private void runFor(Duration d) {
    long until = clock.nanoTime() + d.toNanos();
    while (clock.nextDueNanos().isPresent() && clock.nextDueNanos().getAsLong() <= until) {
      clock.runNext();
    }
    clock.advance(Duration.ofNanos(Math.max(0, until - clock.nanoTime())));
  }

  private void trace(String what) {
    traceHash = traceHash * 31 + what.hashCode() + clock.nanoTime();
  }

  private Result result() {
    return new Result(seed, machines.size(), expect, bootstraps, crashes, acknowledged.size(), removals, promotions,
        traceHash);
  }
}
