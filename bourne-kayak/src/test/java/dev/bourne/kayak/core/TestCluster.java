package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.storage.MemoryLogStorage;
import dev.bourne.kayak.storage.MemoryMetaStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for scenario tests: every member's Ready is carried out synchronously
 * (storage synced at once unless a member's persistence is held), messages queue until {@link
 * #deliver} and can be dropped by cutting links. Deterministic.
 */
final class TestCluster {
  static NodeId id(int n) {
    return new NodeId(new UUID((long) n << 32, n));
  }

  final class Member {
    final NodeId id;
    final MemoryLogStorage storage = new MemoryLogStorage();
    final MemoryMetaStorage meta = new MemoryMetaStorage();
    RaftCore core;
    final List<Entry> applied = new ArrayList<>();
    /** Everything applied, across restarts. */
    final List<Entry> appliedEver = new ArrayList<>();
    final List<ReadResult> reads = new ArrayList<>();
    /** When true, writes are not synced and persisted messages wait (a slow disk). */
    boolean holdPersistence;
    final List<Outbound> heldMessages = new ArrayList<>();
    boolean down;

    Member(NodeId id) {
      this.id = id;
      start();
    }

    void start() {
      core = new RaftCore(id, config, storage, meta.load(), new Random(random.nextLong()));
      down = false;
    }

    void crash() {
      storage.crash();
      heldMessages.clear();
      down = true;
      applied.clear();
    }

    void process() {
      while (!down && core.hasReady()) {
        Ready r = core.ready();
        r.hardState().ifPresent(meta::save);
        if (r.truncateFrom() > 0) {
          storage.truncateSuffix(r.truncateFrom());
        }
        storage.append(r.entries());
        r.messages().forEach(queue::add);
        heldMessages.addAll(r.persistedMessages());
        if (!holdPersistence) {
          flushPersistence();
        }
        applied.addAll(r.committed());
        appliedEver.addAll(r.committed());
        reads.addAll(r.reads());
      }
    }

    void flushPersistence() {
      storage.sync();
      if (storage.lastIndex() > 0) {
        core.persisted(storage.lastIndex(), storage.termAt(storage.lastIndex()));
      }
      queue.addAll(heldMessages);
      heldMessages.clear();
    }
  }

  final RaftConfig config;
  final Random random;
  final Map<NodeId, Member> members = new TreeMap<>();
  final ArrayDeque<Outbound> queue = new ArrayDeque<>();
  private final Set<List<NodeId>> cut = new HashSet<>();
  final List<String> trace = new ArrayList<>();
  /** Whether {@link #trace} records deliveries (off for benchmarks). */
  boolean recordTrace = true;
  /** Messages matching this are lost. */
  Predicate<Outbound> dropIf = o -> false;
  /** Rewrites messages in flight (e.g. to shrink a batch). */
  java.util.function.UnaryOperator<Message> rewrite = m -> m;

  TestCluster(RaftConfig config, long seed) {
    this.config = config;
    this.random = new Random(seed);
  }

  /** A cluster of {@code n} voters, member 1 bootstrapped and the others added and promoted. */
  static TestCluster ofVoters(int n, RaftConfig config) {
    TestCluster c = new TestCluster(config, 42);
    Member first = c.add(1);
    first.core.bootstrap();
    first.process();
    c.elect(1);
    for (int i = 2; i <= n; i++) {
      c.add(i);
      c.propose(1, new MembershipChange.AddLearner(id(i)));
      c.settle();
      c.propose(1, new MembershipChange.Promote(id(i)));
      c.settle();
    }
    return c;
  }

  Member add(int n) {
    Member m = new Member(id(n));
    members.put(m.id, m);
    return m;
  }

  Member m(int n) {
    return members.get(id(n));
  }

  RaftCore core(int n) {
    return m(n).core;
  }

  void cut(int a, int b) {
    cut.add(List.of(id(a), id(b)));
    cut.add(List.of(id(b), id(a)));
  }

  void cutOneWay(int from, int to) {
    cut.add(List.of(id(from), id(to)));
  }

  void isolate(int a) {
    for (NodeId o : members.keySet()) {
      if (!o.equals(id(a))) {
        cut.add(List.of(id(a), o));
        cut.add(List.of(o, id(a)));
      }
    }
  }

  void heal() {
    cut.clear();
  }

  void processAll() {
    members.values().forEach(Member::process);
  }

  /** Delivers queued messages (and everything they cause) until quiet; returns how many. */
  int deliver() {
    return deliver(o -> true);
  }

  int deliver(Predicate<Outbound> filter) {
    processAll();
    int n = 0;
    while (!queue.isEmpty()) {
      Outbound o = queue.poll();
      Member to = members.get(o.to());
      Message msg = o.message();
      if (to == null || to.down || cut.contains(List.of(msg.from(), o.to())) || !filter.test(o) || dropIf.test(o)) {
        continue;
      }
      msg = rewrite.apply(msg);
      if (recordTrace) {
        trace.add(msg.from().shortString() + "->" + o.to().shortString() + " " + msg);
      }
      to.core.step(msg);
      to.process();
      n++;
    }
    return n;
  }

  void tick(int n, int times) {
    for (int i = 0; i < times; i++) {
      m(n).core.tick();
      m(n).process();
    }
  }

  /** Ticks everyone once and delivers. */
  void tickAll() {
    for (Member m : members.values()) {
      if (!m.down) {
        m.core.tick();
      }
    }
    deliver();
  }

  /** Makes member {@code n} campaign (by ticking it alone past its timeout) and delivers. */
  void elect(int n) {
    for (int i = 0; i < 10 * config.electionTicks() && core(n).role() != Role.LEADER; i++) {
      tick(n, 1);
      deliver();
    }
    if (core(n).role() != Role.LEADER) {
      throw new AssertionError(id(n).shortString() + " failed to become leader: " + core(n).status());
    }
  }

  /** Makes member {@code n} campaign at once, as a leadership transfer would (bypassing leases). */
  void forceCampaign(int n) {
    core(n).step(new Message.TimeoutNow(core(n).term(), id(99)));
    m(n).process();
    deliver();
  }

  /** Counts delivered messages of one kind to member {@code to}, as recorded in the trace. */
  long delivered(String kind, int to) {
    String prefix = "->" + id(to).shortString() + " " + kind;
    return trace.stream().filter(t -> t.contains(prefix)).count();
  }

  ProposeResult propose(int n, String payload) {
    ProposeResult r = core(n).propose(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    m(n).process();
    return r;
  }

  ProposeResult propose(int n, MembershipChange change) {
    ProposeResult r = core(n).proposeChange(change);
    m(n).process();
    return r;
  }

  /** Delivers and ticks heartbeats a few rounds so that commit indexes propagate. */
  void settle() {
    for (int i = 0; i < 3 * config.heartbeatTicks() + 3; i++) {
      deliver();
      for (Member m : members.values()) {
        if (!m.down && m.core.role() == Role.LEADER) {
          m.core.tick();
          m.process();
        }
      }
    }
    deliver();
  }

  List<NodeId> leaders() {
    List<NodeId> out = new ArrayList<>();
    members.values().forEach(m -> {
      if (!m.down && m.core.role() == Role.LEADER) {
        out.add(m.id);
      }
    });
    return out;
  }
}
