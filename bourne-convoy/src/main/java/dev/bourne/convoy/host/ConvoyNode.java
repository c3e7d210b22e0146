package dev.bourne.convoy.host;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.lifecycle.Lifecycle;
import dev.bourne.common.lifecycle.LifecycleState;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Clock;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.Directory;
import dev.bourne.convoy.api.HealthEvent;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.Member;
import dev.bourne.convoy.api.MembershipEvent;
import dev.bourne.convoy.api.Store;
import dev.bourne.convoy.core.Channel;
import dev.bourne.convoy.core.CoreEvent;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.Send;
import dev.bourne.convoy.core.Ready;
import dev.bourne.convoy.core.SwimCore;
import dev.bourne.convoy.storage.MemberStorage;
import dev.bourne.convoy.wire.MalformedMessageException;
import dev.bourne.convoy.wire.WireCodec;
import dev.bourne.net.Inbound;
import dev.bourne.net.Transport;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host of one Convoy member: runs a {@link SwimCore} on a single event-loop thread, feeds it
 * datagrams, TCP requests and ticks, and carries out what it asks (sends over the {@link
 * Transport}, persistence in {@link MemberStorage}, listener delivery). Publishes an immutable
 * {@link Snapshot} after each change for lock-free reads.
 *
 * <p>Thread-safe: every core access runs on the loop thread.
 */
public final class ConvoyNode implements ConvoyHost {
  static final String UDP = "convoy.udp";
  static final String TCP = "convoy.tcp";
  static final String STORE = "convoy.store";
  private static final Logger log = LoggerFactory.getLogger(ConvoyNode.class);
  /** Datagrams that may wait for the loop; more are dropped, as the network could have. */
  static final int MAX_QUEUED_DATAGRAMS = 4096;
  private static final long LOOP_ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ConvoyConfig config;
  private final Transport transport;
  private final boolean ownsTransport;
  private final MemberStorage storage;
  private final ScheduledThreadPoolExecutor loop;
  private final SwimCore core;
  private final Clock clock = Clock.system();
  private final Lifecycle lifecycle;
  private final ListenerHub<MembershipEvent> membershipHub;
  private final ListenerHub<HealthEvent> healthHub;
  private final CompletableFuture<Void> leaveSpread = new CompletableFuture<>();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicBoolean malformedLogged = new AtomicBoolean();
  private final AtomicInteger queuedDatagrams = new AtomicInteger();
  private final AtomicLong droppedDatagrams = new AtomicLong();
  private final AtomicBoolean floodLogged = new AtomicBoolean();
  /** Futures of loop work not yet run: shutdown fails those the stopped loop drops. */
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final LocalStore localStore;
  private final NodeDirectory directory;
  private volatile Snapshot snapshot;
  private volatile boolean leaving;
  /** Set on the loop when a storage write failed: the member sends nothing more and stops. */
  private volatile boolean halted;
  private long publishedChange = -1;
  private long loopErrorLoggedAt = Long.MIN_VALUE;
  private long loopErrorsSuppressed;
  private ScheduledFuture<?> ticker;

