package dev.bourne.convoy.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.exec.SerialExecutor;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.lifecycle.Lifecycle;
import dev.bourne.common.lifecycle.LifecycleState;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Cancellable;
import dev.bourne.common.time.Clock;
import dev.bourne.common.time.Scheduler;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.Directory;
import dev.bourne.convoy.api.GossipKeyring;
import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MembershipEvent;
import dev.bourne.convoy.api.Store;
import dev.bourne.convoy.core.CoreEvent;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.ProtocolConfig;
import dev.bourne.convoy.core.Ready;
import dev.bourne.convoy.core.SwimCore;
import dev.bourne.convoy.wire.MalformedMessageException;
import dev.bourne.convoy.wire.WireCodec;
import dev.bourne.net.IdentityMismatchException;
import dev.bourne.net.Inbound;
import dev.bourne.net.Transport;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host of one Convoy member: runs a {@link SwimCore} on a serial event loop, feeds it
 * datagrams, TCP requests and ticks, and carries out each {@link Ready} (persist, then notify, then
 * send; {@link #process}). It is assembled from the {@link HostParts} it is given, its time, threads,
 * randomness, network and disk included, so the simulator runs this very code on a virtual clock.
 * Publishes an immutable {@link Snapshot} after each change for lock-free reads.
 *
 * <p>Thread-safe: every core access runs on the loop. Lifecycle: running from {@link #start}, until
 * {@link #leave()}, {@link #shutdown()}, an eviction or a failed write stops it.
 */
final class ConvoyNode implements ConvoyHost, HostCounters {
  static final String UDP = "convoy.udp";
  static final String TCP = "convoy.tcp";
  static final String STORE = "convoy.store";
  static final String KEYRING = "convoy.keyring";
  private static final Logger log = LoggerFactory.getLogger(ConvoyNode.class);
  /** Datagrams that may wait for the loop; more are dropped, as the network could have. */
  static final int MAX_QUEUED_DATAGRAMS = 4096;
  /** Datagrams from one address that may wait for the loop at once: an eighth of the queue. */
  static final int MAX_QUEUED_PER_SOURCE = MAX_QUEUED_DATAGRAMS / 8;
  private static final long LOOP_ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final HostParts parts;
  private final ConvoyConfig config;
  private final Transport transport;
  private final SealedTransport sealed;
  private final Keyring keyring;
  private final ClusterKeyring clusterKeyring;
  private final DurableState state;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Random random;
  private final SerialExecutor loop;
  private final SwimCore core;
  private final Lifecycle lifecycle;
  private final ListenerHub<MembershipEvent> membershipHub;
  private final ListenerHub<HealthEvent> healthHub;
  /** Completes once the member stopped after {@link #leave()} (or any stop while leaving). */
  private final CompletableFuture<Void> left = new CompletableFuture<>();
  private final AtomicBoolean leaving = new AtomicBoolean();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicBoolean malformedLogged = new AtomicBoolean();
  private final AtomicLong impostors = new AtomicLong();
  private final AtomicInteger queuedDatagrams = new AtomicInteger();
  private final java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> queuedBySource =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong droppedDatagrams = new AtomicLong();
  private final AtomicBoolean floodLogged = new AtomicBoolean();
  /**
   * Futures of loop work not yet done: shutdown fails those the stopped loop drops, in the order
   * they were made (a hash order would make a simulated stop differ between runs of one seed).
   */
  private final Set<CompletableFuture<?>> pending = Collections.synchronizedSet(new LinkedHashSet<>());
  private final LocalStore localStore;
  private final NodeDirectory directory;
  private final long tickNanos;
  private volatile Snapshot snapshot;
  private volatile long rejectedUpdates;
  private volatile long antiEntropyRepairs;
  /** Set on the loop when a storage write failed: the member sends nothing more and stops. */
  private volatile boolean halted;
  private long publishedChange = -1;
  private long loopErrorLoggedAt = Long.MIN_VALUE;
  private long loopErrorsSuppressed;
  // Wake-up state, loop only: the next tick is at the core's next deadline, at most one per tickNanos.
  private long lastTickAt;
  private long wakeAt = Long.MAX_VALUE;
  private Cancellable wake;

  private ConvoyNode(HostParts parts) {
    this.parts = parts;
    this.config = parts.config();
    this.state = parts.state();
    this.scheduler = parts.scheduler();
    this.clock = scheduler.clock();
    this.random = parts.random();
    this.keyring = Keyring.load(config.security(), state, "at " + parts.transport().localAddress());
    this.sealed = new SealedTransport(parts.transport(), config.security(), keyring, parts.nonces(), clock,
        remote -> noteMalformed(remote, "not a convoy envelope"));
    this.transport = sealed;
    this.clusterKeyring = new ClusterKeyring(this, keyring);
    this.tickNanos = config.tickInterval().toNanos();
    this.lastTickAt = clock.nanoTime() - tickNanos;
    this.core = newCore();
    NodeId id = core.id();
    this.lifecycle = new Lifecycle("convoy member " + id.shortString());
    this.loop = parts.workers().serial("convoy-" + id.shortString());
    this.membershipHub = new ListenerHub<>("membership", config.listenerQueue(), parts.workers());
    this.healthHub = new ListenerHub<>("health", config.listenerQueue(), parts.workers());
    this.localStore = new LocalStore(this);
    this.directory = new NodeDirectory(this);
    publish();
  }

  private SwimCore newCore() {
    Optional<NodeId> stored = state.id();
    Optional<NodeId> certified = config.certifiedId();
    if (certified.isPresent() && stored.isPresent() && !stored.equals(certified)) {
      log.warn("convoy member {} now takes the id {} its certificate names; its earlier data is not kept",
          stored.get(), certified.get());
      stored = Optional.empty();
    }
    NodeId id = certified.or(state::id).orElseGet(() -> NodeId.random(random));
    long incarnation = stored.isPresent() ? state.incarnation() + 1 : 1;
    Map<String, Item> items = stored.isPresent() ? state.items() : Map.of();
    long lastVersion = stored.isPresent() ? state.lastVersion() : 0;
    state.begin(id, incarnation);
    return new SwimCore(ProtocolConfig.from(config.protocol(), sealed.overhead()), new Random(random.nextLong()), id,
        transport.localAddress(), incarnation, items, lastVersion, clock.nanoTime());
  }

  /** Builds and starts a member from its parts: alone until it joins or is joined. */
  static ConvoyNode start(HostParts parts) {
    ConvoyNode node = new ConvoyNode(parts);
    try {
      node.begin();
    } catch (RuntimeException e) {
      node.shutdown();
      throw e;
    }
    return node;
  }

  private void begin() {
    lifecycle.advanceTo(LifecycleState.STARTING);
    transport.listen(UDP, this::onDatagram);
    transport.handle(TCP, this::onRequest);
    transport.handle(STORE, (from, payload) -> onLoop(() -> StoreRpc.serve(this, core, payload)));
    sealed.handleEncryptedOnly(KEYRING, (from, payload) -> onLoop(() -> ClusterKeyring.serve(keyring, payload)));
    execute(this::scheduleWake);
    lifecycle.advanceTo(LifecycleState.RUNNING);
    log.info("convoy member {} started at {}", core.id(), transport.localAddress());
  }

  // ---------------------------------------------------------------- loop work

  private void tick() {
    wakeAt = Long.MAX_VALUE;
    wake = null;
    if (halted) {
      return;
    }
    long now = clock.nanoTime();
    lastTickAt = now;
    try {
      core.tick(now);
      process(core.drain());
    } catch (RuntimeException e) {
      loopFailed("tick", e);
    }
    if (leaving.get() && core.leaveDisseminated()) {
      stopAfterLeave(true);
    }
  }

  /**
   * Asks the scheduler for a tick at the core's next deadline, but not sooner than {@code
   * tickInterval} after the last tick (a host may tick later than asked, never needs to tick more
   * often): an idle member costs no wake-ups, a busy one at most one per tick interval. Runs on the
   * loop after every input.
   */
  private void scheduleWake() {
    long next = core.nextWakeNanos();
    if (halted || loop.isClosed() || next == Long.MAX_VALUE) {
      return;
    }
    long at = Math.max(next, lastTickAt + tickNanos);
    if (at >= wakeAt) {
      return; // the tick already asked for comes first
    }
    if (wake != null) {
      wake.cancel();
    }
    wakeAt = at;
    try {
      wake = scheduler.schedule(Duration.ofNanos(Math.max(0, at - clock.nanoTime())), () -> execute(this::tick));
    } catch (IllegalStateException e) {
      wakeAt = Long.MAX_VALUE; // the scheduler stopped: so is this member
    }
  }

  /**
   * Queues a datagram for the loop, or drops it (counted, logged once) when {@link
   * #MAX_QUEUED_DATAGRAMS} already wait, or {@link #MAX_QUEUED_PER_SOURCE} from the same address: a
   * flood must not grow the loop's queue without bound, and one flooding address must not take
   * the queue from the others.
   */
  void onDatagram(Inbound from, byte[] payload) {
    String source = from.remote().host();
    AtomicInteger mine = queuedBySource.computeIfAbsent(source, k -> new AtomicInteger());
    if (mine.incrementAndGet() > MAX_QUEUED_PER_SOURCE) {
      release(source, mine);
      drop("more than " + MAX_QUEUED_PER_SOURCE + " datagrams from " + source + " waiting for the loop");
      return;
    }
    if (queuedDatagrams.incrementAndGet() > MAX_QUEUED_DATAGRAMS) {
      queuedDatagrams.decrementAndGet();
      release(source, mine);
      drop("more than " + MAX_QUEUED_DATAGRAMS + " datagrams waiting for the loop");
      return;
    }
    execute(() -> {
      queuedDatagrams.decrementAndGet();
      release(source, mine);
      Message m = decode(from.remote(), payload);
      if (m != null && !halted) {
        core.receive(clock.nanoTime(), from.source(), m);
        process(core.drain());
      }
    });
  }

  /** One datagram from {@code source} left the queue; its counter goes once none wait (the map stays bounded). */
  private void release(String source, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) {
      queuedBySource.remove(source, count);
    }
  }

  private void drop(String why) {
    droppedDatagrams.incrementAndGet();
    if (floodLogged.compareAndSet(false, true)) {
      log.warn("convoy member {}: {}; dropping (logged once; counted)", core.id(), why);
    }
  }

  private CompletableFuture<byte[]> onRequest(Inbound from, byte[] payload) {
    return onLoop(() -> {
      Message m = decode(from.remote(), payload);
      if (m == null) {
        throw new MalformedMessageException("not a convoy message");
      }
      if (!from.mayClaim(m.sender())) {
        IdentityMismatchException e = new IdentityMismatchException(m.sender().toString(), from);
        if (impostors.incrementAndGet() == 1) {
          log.warn("refusing a peer that speaks for another member (logged once; counted): {}", e.getMessage());
        }
        throw e;
      }
      Optional<Message> answer = core.answer(clock.nanoTime(), from.source(), m);
      process(core.drain());
      return WireCodec.encode(answer.orElseThrow(() ->
          new ConvoyException(ConvoyException.NO_SUCH_MEMBER, "this request is not for member " + core.id())));
    });
  }

  /** Decodes a message, or counts it malformed (logged once) and returns null. */
  Message decode(HostPort remote, byte[] payload) {
    try {
      return WireCodec.decode(payload);
    } catch (MalformedMessageException e) {
      noteMalformed(remote, e.getMessage());
      return null;
    }
  }

  private void noteMalformed(HostPort remote, String why) {
    malformed.incrementAndGet();
    if (malformedLogged.compareAndSet(false, true)) {
      log.warn("dropping malformed convoy message from {} (logged once; counted): {}", remote, why);
    }
  }

  /**
   * Carries out one {@link Ready}: persist, then notify, then send; then publish the new view and
   * ask for the next tick. The one place a core's output is executed, in production and in
   * simulation. Runs on the loop.
   */
  void process(Ready ready) {
    if (halted) {
      throw new ClosedException("convoy member " + id().shortString() + " stopped: its state could not be persisted");
    }
    try {
      for (CoreEvent e : ready.events()) {
        carryOut(e);
      }
      Sends.carryOut(this, ready.sends());
      if (core.changeCount() != publishedChange) {
        publish();
      }
      rejectedUpdates = core.rejectedUpdates();
      antiEntropyRepairs = core.digestRepairs();
    } finally {
      scheduleWake();
    }
  }

  private void carryOut(CoreEvent e) {
    if (e instanceof CoreEvent.IncarnationChanged ic) {
      persist(() -> state.saveIncarnation(ic.incarnation()));
    } else if (e instanceof CoreEvent.OwnItemChanged oi) {
      persist(() -> state.saveItem(oi.key(), oi.item(), oi.lastVersion()));
    } else if (e instanceof CoreEvent.Membership m) {
      membershipHub.publish(m.event());
    } else if (e instanceof CoreEvent.Health h) {
      healthHub.publish(h.event());
    } else if (e instanceof CoreEvent.SelfEvicted) {
      log.warn("convoy member {} was evicted from the group; closing", core.id());
      persist(state::wipe);
      execute(this::shutdown); // after this Ready: its sends still go out
    }
  }

  /**
   * Runs one storage write. If it fails, nothing the core decided since may be sent (a peer would
   * keep a version or incarnation this member forgets on restart, and reuse later): the member
   * stops sending at once and shuts down, as a crash would. Runs on the loop.
   *
   * @throws ClosedException wrapping the storage failure
   */
  private void persist(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException | Error e) { // MapDB reports a closed or broken store as an Error
      halted = true;
      log.error("convoy member {}: cannot persist its state; stopping as a crash would", core.id(), e);
      execute(this::shutdown);
      ClosedException closed = new ClosedException("convoy member " + id().shortString()
          + " stopped: its state could not be persisted (" + e + ")");
      closed.initCause(e);
      throw closed;
    }
  }

  private void publish() {
    publishedChange = core.changeCount();
    List<Member> members = core.members();
    Map<NodeId, Map<String, Item>> items = new TreeMap<>();
    for (Member m : members) {
      items.put(m.id(), core.itemsOf(m.id()));
    }
    snapshot = new Snapshot(core.self(), List.copyOf(members), items);
  }

  /**
   * Runs {@code work} on the loop; the future fails with {@link ClosedException} once stopped,
   * including when shutdown drops the work before it ran.
   */
  <T> CompletableFuture<T> onLoop(Callable<T> work) {
    CompletableFuture<T> f = track(new CompletableFuture<>());
    loop.execute(() -> {
      try {
        f.complete(work.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    if (loop.isClosed()) { // dropped, or about to be: shutdown may have looked at pending already
      f.completeExceptionally(closedError());
    }
    return f;
  }

  /** Registers a future that shutdown must fail if it is still open then. */
  <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    pending.add(f);
    f.whenComplete((v, e) -> pending.remove(f));
    return f;
  }

  /** {@code f}'s outcome, completed on the callback executor: never on the loop or a transport thread. */
  <T> CompletableFuture<T> offLoop(CompletableFuture<T> f) {
    return f.whenCompleteAsync((r, e) -> { }, parts.callbacks());
  }

  /**
   * Logs a failure of loop work at most once per {@link #LOOP_ERROR_LOG_INTERVAL_NANOS}: a failure
   * that repeats every tick (a full disk, say) must not flood the log. Runs on the loop.
   */
  private void loopFailed(String what, RuntimeException e) {
    long now = clock.nanoTime();
    if (loopErrorLoggedAt != Long.MIN_VALUE && now - loopErrorLoggedAt < LOOP_ERROR_LOG_INTERVAL_NANOS) {
      loopErrorsSuppressed++;
      return;
    }
    loopErrorLoggedAt = now;
    log.error("convoy member {}: loop {} failed ({} more failures since the last report)", core.id(), what,
        loopErrorsSuppressed, e);
    loopErrorsSuppressed = 0;
  }

  /** Runs {@code work} on the loop, logging what it throws; dropped once stopped. */
  void execute(Runnable work) {
    loop.execute(() -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        loopFailed("task", e);
      }
    });
  }

  // ---------------------------------------------------------------- API

  @Override
  public NodeId id() {
    return core.id();
  }

  @Override
  public HostPort address() {
    return transport.localAddress();
  }

  @Override
  public Member self() {
    return snapshot.self();
  }

  @Override
  public Store store() {
    return localStore;
  }

  @Override
  public Store storeOf(NodeId owner) {
    Objects.requireNonNull(owner, "owner");
    return owner.equals(id()) ? localStore : new RemoteStore(this, owner);
  }

  @Override
  public GossipKeyring keyring() {
    return clusterKeyring;
  }

  @Override
  public Directory directory() {
    return directory;
  }

  @Override
  public boolean isRunning() {
    return lifecycle.isRunning();
  }

  @Override
  public CompletableFuture<Void> joinAsync(List<HostPort> seeds) {
    Objects.requireNonNull(seeds, "seeds");
    for (HostPort seed : seeds) { // not contains(null): immutable lists throw on a null query
      Objects.requireNonNull(seed, () -> "seeds must not contain null: " + seeds);
    }
    List<HostPort> others = seeds.stream().filter(s -> !s.equals(address())).toList();
    return offLoop(onLoop(() -> {
      core.setSeeds(others);
      return null;
    }).thenCompose(v -> others.isEmpty() ? CompletableFuture.<Void>completedFuture(null)
        : track(new JoinRounds(this, others).start())));
  }

  @Override
  public CompletableFuture<Void> leave() {
    if (!lifecycle.isRunning()) {
      shutdown();
      return offLoop(CompletableFuture.completedFuture(null));
    }
    if (leaving.compareAndSet(false, true)) {
      try {
        scheduler.schedule(config.leaveTimeout(), () -> execute(() -> stopAfterLeave(false)));
      } catch (IllegalStateException e) {
        shutdown(); // the scheduler stopped: nothing could spread the leave
      }
      execute(() -> {
        core.leave(clock.nanoTime());
        process(core.drain());
        if (core.leaveDisseminated()) {
          stopAfterLeave(true);
        }
      });
    }
    return offLoop(left);
  }

  /** Stops a leaving member once its leave spread or its time ran out. Runs on the loop. */
  private void stopAfterLeave(boolean spread) {
    if (!spread && isRunning()) {
      log.warn("convoy member {}: leave not fully spread within {}; stopping anyway", id(), config.leaveTimeout());
    }
    shutdown();
  }

  @Override
  public void close() {
    try {
      Futures.join(leave());
    } catch (RuntimeException e) {
      log.debug("leave failed", e);
      shutdown();
    }
  }

  @Override
  public void shutdown() {
    if (!lifecycle.advanceTo(LifecycleState.STOPPING)) {
      return;
    }
    loop.close(); // waits for a task in progress, unless this is it
    if (wake != null) {
      wake.cancel();
    }
    // Work dropped from the queue never ran: its callers must not wait forever.
    List<CompletableFuture<?>> dropped;
    synchronized (pending) {
      dropped = List.copyOf(pending);
    }
    for (CompletableFuture<?> f : dropped) {
      f.completeExceptionally(closedError());
    }
    for (AutoCloseable c : parts.closeOnStop()) {
      closeQuietly(c);
    }
    closeQuietly(state);
    membershipHub.close();
    healthHub.close();
    lifecycle.advanceTo(LifecycleState.TERMINATED);
    left.complete(null);
    log.info("convoy member {} stopped", id());
  }

  private void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception | Error e) { // a broken disk must not keep the rest open
      log.warn("convoy member {}: closing {} failed", id(), c, e);
    }
  }

  // ---------------------------------------------------------------- for the host's helpers

  /** The latest published view. */
  Snapshot snapshot() {
    return snapshot;
  }

  /** The core: loop only. */
  SwimCore core() {
    return core;
  }

  Transport transport() {
    return transport;
  }

  ConvoyConfig config() {
    return config;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  Random random() {
    return random;
  }

  /** Now on the member's clock. */
  long now() {
    return clock.nanoTime();
  }

  /** The member's durable state (tests inject failures through it). */
  DurableState state() {
    return state;
  }

  void checkRunning() {
    if (!lifecycle.isRunning()) {
      throw closedError();
    }
  }

  private ClosedException closedError() {
    return new ClosedException("convoy member " + id().shortString() + " is " + lifecycle.state());
  }

  AutoCloseable subscribeMembership(dev.bourne.convoy.api.Listener<MembershipEvent> l) {
    return membershipHub.subscribe(l);
  }

  AutoCloseable subscribeHealth(dev.bourne.convoy.api.Listener<HealthEvent> l) {
    return healthHub.subscribe(l);
  }

  @Override
  public long droppedDatagrams() {
    return droppedDatagrams.get();
  }

  @Override
  public long foreignClusterMessages() {
    return sealed.foreignClusterMessages();
  }

  @Override
  public long unauthenticatedMessages() {
    return sealed.unauthenticatedMessages();
  }

  @Override
  public long replayedMessages() {
    return sealed.replayedMessages();
  }

  @Override
  public long plaintextMessages() {
    return sealed.plaintextMessages();
  }

  @Override
  public long malformedMessages() {
    return malformed.get();
  }

  @Override
  public long impostorMessages() {
    return impostors.get();
  }

  @Override
  public long rejectedUpdates() {
    return rejectedUpdates;
  }

  @Override
  public long antiEntropyRepairs() {
    return antiEntropyRepairs;
  }

  @Override
  public int knownMembers() {
    return snapshot.members().size();
  }
}
