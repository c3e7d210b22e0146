package dev.bourne.kayak.api;

import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.host.RaftHost;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.TimedOutException;

/**
 * Entry point: clusters are grown, not configured. {@link #start} starts the first member (it
 * elects itself); {@link #join} adds a member through any existing one. A member restarted with
 * the same data directory resumes where it was, whichever of the two is called.
 */
public final class Kayak {
  private Kayak() {}

  /**
   * Starts the first member of a new cluster (it elects itself), or restarts a member from its data
   * directory, listening on {@link KayakConfig#bind()} over TCP ({@code NettyTransport}).
   *
   * @throws dev.bourne.kayak.storage.StorageException if storage cannot be opened or recovered
   * @throws java.io.UncheckedIOException if the address cannot be bound
   */
  public static KayakHost start(KayakConfig config) {
    Transport transport = transport(config);
    try {
      return start(config, transport, true);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /**
   * Joins the cluster of {@code peers} (through any of them) listening on
   * {@link KayakConfig#bind()} over TCP; returns once this member caught up and became a voter.
   *
   * @throws TimedOutException if joining took longer than {@link KayakConfig#joinTimeout()}
   */
  public static KayakHost join(KayakConfig config, List<HostPort> peers) {
    Transport transport = transport(config);
    try {
      return join(config, peers, transport, true);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  private static Transport transport(KayakConfig config) {
    int frame = Math.max(TransportConfig.DEFAULT_MAX_FRAME_BYTES, config.maxBytesPerMessage() * 2 + (64 << 10));
    return NettyTransport.start(TransportConfig.builder().bind(config.bind()).maxFrameBytes(frame).build());
  }

  /**
   * Starts the first member of a new cluster, or restarts a member from its data directory, on
   * {@code transport} (which the host uses but does not close).
   *
   * @throws dev.bourne.kayak.storage.StorageException if storage cannot be opened or recovered
   */
  public static KayakHost start(KayakConfig config, Transport transport) {
    return start(config, transport, false);
  }

  /** As {@link #start(KayakConfig, Transport)}; {@code ownsTransport} makes the host close it. */
  public static KayakHost start(KayakConfig config, Transport transport, boolean ownsTransport) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(transport, "transport");
    RaftHost host = RaftHost.open(config, transport, ownsTransport);
    try {
      if (host.isNew()) {
        host.bootstrap();
      }
      host.start();
    } catch (RuntimeException e) {
      host.shutdown(); // releases the log's lock and MapDB, so the directory can be opened again
      throw e;
    }
    return host;
  }

  /**
   * Joins the cluster that {@code peers} belong to (any of them; a non-leader redirects to the
   * leader), on {@code transport} (used, not closed). Returns once this member caught up and became
   * a voter. A member restarted from its data directory skips the join.
   *
   * @throws TimedOutException if joining took longer than {@link KayakConfig#joinTimeout()}
   * @throws IllegalArgumentException if {@code peers} is empty
   */
  public static KayakHost join(KayakConfig config, List<HostPort> peers, Transport transport) {
    return join(config, peers, transport, false);
  }

  /** As {@link #join(KayakConfig, List, Transport)}; {@code ownsTransport} makes the host close it. */
  public static KayakHost join(KayakConfig config, List<HostPort> peers, Transport transport, boolean ownsTransport) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(transport, "transport");
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("join needs at least one peer");
    }
    RaftHost host = RaftHost.open(config, transport, ownsTransport);
    boolean fresh = host.isNew();
    try {
      host.start();
    } catch (RuntimeException e) {
      host.shutdown();
      throw e;
    }
    if (!fresh) {
      return host;
    }
    try {
      host.joinThrough(List.copyOf(peers)).get(config.joinTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      return host;
    } catch (InterruptedException e) {
      host.shutdown();
      Thread.currentThread().interrupt();
      throw new TimedOutException("interrupted while joining");
    } catch (ExecutionException e) {
      host.shutdown();
      if (e.getCause() instanceof BourneException be) {
        throw be;
      }
      throw new IllegalStateException("join failed", e.getCause());
    } catch (TimeoutException e) {
      host.shutdown();
      throw new TimedOutException("join did not complete within " + config.joinTimeout());
    }
  }
}
