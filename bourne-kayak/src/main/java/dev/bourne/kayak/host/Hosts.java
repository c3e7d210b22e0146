package dev.bourne.kayak.host;

import dev.bourne.common.exec.Workers;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Scheduler;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.ClusterMismatchException;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.storage.FileSnapshotStorage;
import dev.bourne.kayak.storage.MapDbMetaStorage;
import dev.bourne.kayak.storage.SegmentedLog;
import dev.bourne.kayak.storage.SegmentedLogOptions;
import dev.bourne.net.Transport;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Assembles Kayak hosts from their parts: the one way in for the {@code Kayak} facade (production
 * parts) and for the simulator (simulated parts). Hosts themselves are not public types.
 */
public final class Hosts {
  private Hosts() {}

  /**
   * The production parts of a member: the segmented log and MapDB metadata in {@code
   * config.dataDir()}, the system scheduler, a securely seeded random, and a thread each for the
   * event loop and the storage writer.
   *
   * @param transport the transport the host uses
   * @param ownsTransport whether the host closes it when it stops
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be opened or recovered
   */
  public static HostParts production(KayakConfig config, Transport transport, boolean ownsTransport) {
    return production(config, transport, ownsTransport, null);
  }

  /**
   * As {@link #production(KayakConfig, Transport, boolean)}, on a scheduler shared with other
   * hosts (several groups of one process), which the host does not close; null for its own.
   */
  public static HostParts production(KayakConfig config, Transport transport, boolean ownsTransport,
      Scheduler shared) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(transport, "transport");
    SegmentedLog log = SegmentedLog.open(config.dataDir().resolve("log"), SegmentedLogOptions.builder()
        .segmentBytes(config.segmentBytes()).maxEntryBytes(config.maxEntryBytes()).build());
    MapDbMetaStorage meta;
    FileSnapshotStorage snapshots;
    try {
      meta = MapDbMetaStorage.open(config.dataDir().resolve("meta.db"));
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
    try {
      snapshots = FileSnapshotStorage.open(config.dataDir().resolve("snapshots"));
    } catch (RuntimeException e) {
      log.close();
      meta.close();
      throw e;
    }
    Scheduler timer = shared != null ? shared : Scheduler.system("kayak-timer-" + transport.localAddress().port());
    List<AutoCloseable> owned = new ArrayList<>();
    if (shared == null) {
      owned.add(timer);
    }
    if (ownsTransport) {
      owned.add(transport);
    }
    owned.add(log);
    owned.add(meta);
    owned.add(snapshots);
    return new HostParts(config, timer, new Random(new SecureRandom().nextLong()), transport, log, meta, snapshots,
        Workers.threads(), Workers.threads(), owned, HostParts.DEFAULT_INLINE_WRITE_MAX_ENTRIES, HostProbe.NONE);
  }

  /**
   * Starts a member: a member of no cluster starts a new one, under a new {@code ClusterId}, as its
   * only voter; a member of a cluster (its data directory says which) resumes it, and never starts
   * another, even if its log is empty. On failure every part is released.
   *
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be read
   */
  public static KayakHost start(HostParts parts) {
    RaftHost host = create(parts);
    return launch(host, () -> {
      if (host.isNew()) {
        host.bootstrap();
      }
    });
  }

  /**
   * Runs {@code first}, starts {@code host} and finishes an unfinished join (a learner, or a member
   * accepted that never got an entry); on failure the host and every part are released.
   */
  private static KayakHost launch(RaftHost host, Runnable first) {
    try {
      first.run();
      host.start();
      if (host.joinUnfinished()) {
        host.finishJoin();
      }
    } catch (RuntimeException e) {
      host.shutdown();
      throw e;
    }
    return host;
  }

  /**
   * Starts a new cluster whose first voters are {@code voters} (this member, by its configured
   * {@code memberId}, among them), each reached at its address. The others are started with
   * {@link #join(HostParts, List, ClusterId)} and this host's {@code clusterId()}; the cluster has a
   * leader once a majority of {@code voters} runs. A member that already belongs to a cluster
   * resumes it and is never bootstrapped over. On failure every part is released.
   *
   * @throws IllegalArgumentException if {@code voters} does not include this member
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be read
   */
  public static KayakHost bootstrap(HostParts parts, java.util.Map<NodeId, HostPort> voters) {
    Objects.requireNonNull(voters, "voters");
    RaftHost host = create(parts);
    return launch(host, () -> {
      if (host.isNew()) {
        host.bootstrap(java.util.Map.copyOf(voters));
      }
    });
  }