  private ConvoyNode(ConvoyConfig config, Transport transport, boolean ownsTransport) {
    this.config = config;
    this.transport = transport;
    this.ownsTransport = ownsTransport;
    this.storage = config.dataDir().map(MemberStorage::open).orElse(null);
    try {
      this.core = newCore(config, transport);
    } catch (RuntimeException e) {
      if (storage != null) {
        storage.close();
      }
      throw e;
    }
    NodeId id = core.id();
    this.lifecycle = new Lifecycle("convoy member " + id.shortString());
    this.loop = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "convoy-" + id.shortString());
      t.setDaemon(true);
      return t;
    });
    loop.setRemoveOnCancelPolicy(true);
    this.membershipHub = new ListenerHub<>("membership", config.listenerQueue());
    this.healthHub = new ListenerHub<>("health", config.listenerQueue());
    this.localStore = new LocalStore(this);
    this.directory = new NodeDirectory(this);
    publish();
  }

  private SwimCore newCore(ConvoyConfig config, Transport transport) {
    NodeId id;
    long incarnation;
    Map<String, Item> items = Map.of();
    long lastVersion = 0;
    if (storage != null && storage.id().isPresent()) {
      id = storage.id().get();
      incarnation = storage.incarnation() + 1;
      items = storage.items();
      lastVersion = storage.lastVersion();
    } else {
      id = NodeId.random();
      incarnation = 1;
    }
    if (storage != null) {
      storage.begin(id, incarnation);
    }
    Random random = new Random(new SecureRandom().nextLong());
    return new SwimCore(config.protocol(), random, id, transport.localAddress(), incarnation, items,
        lastVersion, clock.nanoTime());
  }

  /**
   * Starts a member on {@code transport} (or on a new Netty transport if null), alone until it
   * joins or is joined.
   */
  public static ConvoyNode start(ConvoyConfig config, Transport transport) {
    boolean owns = transport == null;
    Transport t = owns ? NettyTransports.start(config) : transport;
    ConvoyNode node;
    try {
      node = new ConvoyNode(config, t, owns);
    } catch (RuntimeException e) {
      if (owns) {
        t.close();
      }
      throw e;
    }
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
    long tick = config.tickInterval().toNanos();
    ticker = loop.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    lifecycle.advanceTo(LifecycleState.RUNNING);
    log.info("convoy member {} started at {}", core.id(), transport.localAddress());
  }

  /**
   * Joins through {@code seeds}: rounds of push-pull requests to each seed, with backoff between
   * rounds, up to the configured attempts.
   *
   * @throws ConvoyException code {@code JOIN_FAILED} listing every seed tried and why it failed
   */
  public void join(List<HostPort> seeds) {
    List<HostPort> others = new ArrayList<>();
    for (HostPort s : seeds) {
      if (!s.equals(address())) {
        others.add(s);
      }
    }
    onLoop(() -> {
      core.setSeeds(others);
      return null;
    }).join();
    if (others.isEmpty()) {
      return;
    }
    List<String> tried = new ArrayList<>();
    Random random = new Random();
    for (int attempt = 0; attempt < config.joinAttempts(); attempt++) {
      if (attempt > 0) {
        // A backoff between rounds, not a wait for a condition.
        java.util.concurrent.locks.LockSupport.parkNanos(config.joinBackoff().delay(attempt - 1, random).toNanos());
      }
      for (HostPort seed : others) {
        lifecycle.checkRunning();
        try {
          byte[] request = onLoop(() -> WireCodec.encode(core.joinRequest())).join();
          byte[] reply = transport.call(seed, TCP, request, config.requestTimeout())
              .get(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
          Message m = WireCodec.decode(reply);
          onLoop(() -> {
            core.receive(clock.nanoTime(), seed, m);
            process(core.drain());
            return null;
          }).join();
          log.info("convoy member {} joined through {}", core.id(), seed);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ConvoyException(ConvoyException.JOIN_FAILED, "interrupted while joining", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          tried.add(seed + " (round " + (attempt + 1) + "): " + cause);
        }
      }
    }
    throw new ConvoyException(ConvoyException.JOIN_FAILED, "could not join through any seed after "
        + config.joinAttempts() + " rounds; tried " + String.join("; ", tried));
  }

  // ---------------------------------------------------------------- loop work

  private void tick() {
    if (halted) {
      return;
    }
    try {
      core.tick(clock.nanoTime());
      process(core.drain());
      if (leaving && core.leaveDisseminated()) {
        leaveSpread.complete(null);
      }
    } catch (RuntimeException e) {
      loopFailed("tick", e);
    }
  }

  /**
   * Queues a datagram for the loop, or drops it (counted, logged once) when {@link
   * #MAX_QUEUED_DATAGRAMS} already wait: a flood must not grow the loop's queue without bound.
   */
  void onDatagram(Inbound from, byte[] payload) {
    if (queuedDatagrams.incrementAndGet() > MAX_QUEUED_DATAGRAMS) {
      queuedDatagrams.decrementAndGet();
      droppedDatagrams.incrementAndGet();
      if (floodLogged.compareAndSet(false, true)) {
        log.warn("convoy member {}: more than {} datagrams waiting for the loop; dropping (logged once; counted)",
            core.id(), MAX_QUEUED_DATAGRAMS);
      }
      return;
    }
    execute(() -> {
      queuedDatagrams.decrementAndGet();
      Message m = decode(from, payload);
      if (m != null && !halted) {
        core.receive(clock.nanoTime(), from.source(), m);
        process(core.drain());
      }
    });
  }

  private CompletableFuture<byte[]> onRequest(Inbound from, byte[] payload) {
    return onLoop(() -> {
      Message m = decode(from, payload);
      if (m == null) {
        throw new MalformedMessageException("not a convoy message");
      }
      Optional<Message> answer = core.answer(clock.nanoTime(), from.source(), m);
      process(core.drain());
      return WireCodec.encode(answer.orElseThrow(() ->
          new ConvoyException(ConvoyException.NO_SUCH_MEMBER, "this request is not for member " + core.id())));
    });
  }

  private Message decode(Inbound from, byte[] payload) {
    try {
      return WireCodec.decode(payload);
    } catch (MalformedMessageException e) {
      malformed.incrementAndGet();
      if (malformedLogged.compareAndSet(false, true)) {
        log.warn("dropping malformed convoy message from {} (logged once; counted): {}", from.remote(), e.getMessage());
      }
      return null;
    }
  }

  /** Carries out one step: persist, then notify, then send. Runs on the loop. */
  void process(Ready step) {
    if (halted) {
      throw new ClosedException("convoy member " + id().shortString() + " stopped: its state could not be persisted");
    }
    for (CoreEvent e : step.events()) {
      if (e instanceof CoreEvent.IncarnationChanged ic) {
        if (storage != null) {
          persist(() -> storage.saveIncarnation(ic.incarnation()));
        }
      } else if (e instanceof CoreEvent.OwnItemChanged oi) {
        if (storage != null) {
          persist(() -> storage.saveItem(oi.key(), oi.item(), oi.lastVersion()));
        }
      } else if (e instanceof CoreEvent.Membership m) {
        membershipHub.publish(m.event());
      } else if (e instanceof CoreEvent.Health h) {
        healthHub.publish(h.event());
      } else if (e instanceof CoreEvent.SelfEvicted) {
        log.warn("convoy member {} was evicted from the group; closing", core.id());
        if (storage != null) {
          storage.wipe();
        }
        new Thread(this::shutdown, "convoy-evicted").start();
      }
    }
    for (Send s : step.sends()) {
      send(s);
    }
    if (core.changeCount() != publishedChange) {
      publish();
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
      new Thread(this::shutdown, "convoy-halt").start();
      ClosedException closed = new ClosedException("convoy member " + id().shortString()
          + " stopped: its state could not be persisted (" + e + ")");
      closed.initCause(e);
      throw closed;
    }
  }

  private void send(Send s) {
    byte[] bytes = WireCodec.encode(s.message());
    long id = s.sendId();
    HostPort to = s.to();
    if (s.channel() == Channel.UDP) {
      CompletableFuture<Void> f;
      try {
        f = bytes.length <= transport.maxDatagramPayload()
            ? transport.sendDatagram(to, UDP, bytes)
            : transport.send(to, UDP, bytes); // too big for one datagram: the same message over TCP
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((ok, err) -> {
        if (err != null) {
          execute(() -> core.sendFailed(clock.nanoTime(), id));
        }
      });
    } else {
      transport.call(to, TCP, bytes, config.requestTimeout()).whenComplete((reply, err) -> execute(() -> {
        if (err != null) {
          core.sendFailed(clock.nanoTime(), id);
          return;
        }
        Message m = decode(new Inbound(to, to), reply);
        if (m != null) {
          core.receive(clock.nanoTime(), to, m);
        }
        process(core.drain());
      }));
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
    CompletableFuture<T> f = new CompletableFuture<>();
    // Registered before it is queued, so a shutdown that drops the task always finds the future.
    pending.add(f);
    f.whenComplete((v, e) -> pending.remove(f));
    try {
      loop.execute(() -> {
        try {
          f.complete(work.call());
        } catch (Throwable t) {
          f.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new ClosedException("convoy member " + core.id().shortString() + " is closed"));
    }
    return f;
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

  private void execute(Runnable work) {
    try {
      loop.execute(() -> {
        try {
          work.run();
        } catch (RuntimeException e) {
          loopFailed("task", e);
        }
      });
    } catch (RejectedExecutionException ignored) {
      // Stopped: late network callbacks have nothing left to update.
    }
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
  public Directory directory() {
    return directory;
  }

  @Override
  public boolean isRunning() {
    return lifecycle.isRunning();
  }

  /** The member's storage, or null without a data directory (tests inject failures through it). */
  MemberStorage storage() {
    return storage;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  SwimCore core() {
    return core;
  }

  Transport transport() {
    return transport;
  }

  ConvoyConfig config() {
    return config;
  }

  void checkRunning() {
    if (!lifecycle.isRunning()) {
      throw new ClosedException("convoy member " + id().shortString() + " is " + lifecycle.state());
    }
  }

  AutoCloseable subscribeMembership(dev.bourne.convoy.api.Listener<MembershipEvent> l) {
    return membershipHub.subscribe(l);
  }

  AutoCloseable subscribeHealth(dev.bourne.convoy.api.Listener<HealthEvent> l) {
    return healthHub.subscribe(l);
  }

  /** Datagrams dropped since start because too many were already waiting for the event loop. */
  public long droppedDatagrams() {
    return droppedDatagrams.get();
  }

  /** Messages dropped as malformed since start. */
  public long malformedMessages() {
    return malformed.get();
  }

  @Override
  public void close() {
    if (!lifecycle.isRunning()) {
      shutdown();
      return;
    }
    leaving = true;
    // One deadline for both waits: close() is documented to wait at most the leave timeout.
    long deadline = clock.nanoTime() + config.leaveTimeout().toNanos();
    try {
      onLoop(() -> {
        core.leave(clock.nanoTime());
        process(core.drain());
        return null;
      }).get(config.leaveTimeout().toNanos(), TimeUnit.NANOSECONDS);
      leaveSpread.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("convoy member {}: leave not fully spread within {}; stopping anyway", id(), config.leaveTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.debug("leave failed", e);
    }
    shutdown();
  }

  @Override
  public void shutdown() {
    if (!lifecycle.advanceTo(LifecycleState.STOPPING)) {
      return;
    }
    if (ticker != null) {
      ticker.cancel(false);
    }
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Work dropped from the queue never ran: its callers must not wait forever.
    for (CompletableFuture<?> f : List.copyOf(pending)) {
      f.completeExceptionally(new ClosedException("convoy member " + id().shortString() + " stopped"));
    }
    if (ownsTransport) {
      transport.close();
    }
    if (storage != null) {
      storage.close();
    }
    membershipHub.close();
    healthHub.close();
    lifecycle.advanceTo(LifecycleState.TERMINATED);
    log.info("convoy member {} stopped", id());
  }
}
