package dev.bourne.it.node;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.Convoy;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.host.HostBuilder;
import dev.bourne.it.http.Backend;
import dev.bourne.it.http.HttpAccess;
import dev.bourne.it.http.HttpApi;
import dev.bourne.it.http.Views;
import dev.bourne.it.kv.KvException;
import dev.bourne.it.kv.core.Outcome;
import dev.bourne.it.kv.core.ShardMap;
import dev.bourne.it.kv.host.GroupStore;
import dev.bourne.it.kv.host.KvService;
import dev.bourne.it.metrics.KvMetrics;
import dev.bourne.it.metrics.PrometheusMetrics;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Member;
import dev.bourne.kayak.api.Snapshot;
import dev.bourne.kayak.groups.AutopilotConfig;
import dev.bourne.kayak.groups.GroupHandle;
import dev.bourne.kayak.groups.GroupSpec;
import dev.bourne.kayak.groups.KayakGroups;
import dev.bourne.net.TlsConfig;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One integrated node: a Convoy member, the Kayak groups formed from its directory (a metadata
 * group holding the shard map, and the data groups the map names), a key/value replica on each,
 * and the HTTP API. Built from real parts: a Netty transport shared by Convoy and Kayak, files
 * under the data directory, a Prometheus registry.
 *
 * <p>{@link #start} returns once the sockets are bound; the node then finds the others, forms or
 * joins its groups and completes {@link #ready()}. Until then the key/value API answers 503
 * {@code NOT_READY}. {@link #close()} leaves gracefully; a crash loses nothing acknowledged, since
 * every write is committed to the group's durable log before it is acknowledged.
 *
 * <p>Thread-safe.
 */
public final class Node implements Backend, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  /** The name of the metadata group. */
  public static final String META_GROUP = "meta";
  private static final dev.bourne.common.retry.Backoff RETRY =
      new dev.bourne.common.retry.Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), 2.0);

  private final NodeConfig config;
  private final long startedAt = System.nanoTime();
  private final FileChannel lockFile;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final NettyTransport transport;
  private final ConvoyHost convoy;
  private final KayakGroups groups;
  private final MemberWatch watch;
  private final Map<String, GroupHandle> handles = new LinkedHashMap<>();
  private final Map<String, GroupStore> stores = new java.util.concurrent.ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  // Where key/value results continue, off Kayak's and Netty's threads.
  private final java.util.concurrent.ExecutorService kvExecutor = java.util.concurrent.Executors.newFixedThreadPool(2,
      r -> {
        Thread t = new Thread(r, "kv-exec");
        t.setDaemon(true);
        return t;
      });
  // Where reads of the local logs for the API run: never on the key/value executor, which they would delay.
  private final java.util.concurrent.ExecutorService adminExecutor = java.util.concurrent.Executors.newSingleThreadExecutor(
      r -> {
        Thread t = new Thread(r, "node-admin");
        t.setDaemon(true);
        return t;
      });
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Thread starter;
  private final HttpApi http;
  private volatile KvService kv;
  private volatile ShardMap shardMap;
  private volatile boolean closed;

  private Node(NodeConfig config) {
    this.config = config;
    this.lockFile = lock(config.dataDir());
    NettyTransport t = null;
    ConvoyHost c = null;
    KayakGroups g = null;
    try {
      TransportConfig.Builder tb = TransportConfig.builder().bind(config.bind()).maxDatagramPayload(1400)
          .maxFrameBytes(4 << 20).metrics(new PrometheusMetrics(registry));
      config.security().tls().ifPresent(tb::tls);
      t = NettyTransport.start(tb.build());
      ConvoyConfig.Builder cc = switch (config.gossip()) {
        case "wan" -> ConvoyConfig.wan();
        case "local" -> ConvoyConfig.local();
        default -> ConvoyConfig.lan();
      };
      cc.bind(t.localAddress()).dataDir(config.dataDir().resolve("convoy")).security(config.security().gossip());
      config.advertise().ifPresent(cc::advertise);
      config.security().tls().ifPresent(cc::tls); // the transport is ours; this tells Convoy whether its id is certified
      c = Convoy.start(cc.build(), t);
      boolean certified = config.security().tls().map(TlsConfig::bindsIdentity).orElse(false);
      g = certified ? KayakGroups.onCertified(c, t) : KayakGroups.on(c, t);
    } catch (RuntimeException e) {
      if (g != null) {
        g.close();
      }
      if (c != null) {
        c.shutdown();
      }
      if (t != null) {
        t.close();
      }
      release();
      throw e;
    }
    this.transport = t;
    this.convoy = c;
    this.groups = g;
    this.watch = new MemberWatch(convoy.directory());
    registerGauges();
    HttpApi api;
    try {
      api = HttpApi.start(config.http(), this, new KvMetrics(registry),
          new HttpAccess(config.security().httpToken(), config.security().adminAllowedWithoutToken()),
          config.security().tls(), config.httpLimits());
    } catch (RuntimeException e) {
      groups.close();
      convoy.shutdown();
      transport.close();
      release();
      throw e;
    }
    this.http = api;
    if (!config.join().isEmpty()) {
      convoy.joinAsync(config.join()).whenComplete((v, e) -> {
        if (e != null && !closed) {
          LOG.warn("could not join through {} yet ({}); Convoy keeps retrying", config.join(), e.getMessage());
        }
      });
    }
    this.starter = new Thread(this::form, "node-start");
    this.starter.setDaemon(true);
  }

  /**
   * Starts a node: binds its sockets and locks its data directory, then forms or joins its groups
   * in the background ({@link #ready()}).
   *
   * @throws dev.bourne.common.config.ConfigException if the configuration is invalid
   * @throws UncheckedIOException if an address cannot be bound or the data directory is unusable
   *     or in use by another node
   */
  public static Node start(NodeConfig config) {
    Node n = new Node(config);
    n.starter.start();
    return n;
  }

  /** Completes once the node serves the key/value API; fails if it stopped first. */
  public CompletableFuture<Void> ready() {
    return ready;
  }

  /** Where Convoy and Kayak listen. */
  public HostPort address() {
    return transport.localAddress();
  }

  /** Where the HTTP API listens. */
  public HostPort httpAddress() {
    return http.address();
  }

  /** This node's Convoy member. */
  public ConvoyHost convoy() {
    return convoy;
  }

  private static FileChannel lock(Path dir) {
    try {
      Files.createDirectories(dir);
      FileChannel ch = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        ch.close();
        throw new UncheckedIOException(new IOException("data directory " + dir + " is in use by another node"));
      }
      return ch;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private void release() {
    try {
      lockFile.close();
    } catch (IOException e) {
      LOG.debug("closing the data directory lock", e);
    }
  }

  private GroupSpec spec(String name) {
    return GroupSpec.named(name).expect(config.expect())
        .autopilot(AutopilotConfig.defaults().withTimes(config.stabilization(), config.deadAfter()))
        .kayak(b -> b.appendTimeout(config.requestTimeout()))
        .dataDir(config.dataDir().resolve("groups").resolve(name));
  }

  /** Joins the metadata group, reads (or writes) the shard map, joins the data groups. */
  private void form() {
    try {
      GroupStore meta = joinGroup(META_GROUP);
      ShardMap map = shardMap(meta);
      shardMap = map;
      List<GroupHandle> data = new ArrayList<>();
      for (String name : map.groups()) {
        data.add(handle(name));
      }
      List<GroupStore> dataStores = new ArrayList<>();
      for (GroupHandle h : data) {
        dataStores.add(store(h.name(), awaitFormed(h)));
      }
      kv = new KvService(dataStores);
      LOG.info("node {} ready: data groups {}", convoy.id().shortString(), map.groups());
      ready.complete(null);
    } catch (RuntimeException | InterruptedException e) {
      if (!closed) {
        LOG.error("node {} could not join its groups", convoy.id().shortString(), e);
      }
      ready.completeExceptionally(e);
    }
  }

  private GroupStore joinGroup(String name) throws InterruptedException {
    return store(name, awaitFormed(handle(name)));
  }

  private synchronized GroupHandle handle(String name) {
    if (closed) {
      throw new ClosedException("node is closed");
    }
    return handles.computeIfAbsent(name, n -> groups.join(spec(n)));
  }

  private KayakHost awaitFormed(GroupHandle h) throws InterruptedException {
    for (int waited = 1; ; waited++) {
      if (closed) {
        throw new ClosedException("node is closed");
      }
      try {
        return h.formed().get(1, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        if (waited % 10 == 0) {
          LOG.info("group {}: waiting to form ({})", h.name(), h.status());
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
  }

  private GroupStore store(String name, KayakHost host) {
    synchronized (this) {
      if (closed) {
        throw new ClosedException("node is closed");
      }
      GroupStore s = new GroupStore(name, host, config.snapshotEvery(), config.requestTimeout(), kvExecutor,
          random.nextLong());
      stores.put(name, s);
      return s;
    }
  }

  /** The cluster's shard map: read from the metadata group, written there first if missing. */
  private ShardMap shardMap(GroupStore meta) throws InterruptedException {
    ShardMap mine = ShardMap.of(config.dataGroups());
    int attempt = 0;
    while (!closed) {
      try {
        var current = meta.read(true, m -> m.get(ShardMap.KEY)).get();
        if (current.isPresent()) {
          ShardMap map = ShardMap.decode(current.get().value());
          if (!map.equals(mine)) {
            LOG.warn("the cluster's shard map has data groups {}; following it (data-groups={} here is ignored)",
                map.groups(), config.dataGroups());
          }
          return map;
        }
        Outcome o = meta.write(token -> new dev.bourne.it.kv.core.Command.Put(ShardMap.KEY, mine.encode(),
            Optional.of(0L), token, Optional.empty())).get();
        if (o instanceof Outcome.Written) {
          LOG.info("wrote the cluster's shard map: data groups {}", mine.groups());
          return mine;
        }
        // Another node wrote it first: read it on the next round.
      } catch (ExecutionException e) {
        LOG.info("reading the shard map: {}; retrying", e.getCause().toString());
        // Back off while the metadata group elects a leader.
        Thread.sleep(RETRY.delay(Math.min(attempt++, 16), random).toMillis());
      }
    }
    throw new ClosedException("node is closed");
  }

  @Override
  public KvService kv() {
    KvService s = kv;
    if (s == null || closed) {
      throw new KvException(KvException.NOT_READY, closed ? "the node is stopping"
          : "the node has not joined its groups yet (" + formationStatus() + ")");
    }
    return s;
  }

  private synchronized String formationStatus() {
    List<String> parts = new ArrayList<>();
    handles.forEach((name, h) -> parts.add(name + ": " + h.status()));
    return parts.isEmpty() ? "starting" : String.join("; ", parts);
  }

  @Override
  public List<Views.MemberInfo> members(boolean all) {
    List<dev.bourne.convoy.api.Member> listed = new ArrayList<>(convoy.directory().all());
    if (all) {
      java.util.Set<dev.bourne.common.id.NodeId> active = new java.util.HashSet<>();
      listed.forEach(m -> active.add(m.id()));
      for (dev.bourne.common.id.NodeId id : watch.known()) {
        if (!active.contains(id)) {
          convoy.directory().get(id).ifPresent(listed::add); // absent once reaped
        }
      }
      listed.sort(java.util.Comparator.comparing(dev.bourne.convoy.api.Member::id));
    }
    return listed.stream().map(m -> {
      MemberWatch.Counts c = watch.counts(m.id());
      return new Views.MemberInfo(m.id().toString(), m.address().toString(), m.state().name(), m.incarnation(),
          m.values(), c.suspected(), c.failed());
    }).toList();
  }

  @Override
  public CompletableFuture<Optional<Views.LogPage>> log(String group, long from, int limit) {
    if (from < 1 || limit < 1 || limit > Views.LogPage.MAX_ENTRIES) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "from must be at least 1 and limit between 1 and " + Views.LogPage.MAX_ENTRIES + ", got from=" + from
              + " limit=" + limit));
    }
    GroupHandle handle;
    synchronized (this) {
      handle = handles.get(group);
    }
    if (handle == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Optional<KayakHost> host = handle.host();
    if (host.isEmpty()) {
      return CompletableFuture.failedFuture(new KvException(KvException.NOT_READY,
          "group " + group + " has not formed here yet (" + handle.status() + ")"));
    }
    // Reads the local durable log: off the event loop.
    try {
      return CompletableFuture.supplyAsync(() -> Optional.of(readLog(group, host.get(), from, limit)), adminExecutor);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      return CompletableFuture.failedFuture(new ClosedException("node closed"));
    }
  }

  private static Views.LogPage readLog(String group, KayakHost host, long from, int limit) {
    long start = from;
    for (int attempt = 0; attempt < 3; attempt++) {
      try (dev.bourne.kayak.api.Subscription s = host.log().listen(start)) {
        List<dev.bourne.kayak.api.Entry> entries = s.poll(limit, Duration.ZERO);
        List<Views.LogEntry> out = new ArrayList<>(entries.size());
        for (dev.bourne.kayak.api.Entry e : entries) {
          java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
          crc.update(e.payload());
          out.add(new Views.LogEntry(e.index(), e.term(), e.kind().name(), e.payload().length,
              Long.toHexString(crc.getValue())));
        }
        return new Views.LogPage(group, start, host.log().committed(), out);
      } catch (dev.bourne.kayak.api.CompactedException compacted) {
        start = Math.max(from, compacted.firstIndex()); // the entries before it live only in the snapshot
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClosedException("interrupted while reading the log of " + group);
      }
    }
    throw new KvException(KvException.NOT_READY, "the log of " + group + " was compacted while it was read; ask again");
  }

  @Override
  public List<Views.GroupInfo> groups() {
    List<Map.Entry<String, GroupHandle>> all;
    synchronized (this) {
      all = List.copyOf(handles.entrySet());
    }
    List<Views.GroupInfo> out = new ArrayList<>();
    for (Map.Entry<String, GroupHandle> e : all) {
      Optional<KayakHost> host = e.getValue().host();
      GroupStore store = stores.get(e.getKey());
      if (host.isEmpty()) {
        out.add(new Views.GroupInfo(e.getKey(), null, e.getValue().status(), null, 0, null, List.of(), 0, 0, 0, 0));
        continue;
      }
      KayakHost h = host.get();
      List<Views.GroupMember> members = h.roster().stream()
          .map(m -> new Views.GroupMember(m.id().toString(), m.address().toString(), m.voter())).toList();
      out.add(new Views.GroupInfo(e.getKey(), h.clusterId().map(Object::toString).orElse(null), e.getValue().status(),
          h.role().name(), h.term(), h.leader().map(Member::id).map(Object::toString).orElse(null), members,
          h.log().committed(), store == null ? 0 : store.applied(),
          h.log().snapshot().map(Snapshot::index).orElse(0L), store == null ? 0 : store.keys()));
    }
    return out;
  }

  @Override
  public dev.bourne.convoy.api.GossipKeyring keyring() {
    return convoy.keyring();
  }

  @Override
  public Views.StatusInfo status() {
    ShardMap map = shardMap;
    int alive = (int) convoy.directory().all().stream().filter(m -> m.state() == MemberState.ALIVE).count();
    return new Views.StatusInfo(convoy.id().toString(), address().toString(), httpAddress().toString(),
        kv != null && !closed, map == null ? List.of() : map.groups(), alive,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt), watch.missed());
  }

  @Override
  public void scrape(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }

  private void registerGauges() {
    GaugeWithCallback.builder().name("bourne_convoy_members").help("Convoy members in this node's directory by state")
        .labelNames("state").callback(cb -> {
          Map<MemberState, Integer> counts = new java.util.EnumMap<>(MemberState.class);
          for (MemberState s : MemberState.values()) {
            counts.put(s, 0);
          }
          convoy.directory().all().forEach(m -> counts.merge(m.state(), 1, Integer::sum));
          counts.forEach((s, n) -> cb.call(n, s.name()));
        }).register(registry);
    groupGauge("bourne_kayak_term", "This node's Raft term per group", s -> s.host().term());
    groupGauge("bourne_kayak_commit_index", "Highest index known committed here per group",
        s -> s.host().log().committed());
    groupGauge("bourne_kayak_snapshot_index", "Index of the latest durable snapshot per group",
        s -> s.host().log().snapshot().map(Snapshot::index).orElse(0L));
    groupGauge("bourne_kayak_leader", "1 if this node leads the group", s -> s.host().role().name().equals("LEADER") ? 1 : 0);
    groupGauge("bourne_kv_applied_index", "Highest index this node's key/value replica applied", GroupStore::applied);
    groupGauge("bourne_kv_keys", "Keys this node's replica holds per group", GroupStore::keys);
    groupGauge("bourne_kv_sessions", "Clients in the exactly-once session table per group", GroupStore::sessions);
    groupGauge("bourne_kayak_impostor_messages", "Raft messages and requests refused per group because the sender's"
        + " certificate names another member (tls-bind-identity)", s -> s.host().impostorMessages());
    GaugeWithCallback.builder().name("bourne_convoy_impostor_messages")
        .help("Convoy TCP requests refused because the sender's certificate names another member (tls-bind-identity)")
        .callback(cb -> cb.call(HostBuilder.counters(convoy).impostorMessages())).register(registry);
  }

  private void groupGauge(String name, String help, java.util.function.ToLongFunction<GroupStore> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("group")
        .callback(cb -> stores.values().forEach(s -> cb.call(value.applyAsLong(s), s.group()))).register(registry);
  }

  /**
   * Stops gracefully: stops serving, stops the groups' replicas and hosts (they stay in their
   * groups' configurations until autopilot removes them as dead), leaves Convoy (bounded by its
   * leave timeout) and releases the data directory. Idempotent.
   */
  @Override
  public void close() {
    List<GroupStore> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(stores.values());
    }
    LOG.info("node {} stopping", convoy.id().shortString());
    // The starter is not interrupted (it may be opening files); it sees 'closed' within a second.
    try {
      http.close();
    } finally {
      try {
        watch.close();
        toClose.forEach(GroupStore::close);
        groups.close();
      } finally {
        try {
          convoy.close();
        } finally {
          transport.close();
          kvExecutor.shutdown();
          adminExecutor.shutdown();
          release();
          ready.completeExceptionally(new ClosedException("node closed"));
        }
      }
    }
  }
}
