package dev.bourne.convoy.sim;

import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.common.exec.Workers;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.VirtualClock;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.GossipConfig;
import dev.bourne.convoy.api.GossipSecurity;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.host.HostBuilder;
import dev.bourne.convoy.host.HostCounters;
import dev.bourne.convoy.storage.MemoryStorage;
import dev.bourne.convoy.wire.PacketSeal;
import dev.bourne.convoy.wire.WireCodec;
import dev.bourne.net.sim.InMemoryNetwork;
import dev.bourne.net.sim.InMemoryTransport;
import dev.bourne.net.sim.SimNetwork;
import dev.bourne.net.wire.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Many real Convoy hosts on one virtual clock: each member is the host that ships, built by {@link
 * HostBuilder} from simulated parts (an {@link InMemoryNetwork} transport over one seeded {@link
 * SimNetwork}, an in-memory disk that survives crashes, {@link Workers#virtual} for its loop and
 * listeners, the virtual clock as its scheduler, and a random drawn from the seed). Application
 * requests go through the public API objects; a crash is {@link ConvoyHost#shutdown()}, a restart
 * builds a new host on the same disk. Every delivered message and every listener event goes into
 * a running trace hash, so two runs of one seed can be compared.
 *
 * <p>Not thread-safe: one test thread drives it, and every host task runs on that thread.
 */
public final class SimCluster {
  /** One simulated member: its address, its disk, and its current life (if up). */
  public final class Node {
    final HostPort address;
    MemoryStorage disk = new MemoryStorage();
    ConvoyHost host;
    HostCounters counters;
    GossipSecurity security = defaultSecurity;

    Node(HostPort address) {
      this.address = address;
    }

    /** The host of its current (or last) life. */
    public ConvoyHost host() {
      return host;
    }

    /** Its id (kept across restarts by its disk). */
    public NodeId id() {
      return host.id();
    }

    /** Its address. */
    public HostPort address() {
      return address;
    }

    /** True unless crashed, left or stopped. */
    public boolean isUp() {
      return host != null && host.isRunning();
    }

    /** What survives its crashes. */
    public MemoryStorage disk() {
      return disk;
    }

    /** Its host's counters. */
    public HostCounters counters() {
      return counters;
    }

    /** The state of {@code id} in its directory, or null if unknown. */
    public MemberState stateOf(NodeId id) {
      return host.directory().get(id).map(Member::state).orElse(null);
    }

    /** The item of {@code owner}'s {@code key} as its directory holds it (tombstones included). */
    public Item itemOf(NodeId owner, String key) {
      return host.storeOf(owner).get(key);
    }

    /** Its own incarnation, as it publishes it. */
    public long incarnation() {
      return host.self().incarnation();
    }

    /** The members its directory lists as active, self included. */
    public int activeCount() {
      return host.directory().all().size();
    }

    @Override
    public String toString() {
      return address + (host == null ? "" : " " + host.id().shortString());
    }
  }

  /** A listener event ({@code HealthEvent} or {@code MembershipEvent}) of one node at a virtual time. */
  public record EventAt(long nanos, Node node, Object event) {}

  private final long seed;
  private final Random random;
  private final VirtualClock clock = new VirtualClock();
  private final InMemoryNetwork net;
  private final Workers workers = Workers.virtual(clock);
  private final GossipConfig protocol;
  private GossipSecurity defaultSecurity = GossipSecurity.NONE;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Consumer<EventAt>> listeners = new ArrayList<>();
  private final Set<HostPort> udpBlocked = new HashSet<>();
  private long traceHash = 1125899906842597L;
  private long boots;
  private boolean tracing = true;
  private long messages;
  private long bytes;

  /** @param seed the one source of every random choice in the run */
  public SimCluster(long seed, GossipConfig protocol) {
    this.seed = seed;
    this.random = new Random(seed);
    this.protocol = protocol;
    this.net = new InMemoryNetwork(clock, new Random(random.nextLong()));
  }

  /** The seed of this run. */
  public long seed() {
    return seed;
  }

  /** The simulated network (for faults and partitions). */
  public SimNetwork<HostPort, Envelope> network() {
    return net.network();
  }

  /** The in-memory network the members' transports are on (to add a hostile peer). */
  public InMemoryNetwork transports() {
    return net;
  }

  /** The clock. */
  public VirtualClock clock() {
    return clock;
  }

  /** Virtual now in nanoseconds. */
  public long now() {
    return clock.nanoTime();
  }

  /** Called for every listener event of every node. */
  public void onEvent(Consumer<EventAt> listener) {
    listeners.add(listener);
  }

  /** All nodes created, in creation order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** Nodes that are up. */
  public List<Node> live() {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.isUp()) {
        out.add(n);
      }
    }
    return out;
  }

  /** The security of nodes added from now on ({@link GossipSecurity#NONE} unless set). */
  public void setDefaultSecurity(GossipSecurity security) {
    defaultSecurity = security;
  }

  /** The security {@code n} runs with from its next (re)start: a rolling restart's configuration change. */
  public void setSecurity(Node n, GossipSecurity security) {
    n.security = security;
  }

  /** Creates and starts a node, alone (a seed) until it joins or is joined. */
  public Node add() {
    return addAt(new HostPort("10.0." + (nodes.size() / 250) + "." + (nodes.size() % 250 + 1), 7946));
  }

  /** Creates and starts a node with a new id and an empty disk at {@code address} (which may be a crashed node's). */
  public Node addAt(HostPort address) {
    Node n = new Node(address);
    nodes.add(n);
    boot(n);
    return n;
  }

  /** Creates a node and has it join through {@code via}. */
  public Node addAndJoin(Node via) {
    Node n = add();
    join(n, via);
    return n;
  }

  /** Has {@code n} join through {@code via} ({@link ConvoyHost#joinAsync}); the future completes once joined. */
  public CompletableFuture<Void> join(Node n, Node via) {
    return n.host.joinAsync(List.of(via.address));
  }

  private void boot(Node n) {
    SimTransport transport = new SimTransport(this, net.transport(n.address));
    // Not closed with the host: futures failed by its stop still complete through it.
    SerialExecutor callbacks = workers.serial("convoy-callbacks");
    ConvoyConfig config = ConvoyConfig.local().bind(n.address).protocol(protocol).security(n.security).build();
    // Nonces from their own seeded source, one per life (a restart must not repeat them), drawn
    // without touching the run's random, so encryption does not change an unencrypted run.
    Random nonces = new Random(seed * 1_000_003L + n.address.hashCode() * 31L + boots++);
    n.host = HostBuilder.of(config).transport(transport).scheduler(clock).random(new Random(random.nextLong()))
        .nonces(nonces).state(n.disk).workers(workers).callbacks(callbacks).closeOnStop(transport)
        .start();
    n.counters = HostBuilder.counters(n.host);
    n.host.directory().onHealth(e -> event(n, e));
    n.host.directory().onMembership(e -> event(n, e));
    trace("boot " + n.host.id() + " inc " + n.incarnation());
  }

  private void event(Node n, Object e) {
    if (tracing) {
      trace(clock.nanoTime() + " " + n.address + " " + e);
    }
    EventAt at = new EventAt(clock.nanoTime(), n, e);
    for (Consumer<EventAt> l : listeners) {
      l.accept(at);
    }
  }

  /** Crashes a node ({@link ConvoyHost#shutdown()}): it stops at once; its disk survives. */
  public void crash(Node n) {
    n.host.shutdown();
    trace("crash " + n.address);
  }

  /** Restarts a crashed node from its disk (a higher incarnation, its own items), and rejoins via {@code via}. */
  public void restart(Node n, Node via) {
    restart(n, n.disk, via);
  }

  /** Restarts a stopped node from {@code disk} (a copy of an older disk, say), and rejoins via {@code via}. */
  public void restart(Node n, MemoryStorage disk, Node via) {
    n.disk = disk.reopen();
    boot(n);
    join(n, via);
  }

  /**
   * Runs the clock until {@code f} completes (at most {@code limit} of virtual time) and returns its
   * value.
   *
   * @throws AssertionError if it did not complete in time
   * @throws java.util.concurrent.CompletionException if it failed
   */
  public <T> T await(CompletableFuture<T> f, Duration limit) {
    long end = clock.nanoTime() + limit.toNanos();
    while (!f.isDone()) {
      OptionalLong next = clock.nextDueNanos();
      if (next.isEmpty() || next.getAsLong() > end) {
        break;
      }
      clock.runNext();
    }
    if (!f.isDone()) {
      throw new AssertionError("not done within " + limit + " of virtual time");
    }
    return f.join();
  }

  /** {@link #await(CompletableFuture, Duration)} within 10 s. */
  public <T> T await(CompletableFuture<T> f) {
    return await(f, Duration.ofSeconds(10));
  }

  /** Advances virtual time by {@code d}. */
  public void advance(Duration d) {
    clock.advance(d);
  }

  /** Advances until {@code done} holds or {@code limit} passes; returns whether it held. */
  public boolean runUntil(BooleanSupplier done, Duration limit, Duration step) {
    long end = clock.nanoTime() + limit.toNanos();
    while (clock.nanoTime() < end) {
      if (done.getAsBoolean()) {
        return true;
      }
      clock.advance(step);
    }
    return done.getAsBoolean();
  }

  /** True if every live node sees exactly the live nodes as active, each ALIVE. */
  public boolean converged() {
    List<Node> live = live();
    for (Node a : live) {
      List<Member> all = a.host.directory().all();
      if (all.size() != live.size()) {
        return false;
      }
      for (Node b : live) {
        if (a.stateOf(b.id()) != MemberState.ALIVE) {
          return false;
        }
      }
    }
    return true;
  }

  /** The running hash of every delivery and event so far. */
  public long traceHash() {
    return traceHash;
  }

  /** Messages the members handed to their transports so far. */
  public long messages() {
    return messages;
  }

  private boolean counting;
  private final java.util.Map<String, Long> bytesByKind = new java.util.HashMap<>();
  private final java.util.Map<String, Long> messagesByKind = new java.util.HashMap<>();
  private final java.util.Map<String, Long> largestByKind = new java.util.HashMap<>();

  /** Payload bytes the members handed to their transports so far. */
  public long bytes() {
    return bytes;
  }

  /** Turns the trace hash off (large benchmark runs) or on. */
  public void setTracing(boolean on) {
    tracing = on;
  }

  /** Drops every datagram to or from {@code n} (a firewall that lets only TCP through), or lifts it. */
  public void blockUdp(Node n, boolean blocked) {
    if (blocked) {
      udpBlocked.add(n.address);
    } else {
      udpBlocked.remove(n.address);
    }
  }

  boolean udpBlocked(HostPort address) {
    return udpBlocked.contains(address);
  }

  boolean tracing() {
    return tracing;
  }

  void sent(String method, byte[] payload) {
    messages++;
    bytes += payload.length;
    if (counting) {
      String kind = kindOf(method, payload);
      bytesByKind.merge(kind, (long) payload.length, Long::sum);
      messagesByKind.merge(kind, 1L, Long::sum);
      largestByKind.merge(kind, (long) payload.length, Math::max);
    }
  }

  /** What a message is for: {@code probe}, {@code gossip}, {@code anti-entropy} or {@code store}. */
  private static String kindOf(String method, byte[] payload) {
    if (!method.startsWith("convoy.udp") && !method.startsWith("convoy.tcp")) {
      return "store";
    }
    if ((payload[0] & 0xFF) == PacketSeal.SEALED) {
      return "encrypted";
    }
    try {
      Message m = WireCodec.decode(java.util.Arrays.copyOfRange(payload, 2 + (payload[1] & 0xFF), payload.length));
      if (m instanceof Message.Gossip) {
        return "gossip";
      }
      if (m instanceof Message.PushPull || m instanceof Message.Digest || m instanceof Message.DigestReply) {
        return "anti-entropy";
      }
      return "probe";
    } catch (RuntimeException undecodable) {
      return "other";
    }
  }

  /**
   * Starts (or stops) counting bytes and messages by kind ({@link #bytesByKind}); off by default,
   * since it decodes every message.
   */
  public void countByKind(boolean on) {
    counting = on;
  }

  /** Payload bytes sent so far by kind ({@code probe}, {@code gossip}, {@code anti-entropy}, {@code store}), answers included. */
  public java.util.Map<String, Long> bytesByKind() {
    return new java.util.TreeMap<>(bytesByKind);
  }

  /** The largest message sent so far of each kind, in bytes. */
  public java.util.Map<String, Long> largestByKind() {
    return new java.util.TreeMap<>(largestByKind);
  }

  /** Messages sent so far by kind, answers included. */
  public java.util.Map<String, Long> messagesByKind() {
    return new java.util.TreeMap<>(messagesByKind);
  }

  /**
   * Creates {@code n} nodes that already know each other (as if a push-pull from a common peer had
   * reached each), skipping formation: for benchmarks of an established group.
   */
  public void bootstrap(int n) {
    for (int i = 0; i < n; i++) {
      add();
    }
    List<Message.MemberRecord> records = new ArrayList<>();
    for (Node x : nodes) {
      records.add(new Message.MemberRecord(x.id(), x.address, x.incarnation(), x.incarnation(), MemberState.ALIVE));
    }
    InMemoryTransport introducer = net.transport(new HostPort("10.255.255.254", 1));
    // Marked as a join reply: each node takes it as what a seed told it, old news to the others.
    byte[] pushPull = envelope(WireCodec.encode(new Message.PushPull(true, true, NodeId.random(random), records, List.of())));
    for (Node x : nodes) {
      introducer.send(x.address, "convoy.udp", pushPull);
    }
  }

  /**
   * {@code payload} in the envelope a member with the default security would send it in (sealed
   * with its primary key when that encrypts): how a test hands the members hand-made messages.
   */
  public byte[] envelope(byte[] payload) {
    PacketSeal seal = new PacketSeal(defaultSecurity.clusterName());
    if (!defaultSecurity.encryption().encrypts()) {
      return seal.plain(payload);
    }
    return seal.seal(payload, new javax.crypto.spec.SecretKeySpec(defaultSecurity.keys().get(0).bytes(), "AES"), random,
        clock.wallMillis());
  }

  void trace(String line) {
    traceHash = traceHash * 31 + line.hashCode();
  }
}
