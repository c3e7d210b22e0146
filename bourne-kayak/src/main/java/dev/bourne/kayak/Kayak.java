package dev.bourne.kayak;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.TimedOutException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.ClusterId;
import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.host.Hosts;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Entry point: clusters are grown, not configured. {@link #start} starts the first member (it
 * elects itself); {@link #join} adds a member through any existing one. A member restarted with
 * the same data directory resumes where it was, whichever of the two is called.
 *
 * <p>What a member is made of (storage in its data directory, threads, the system clock, Netty)
 * stays behind this facade: the types a caller sees are in {@code dev.bourne.kayak.api}.
 */
public final class Kayak {
  private Kayak() {}

  /**
   * Starts the first member of a new cluster (it elects itself), or restarts a member from its data
   * directory, listening on {@link KayakConfig#bind()} over TCP ({@code NettyTransport}).
   *
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be opened or recovered
   * @throws java.io.UncheckedIOException if the address cannot be bound
   * @throws NullPointerException if {@code config} is null
   */
  public static KayakHost start(KayakConfig config) {
    Objects.requireNonNull(config, "config");
    return start(config, transport(config), true);
  }

  /**
   * Joins the cluster of {@code peers} (through any of them) listening on
   * {@link KayakConfig#bind()} over TCP; returns once this member caught up and became a voter.
   *
   * @throws TimedOutException if joining took longer than {@link KayakConfig#joinTimeout()}
   * @throws dev.bourne.net.UnreachableException if no peer answered a few rounds of attempts (the
   *     message names every address and its last failure)
   * @throws dev.bourne.kayak.api.ClusterMismatchException if this member's data directory belongs to
   *     another cluster than {@code peers}
   * @throws IllegalArgumentException if {@code peers} is empty
   * @throws NullPointerException if an argument is null
   */
  public static KayakHost join(KayakConfig config, List<HostPort> peers) {
    Objects.requireNonNull(config, "config");
    checkPeers(peers);
    return join(config, peers, transport(config), true);
  }

  private static Transport transport(KayakConfig config) {
    int frame = Math.max(TransportConfig.DEFAULT_MAX_FRAME_BYTES,
        Math.max(config.maxBytesPerMessage(), config.snapshotChunkBytes()) * 2 + (64 << 10));
    TransportConfig.Builder b = TransportConfig.builder().bind(config.bind()).maxFrameBytes(frame);
    config.tls().ifPresent(b::tls);
    return NettyTransport.start(b.build());
  }

  /**
   * Starts the first member of a new cluster, or restarts a member from its data directory, on
   * {@code transport} (which the host uses but does not close).
   *
   * @throws dev.bourne.kayak.api.StorageException if storage cannot be opened or recovered
   * @throws NullPointerException if an argument is null
   */
  public static KayakHost start(KayakConfig config, Transport transport) {
    return start(config, transport, false);
  }

  /** As {@link #start(KayakConfig, Transport)}; {@code ownsTransport} makes the host close it. */
  public static KayakHost start(KayakConfig config, Transport transport, boolean ownsTransport) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(transport, "transport");
    try {
      return Hosts.start(Hosts.production(config, transport, ownsTransport));
    } catch (RuntimeException e) {
      closeIfOwned(transport, ownsTransport);
      throw e;
    }
  }

  /**
   * Joins the cluster that {@code peers} belong to (any of them; a non-leader redirects to the
   * leader), on {@code transport} (used, not closed). Returns once this member caught up and became
   * a voter. A member restarted from its data directory resumes its cluster (finishing its join if
   * it was not a voter yet) after checking that {@code peers} belong to it.
   *
   * @throws TimedOutException if joining took longer than {@link KayakConfig#joinTimeout()}
   * @throws dev.bourne.net.UnreachableException if no peer answered a few rounds of attempts
   * @throws dev.bourne.kayak.api.ClusterMismatchException if this member's data directory belongs to
   *     another cluster than {@code peers}
   * @throws IllegalArgumentException if {@code peers} is empty
   * @throws NullPointerException if an argument is null
   */
  public static KayakHost join(KayakConfig config, List<HostPort> peers, Transport transport) {
    return join(config, peers, transport, false);
  }

  /** As {@link #join(KayakConfig, List, Transport)}; {@code ownsTransport} makes the host close it. */
  public static KayakHost join(KayakConfig config, List<HostPort> peers, Transport transport, boolean ownsTransport) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(transport, "transport");
    Hosts.Joining joining;
    try {
      checkPeers(peers);
      joining = Hosts.join(Hosts.production(config, transport, ownsTransport), List.copyOf(peers));
    } catch (RuntimeException e) {
      closeIfOwned(transport, ownsTransport);
      throw e;
    }
    return awaitJoin(config, transport, ownsTransport, joining);
  }

  /**
   * Starts a new cluster whose first voters are {@code voters}: this member (its id is {@link
   * KayakConfig#memberId()}, which must be set) and the others, each at its address. Returns at
   * once; the cluster elects a leader once a majority of {@code voters} runs. Each of the others
   * is started with {@link #join(KayakConfig, List, ClusterId, Transport, boolean)}, given this
   * host's {@link KayakHost#clusterId()}. A data directory that already belongs to a cluster
   * resumes it instead.
   *
   * @throws IllegalArgumentException if {@code memberId} is not set or {@code voters} lacks it
   * @throws dev.bourne.kayak.api.StorageException if the data directory cannot be used
   */
  public static KayakHost bootstrap(KayakConfig config, Map<NodeId, HostPort> voters, Transport transport,
      boolean ownsTransport) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(voters, "voters");
    Objects.requireNonNull(transport, "transport");
    try {
      NodeId self = config.memberId()
          .orElseThrow(() -> new IllegalArgumentException("bootstrapping with voters needs kayak.member-id"));
      if (!voters.containsKey(self)) {
        throw new IllegalArgumentException("the voters " + voters.keySet() + " must include this member " + self);
      }
      return Hosts.bootstrap(Hosts.production(config, transport, ownsTransport), voters);
    } catch (RuntimeException e) {
      closeIfOwned(transport, ownsTransport);
      throw e;
    }
  }

  /**
   * Joins the cluster {@code cluster} through {@code peers}, as {@link #join(KayakConfig, List,
   * Transport, boolean)} does, for a member that knows the cluster's id in advance: it accepts that
   * cluster's messages at once, so it can vote in the first election of a cluster bootstrapped with
   * it among the voters. Returns once this member is a voter.
   *
   * @throws dev.bourne.kayak.api.ClusterMismatchException if the data directory or {@code peers}
   *     belong to another cluster
   * @throws TimedOutException if joining took longer than {@link KayakConfig#joinTimeout()}
   */
  public static KayakHost join(KayakConfig config, List<HostPort> peers, ClusterId cluster, Transport transport,
      boolean ownsTransport) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(transport, "transport");
    Hosts.Joining joining;
    try {
      checkPeers(peers);
      joining = Hosts.join(Hosts.production(config, transport, ownsTransport), List.copyOf(peers), cluster);
    } catch (RuntimeException e) {
      closeIfOwned(transport, ownsTransport);
      throw e;
    }
    return awaitJoin(config, transport, ownsTransport, joining);
  }

  private static KayakHost awaitJoin(KayakConfig config, Transport transport, boolean ownsTransport,
      Hosts.Joining joining) {
    try {
      // The host's own join deadline fails the future first; this bound only guards against a bug.
      joining.joined().get(config.joinTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
      return joining.host();
    } catch (InterruptedException e) {
      joining.host().shutdown();
      Thread.currentThread().interrupt();
      throw new TimedOutException("interrupted while joining");
    } catch (ExecutionException e) {
      // The host shut itself down, maybe from one of the transport's own threads, where closing
      // cannot wait: close here too, so that the port is free again when this throws.
      closeIfOwned(transport, ownsTransport);
      if (e.getCause() instanceof BourneException be) {
        throw be;
      }
      throw new IllegalStateException("join failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      joining.host().shutdown();
      throw new TimedOutException("join did not complete within " + config.joinTimeout());
    }
  }

  private static void checkPeers(List<HostPort> peers) {
    Objects.requireNonNull(peers, "peers");
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("join needs at least one peer");
    }
    for (HostPort p : peers) { // not contains(null): immutable lists throw on a null query
      Objects.requireNonNull(p, () -> "peers must not contain null: " + peers);
    }
  }

  private static void closeIfOwned(Transport transport, boolean owned) {
    if (owned) {
      transport.close();
    }
  }
}