  /**
   * Like {@link #join(HostParts, List)}, for a member told in advance which cluster it joins (by
   * gossip, or by whoever bootstrapped it): a new member belongs to {@code cluster} at once, so that
   * it accepts that cluster's messages (and votes in its first election) before any leader exists.
   * A member of another cluster fails {@code joined} with {@code ClusterMismatchException}.
   */
  public static Joining join(HostParts parts, List<HostPort> peers, ClusterId cluster) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(peers, "peers");
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("join needs at least one peer");
    }
    RaftHost host = create(parts);
    ClusterMismatchException wrong;
    try {
      wrong = host.adopt(cluster, peers.get(0));
    } catch (RuntimeException e) {
      host.shutdown();
      throw e;
    }
    if (wrong != null) {
      host.shutdown();
      return new Joining(host, CompletableFuture.failedFuture(wrong));
    }
    return join(host, false, List.copyOf(peers));
  }

  /**
   * Resumes a member whose data directory belongs to a cluster; a directory that belongs to none
   * is left untouched, its parts released, and the answer is empty (the caller decides between
   * bootstrapping and joining, as group formation does).
   *
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be read
   */
  public static Optional<KayakHost> resume(HostParts parts) {
    RaftHost host = create(parts);
    if (host.isNew()) {
      host.shutdown();
      return Optional.empty();
    }
    return Optional.of(launch(host, () -> { }));
  }

  /**
   * Starts a member of {@code cluster} that waits for that cluster's leader to add it (no join
   * requests): a new member belongs to {@code cluster} from now on and accepts its messages. For
   * members whose leader learns of them otherwise, as a group's autopilot does from the directory.
   *
   * @throws ClusterMismatchException if the data directory belongs to another cluster
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be read
   */
  public static KayakHost startIn(HostParts parts, ClusterId cluster) {
    Objects.requireNonNull(cluster, "cluster");
    RaftHost host = create(parts);
    try {
      ClusterMismatchException wrong = host.adopt(cluster, host.address());
      if (wrong != null) {
        throw wrong;
      }
      host.start();
    } catch (RuntimeException e) {
      host.shutdown();
      throw e;
    }
    return host;
  }

  /**
   * A member that is joining: the running host, and the join's outcome.
   *
   * @param host the host, running from the start (it answers requests while it catches up)
   * @param joined completes once the host is a voter (at once for a member restarted with state);
   *     if joining fails the host is shut down and this fails with the reason ({@code
   *     TimedOutException}, {@code ClosedException}, ...)
   */
  public record Joining(KayakHost host, CompletableFuture<Void> joined) {}

  /**
   * Starts a member and, if it belongs to no cluster yet, joins the cluster of {@code peers}
   * through any of them (a non-leader redirects to the leader). A member of a cluster resumes it;
   * if its join was unfinished (it is a learner, or was accepted but never got an entry) it asks
   * {@code peers} and the members it knows again, and {@code joined} completes once it is a voter.
   * Peers of another cluster fail {@code joined} with {@code ClusterMismatchException}, naming
   * both clusters. On failure to start, every part is released.
   *
   * @throws IllegalArgumentException if {@code peers} is empty
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be read
   */
  public static Joining join(HostParts parts, List<HostPort> peers) {
    Objects.requireNonNull(peers, "peers");
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("join needs at least one peer");
    }
    RaftHost host = create(parts);
    return join(host, host.isNew(), List.copyOf(peers));
  }

  private static Joining join(RaftHost host, boolean fresh, List<HostPort> seeds) {
    try {
      host.start();
    } catch (RuntimeException e) {
      host.shutdown();
      throw e;
    }
    if (!fresh && !host.joinUnfinished()) {
      return new Joining(host, failStops(host, host.confirmCluster(seeds)));
    }
    if (!fresh) {
      List<HostPort> through = new java.util.ArrayList<>(seeds);
      host.knownPeers().stream().filter(p -> !through.contains(p)).forEach(through::add);
      seeds = List.copyOf(through);
    }
    return new Joining(host, failStops(host, host.joinThrough(seeds)));
  }

  private static CompletableFuture<Void> failStops(RaftHost host, CompletableFuture<Void> joining) {
    return joining.whenComplete((v, error) -> {
      if (error != null) {
        host.shutdown();
      }
    });
  }

  private static RaftHost create(HostParts parts) {
    Objects.requireNonNull(parts, "parts");
    try {
      return new RaftHost(parts);
    } catch (RuntimeException e) {
      closeAll(parts.owned());
      throw e;
    }
  }

  /** Closes each resource, in order, going on past failures. */
  public static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(Hosts.class).warn("closing {} failed: {}", c, e.toString());
      }
    }
  }
}
