package dev.bourne.convoy.sim;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.VirtualClock;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.Channel;
import dev.bourne.convoy.core.CoreEvent;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.ProtocolConfig;
import dev.bourne.convoy.core.Send;
import dev.bourne.convoy.core.Ready;
import dev.bourne.convoy.core.SwimCore;
import dev.bourne.net.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Many Convoy cores on one virtual clock over a {@link SimNetwork}: deterministic for a seed. Each
 * node is ticked exactly when its core next has work ({@link SwimCore#nextWakeNanos()}); TCP
 * requests are answered through {@link SwimCore#answer}; a TCP request to a crashed node fails at
 * once (as a refused connection would), a datagram to it is lost. Every delivery and event goes
 * into a running trace hash, so two runs of one seed can be compared.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class SimCluster {
  /** What travels on the simulated wire. */
  record Packet(Message message, Channel channel, boolean reply, long sendId) {}

  /** One simulated member: its core, its "disk", and whether it is up. */
  public final class Node {
    final HostPort address;
    final NodeId id;
    SwimCore core;
    boolean up;
    long scheduledWake = Long.MAX_VALUE;
    long persistedIncarnation;
    final TreeMap<String, Item> disk = new TreeMap<>();
    long diskLastVersion;

    Node(HostPort address, NodeId id) {
      this.address = address;
      this.id = id;
    }

    /** This node's core (for inspection and app requests). */
    public SwimCore core() {
      return core;
    }

    /** Its id. */
    public NodeId id() {
      return id;
    }

    /** Its address. */
    public HostPort address() {
      return address;
    }

    /** True unless crashed. */
    public boolean isUp() {
      return up;
    }
  }

  private final long seed;
  private final Random random;
  private final VirtualClock clock = new VirtualClock();
  private final SimNetwork<HostPort, Packet> net;
  private final ProtocolConfig config;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Consumer<EventAt>> listeners = new ArrayList<>();
  private ToIntFunction<Message> sizer = m -> 0;
  private long traceHash = 1125899906842597L;
  private boolean tracing = true;
  private long messages;
  private long bytes;

  /** An event of one node at a virtual time. */
  public record EventAt(long nanos, Node node, CoreEvent event) {}

  /** @param seed the one source of every random choice in the run */
  public SimCluster(long seed, ProtocolConfig config) {
    this.seed = seed;
    this.random = new Random(seed);
    this.config = config;
    this.net = new SimNetwork<>(clock, new Random(random.nextLong()));
  }

  /** The seed of this run. */
  public long seed() {
    return seed;
  }

  /** The simulated network (for faults and partitions). */
  public SimNetwork<HostPort, ?> network() {
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

  /** Counts encoded message sizes with {@code sizer} (default: not counted). */
  public void setSizer(ToIntFunction<Message> sizer) {
    this.sizer = sizer;
  }

  /** Called for every core event of every node. */
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
      if (n.up) {
        out.add(n);
      }
    }
    return out;
  }

  /** Creates and starts a node, alone (a seed) until it joins or is joined. */
  public Node add() {
    return addAt(new HostPort("10.0." + (nodes.size() / 250) + "." + (nodes.size() % 250 + 1), 7946));
  }

  /** Creates and starts a node with a new id at {@code address} (which may be a crashed node's). */
  public Node addAt(HostPort address) {
    Node n = new Node(address, NodeId.random(random));
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

  /** Sends {@code n}'s join request to {@code via}, as a host's join would. */
  public void join(Node n, Node via) {
    n.core.setSeeds(List.of(via.address));
    transmit(n, new Send(via.address, n.core.joinRequest(), Channel.TCP, 0));
  }

  private void boot(Node n) {
    n.persistedIncarnation++;
    n.core = new SwimCore(config, new Random(random.nextLong()), n.id, n.address, n.persistedIncarnation,
        n.disk, n.diskLastVersion, clock.nanoTime());
    n.up = true;
    n.scheduledWake = Long.MAX_VALUE;
    net.attach(n.address, (from, p) -> deliver(n, from, p));
    flush(n);
  }

  /** Crashes a node: it stops at once; its "disk" (incarnation, own items) survives. */
  public void crash(Node n) {
    n.up = false;
    net.detach(n.address);
    trace("crash " + n.id);
  }

  /** Restarts a crashed node from its disk with a higher incarnation, and rejoins via {@code via}. */
  public void restart(Node n, Node via) {
    boot(n);
    join(n, via);
  }

  /** Runs an app request on a node and carries out what it produced. */
  public <T> T run(Node n, java.util.function.Function<SwimCore, T> request) {
    T result = request.apply(n.core);
    flush(n);
    return result;
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

  /** True if every live node sees every live node ALIVE and {@code active} members in all. */
  public boolean converged() {
    List<Node> live = live();
    for (Node a : live) {
      if (a.core.activeCount() != live.size()) {
        return false;
      }
      for (Node b : live) {
        if (a.core.stateOf(b.id) != MemberState.ALIVE) {
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

  /** Messages sent so far. */
  public long messages() {
    return messages;
  }

  /** Bytes sent so far, as counted by the sizer. */
  public long bytes() {
    return bytes;
  }

  private void deliver(Node n, HostPort from, Packet p) {
    if (!n.up) {
      return;
    }
    long now = clock.nanoTime();
    if (tracing) {
      trace(now + " " + from + ">" + n.address + " " + p.message.getClass().getSimpleName() + (p.reply ? "r" : ""));
    }
    if (p.channel == Channel.TCP && !p.reply) {
      Optional<Message> answer = n.core.answer(now, from, p.message);
      flush(n);
      answer.ifPresent(a -> send(n.address, from, new Packet(a, Channel.TCP, true, 0)));
    } else {
      n.core.receive(now, from, p.message);
      flush(n);
    }
  }

  private void flush(Node n) {
    if (!n.up) {
      return;
    }
    Ready step = n.core.drain();
    for (CoreEvent e : step.events()) {
      if (tracing) {
        trace(clock.nanoTime() + " " + n.id.shortString() + " " + e);
      }
      if (e instanceof CoreEvent.IncarnationChanged ic) {
        n.persistedIncarnation = Math.max(n.persistedIncarnation, ic.incarnation());
      } else if (e instanceof CoreEvent.OwnItemChanged oi) {
        n.disk.put(oi.key(), oi.item());
        n.diskLastVersion = oi.lastVersion();
      }
      EventAt at = new EventAt(clock.nanoTime(), n, e);
      for (Consumer<EventAt> l : listeners) {
        l.accept(at);
      }
    }
    for (Send s : step.sends()) {
      transmit(n, s);
    }
    long wake = n.core.nextWakeNanos();
    if (wake < n.scheduledWake) {
      n.scheduledWake = wake;
      clock.schedule(Duration.ofNanos(Math.max(0, wake - clock.nanoTime())), () -> {
        if (n.up && n.scheduledWake == wake) {
          n.scheduledWake = Long.MAX_VALUE;
          n.core.tick(clock.nanoTime());
          if (n.core.nextWakeNanos() <= clock.nanoTime()) {
            throw new IllegalStateException("invariant: a tick must move the core's next wake-up past now");
          }
          flush(n);
        }
      });
    }
  }

  private void transmit(Node n, Send s) {
    if (s.channel() == Channel.TCP && !net.isAttached(s.to())) {
      // A refused connection: the host would see the call fail at once.
      n.core.sendFailed(clock.nanoTime(), s.sendId());
      return;
    }
    send(n.address, s.to(), new Packet(s.message(), s.channel(), false, s.sendId()));
  }

  private final java.util.Set<HostPort> udpBlocked = new java.util.HashSet<>();

  /** Drops every datagram to or from {@code n} (a firewall that lets only TCP through), or lifts it. */
  public void blockUdp(Node n, boolean blocked) {
    if (blocked) {
      udpBlocked.add(n.address);
    } else {
      udpBlocked.remove(n.address);
    }
  }

  private void send(HostPort from, HostPort to, Packet p) {
    if (p.channel == Channel.UDP && (udpBlocked.contains(from) || udpBlocked.contains(to))) {
      messages++;
      return;
    }
    messages++;
    bytes += sizer.applyAsInt(p.message);
    net.send(from, to, p);
  }

  private void trace(String line) {
    traceHash = traceHash * 31 + line.hashCode();
  }

  /** Turns the trace hash off (large benchmark runs) or on. */
  public void setTracing(boolean on) {
    tracing = on;
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
      records.add(new Message.MemberRecord(x.id, x.address, x.core.incarnation(), x.core.incarnation(),
          MemberState.ALIVE));
    }
    NodeId introducer = NodeId.random(random);
    HostPort from = new HostPort("10.255.255.254", 1);
    Message.PushPull pp = new Message.PushPull(true, false, introducer, records, List.of());
    for (Node x : nodes) {
      x.core.receive(clock.nanoTime(), from, pp);
      flush(x);
    }
  }

  /** Number of nodes by address, for tests. */
  public Map<HostPort, Node> byAddress() {
    Map<HostPort, Node> m = new TreeMap<>(java.util.Comparator.comparing(HostPort::toString));
    for (Node n : nodes) {
      m.put(n.address, n);
    }
    return m;
  }
}
