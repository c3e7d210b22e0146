package dev.bourne.kayak.sim;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.time.VirtualClock;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.core.Message;
import dev.bourne.kayak.core.Outbound;
import dev.bourne.kayak.core.RaftConfig;
import dev.bourne.kayak.core.RaftCore;
import dev.bourne.kayak.core.ReadResult;
import dev.bourne.kayak.core.Ready;
import dev.bourne.kayak.core.Role;
import dev.bourne.kayak.storage.MemoryLogStorage;
import dev.bourne.kayak.storage.MemoryMetaStorage;
import dev.bourne.net.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A simulated host for one {@link RaftCore}: ticks on a {@link VirtualClock}, messages over a
 * {@link SimNetwork}, storage in memory with a group-committed, delayed fsync, and a trivial state
 * machine (the list of applied entries). It carries out each {@link Ready} as a real host must:
 * hard state first, log writes, immediate messages, then after the fsync the persisted
 * notification and the messages that wait for it.
 *
 * <p>{@link #crash()} loses everything not yet synced and all in-flight work; {@link #restart()}
 * recovers a new core from what storage kept. Single-threaded (the clock's thread).
 */
public final class SimNode {
  /** Hooks a simulation uses to observe the node. */
  public interface Observer {
    /** The node's core was asked to carry out {@code ready}, before anything else happened. */
    void onReady(SimNode node, Ready ready);

    /** The node's core just handled an input. */
    void afterInput(SimNode node);
  }

  private final NodeId id;
  private final VirtualClock clock;
  private final SimNetwork<NodeId, Message> network;
  private final RaftConfig config;
  private final Random random;
  private final Duration tick;
  private final Duration minFsync;
  private final Duration maxFsync;
  private final Observer observer;
  private final MemoryLogStorage storage = new MemoryLogStorage();
  private final MemoryMetaStorage meta = new MemoryMetaStorage();
  private final List<Outbound> waitingForSync = new ArrayList<>();
  /** Log writes not yet applied to storage (a lagging writer thread), in Ready order. */
  private final List<Ready> queuedWrites = new ArrayList<>();
  /** Whether this node's "writer" applies writes only at fsync time, as a lagging writer would. */
  private final boolean lazyWriter;
  private final List<Entry> appliedEntries = new ArrayList<>();
  private final List<ReadResult> reads = new ArrayList<>();
  private RaftCore core;
  private long epoch;
  private boolean syncScheduled;
  private long lastApplied;
  private Consumer<SimNode> onApplied = n -> { };

  SimNode(NodeId id, VirtualClock clock, SimNetwork<NodeId, Message> network, RaftConfig config, Random random,
      Duration tick, Duration minFsync, Duration maxFsync, Observer observer) {
    this.id = Objects.requireNonNull(id);
    this.clock = clock;
    this.network = network;
    this.config = config;
    this.random = random;
    this.tick = tick;
    this.minFsync = minFsync;
    this.maxFsync = maxFsync;
    this.observer = observer;
    this.lazyWriter = random.nextBoolean();
  }

  /** The node's id. */
  public NodeId id() {
    return id;
  }

  /** The running core, or null while crashed. */
  public RaftCore core() {
    return core;
  }

  /** True unless crashed. */
  public boolean isUp() {
    return core != null;
  }

  /** Entries the state machine applied since the last (re)start, in order. */
  public List<Entry> applied() {
    return appliedEntries;
  }

  /** The last applied index since the last (re)start. */
  public long lastApplied() {
    return lastApplied;
  }

  /** Read results received since the last (re)start. */
  public List<ReadResult> reads() {
    return reads;
  }

  /** The node's storage (to inspect durability). */
  public MemoryLogStorage storage() {
    return storage;
  }

  void onApplied(Consumer<SimNode> c) {
    this.onApplied = c;
  }

  /** Starts (or restarts) the core from what storage kept, and its tick timer. */
  void start(boolean bootstrap) {
    if (core != null) {
      throw new IllegalStateException(id + " is running");
    }
    long myEpoch = ++epoch;
    core = new RaftCore(id, config, storage, meta.load(), new Random(random.nextLong()));
    appliedEntries.clear();
    reads.clear();
    lastApplied = storage.snapshotIndex();
    network.attach(id, (from, m) -> {
      if (epoch == myEpoch && core != null) {
        core.step(m);
        afterInput();
      }
    });
    if (bootstrap) {
      core.bootstrap();
    }
    // first tick at a random phase so that members do not tick in lockstep
    clock.schedule(Duration.ofNanos((long) (random.nextDouble() * tick.toNanos())), () -> tickLoop(myEpoch));
    afterInput();
  }

  private void tickLoop(long myEpoch) {
    if (epoch != myEpoch || core == null) {
      return;
    }
    core.tick();
    afterInput();
    clock.schedule(tick, () -> tickLoop(myEpoch));
  }

  /** Runs an application request against the core (propose, read...) and carries out the result. */
  public <T> T call(java.util.function.Function<RaftCore, T> request) {
    if (core == null) {
      throw new IllegalStateException(id + " is down");
    }
    T r = request.apply(core);
    afterInput();
    return r;
  }

  private void afterInput() {
    while (core != null && core.hasReady()) {
      handle(core.ready());
    }
    if (core != null) {
      observer.afterInput(this);
    }
  }

  private void handle(Ready r) {
    observer.onReady(this, r);
    r.hardState().ifPresent(meta::save);
    if (lazyWriter) {
      queuedWrites.add(r);
    } else {
      write(r);
    }
    for (Outbound o : r.messages()) {
      network.send(id, o.to(), o.message());
    }
    waitingForSync.addAll(r.persistedMessages());
    if ((!r.entries().isEmpty() || r.truncateFrom() > 0 || !r.persistedMessages().isEmpty()) && !syncScheduled) {
      syncScheduled = true;
      long myEpoch = epoch;
      long span = maxFsync.toNanos() - minFsync.toNanos();
      Duration d = minFsync.plusNanos(span == 0 ? 0 : (long) (random.nextDouble() * span));
      clock.schedule(d, () -> sync(myEpoch));
    }
    if (!r.committed().isEmpty()) {
      appliedEntries.addAll(r.committed());
      lastApplied = r.committed().get(r.committed().size() - 1).index();
      onApplied.accept(this);
    }
    reads.addAll(r.reads());
  }

  private void write(Ready r) {
    if (r.truncateFrom() > 0) {
      storage.truncateSuffix(r.truncateFrom());
    }
    if (!r.entries().isEmpty()) {
      storage.append(r.entries());
    }
  }

  /**
   * Group commit: one fsync covers every write so far; then what waited for it goes out. The
   * persisted notification reaches the core a moment later, as it would through an event loop,
   * so newer Readys (even truncations) may come first and the notification may be stale.
   */
  private void sync(long myEpoch) {
    if (epoch != myEpoch || core == null) {
      return;
    }
    syncScheduled = false;
    queuedWrites.forEach(this::write);
    queuedWrites.clear();
    storage.sync();
    long last = storage.lastIndex();
    for (Outbound o : waitingForSync) {
      network.send(id, o.to(), o.message());
    }
    waitingForSync.clear();
    if (last > storage.snapshotIndex()) {
      long term = storage.termAt(last);
      clock.schedule(Duration.ofNanos((long) (random.nextDouble() * 1_000_000)), () -> {
        if (epoch == myEpoch && core != null) {
          core.persisted(last, term);
          afterInput();
        }
      });
    }
  }

  /** Crashes: un-synced writes, queued messages and timers are lost; the node leaves the network. */
  public void crash() {
    if (core == null) {
      return;
    }
    epoch++;
    core = null;
    syncScheduled = false;
    waitingForSync.clear();
    queuedWrites.clear();
    network.detach(id);
    storage.crash();
  }

  /** Restarts after {@link #crash()}. */
  public void restart() {
    start(false);
  }

  /** True if this node is up and leads. */
  public boolean isLeader() {
    return core != null && core.role() == Role.LEADER;
  }

  @Override
  public String toString() {
    if (core == null) {
      return "SimNode[" + id.shortString() + " down]";
    }
    return "SimNode[" + id.shortString() + " " + core.role() + " t" + core.term() + " leader="
        + core.leader().map(NodeId::shortString).orElse("-") + " last=" + core.lastIndex() + "@" + core.lastTerm()
        + " stable=" + core.stableIndex() + " commit=" + core.commitIndex() + " applied=" + lastApplied + " "
        + core.membership() + (lazyWriter ? " lazy" : "") + "]";
  }
}
