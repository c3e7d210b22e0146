package dev.bourne.convoy;

import dev.bourne.common.exec.Workers;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Scheduler;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyException;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.convoy.host.DurableState;
import dev.bourne.convoy.host.HostBuilder;
import dev.bourne.convoy.storage.MemberStorage;
import dev.bourne.convoy.storage.MemoryStorage;
import dev.bourne.net.Transport;
import dev.bourne.net.transport.NettyTransport;
import dev.bourne.net.transport.TransportConfig;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;

/**
 * Starts Convoy members: the way in to Convoy. Each member runs on real parts: a Netty transport
 * (unless one is given), MapDB state in its data directory (or memory without one), a scheduler
 * thread, an event-loop thread, a thread per listener, and a random seeded from {@link
 * SecureRandom}. This class is the only place that chooses them.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class Convoy {
  private Convoy() {}

  /**
   * Starts a seed member on its own Netty transport: it is alone until another member joins
   * through it.
   *
   * @throws dev.bourne.common.config.ConfigException if the configuration is invalid
   * @throws java.io.UncheckedIOException if the address cannot be bound or the data directory opened
   * @throws NullPointerException if {@code config} is null
   */
  public static ConvoyHost start(ConvoyConfig config) {
    return open(Objects.requireNonNull(config, "config"), null);
  }

  /**
   * As {@link #start(ConvoyConfig)}, on a given transport, which is not closed with the member. It
   * must be thread-safe, as {@link Transport} requires: the member calls it from its own threads.
   *
   * @throws NullPointerException if an argument is null
   */
  public static ConvoyHost start(ConvoyConfig config, Transport transport) {
    return open(Objects.requireNonNull(config, "config"), Objects.requireNonNull(transport, "transport"));
  }

  /**
   * Starts a member and joins the group through any of {@code seeds}, waiting for the join
   * ({@link ConvoyHost#joinAsync}): each round tries every seed in turn, with backoff between
   * rounds, up to {@link ConvoyConfig#joinAttempts()} rounds.
   *
   * @throws ConvoyException code {@code JOIN_FAILED}, listing every seed tried and its error (the
   *     member is shut down)
   * @throws IllegalArgumentException if {@code seeds} is empty
   * @throws NullPointerException if an argument or a seed is null
   */
  public static ConvoyHost join(ConvoyConfig config, List<HostPort> seeds) {
    return join(config, seeds, null);
  }

  /**
   * As {@link #join(ConvoyConfig, List)}, on a given thread-safe transport (not closed with the
   * member); a null transport means a new Netty one.
   */
  public static ConvoyHost join(ConvoyConfig config, List<HostPort> seeds, Transport transport) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(seeds, "seeds");
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("join needs at least one seed address");
    }
    for (HostPort seed : seeds) { // not contains(null): immutable lists throw on a null query
      Objects.requireNonNull(seed, () -> "seeds must not contain null: " + seeds);
    }
    ConvoyHost host = open(config, transport);
    try {
      host.joinAsync(List.copyOf(seeds)).join();
    } catch (CompletionException e) {
      host.shutdown();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } catch (RuntimeException e) {
      host.shutdown();
      throw e;
    }
    return host;
  }

  /** The production wiring: the one place real time, threads, randomness, disk and sockets are chosen. */
  private static ConvoyHost open(ConvoyConfig config, Transport given) {
    Transport transport = given != null ? given : netty(config);
    HostBuilder b = HostBuilder.of(config).transport(transport);
    if (given == null) {
      b.closeOnStop(transport);
    }
    DurableState state;
    try {
      state = config.dataDir().<DurableState>map(MemberStorage::open).orElseGet(MemoryStorage::new);
    } catch (RuntimeException e) {
      if (given == null) {
        transport.close();
      }
      throw e;
    }
    Scheduler scheduler = Scheduler.system("convoy-timer-" + transport.localAddress().port());
    return b.state(state).scheduler(scheduler).closeOnStop(scheduler)
        .random(new SecureRandom()).nonces(new SecureRandom())
        .workers(Workers.threads())
        // The common pool explicitly: with one or two cores, the default async executor would start
        // a new thread per completion.
        .callbacks(ForkJoinPool.commonPool())
        .start();
  }

  private static NettyTransport netty(ConvoyConfig config) {
    TransportConfig.Builder b = TransportConfig.builder()
        .bind(config.bind())
        .maxDatagramPayload(config.protocol().maxPacketBytes())
        .connectTimeout(config.requestTimeout())
        .ioThreads(1);
    config.advertise().ifPresent(b::advertise);
    config.tls().ifPresent(b::tls);
    return NettyTransport.start(b.build());
  }
}
