package dev.bourne.convoy.host;

import dev.bourne.common.exec.Workers;
import dev.bourne.common.time.Scheduler;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.convoy.api.ConvoyHost;
import dev.bourne.net.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * Assembles a Convoy member's host from the parts it runs on, and starts it: the one way in to the
 * host package. Production wiring ({@code dev.bourne.convoy.Convoy}) passes Netty, MapDB, a system
 * scheduler and threads; the simulator passes an in-memory transport, an in-memory disk, a virtual
 * clock and {@link Workers#virtual}. The host takes its time, randomness and threads from these parts
 * only, so the same seed gives the same run in simulation.
 *
 * <pre>{@code
 * ConvoyHost host = HostBuilder.of(config)
 *     .transport(transport).scheduler(clock).random(new Random(seed)).nonces(new Random(seed + life))
 *     .state(new MemoryStorage())
 *     .workers(Workers.virtual(clock)).callbacks(Runnable::run).closeOnStop(transport)
 *     .start();
 * }</pre>
 *
 * <p>Not thread-safe; use each builder once.
 */
public final class HostBuilder {
  private final ConvoyConfig config;
  private Transport transport;
  private Scheduler scheduler;
  private Random random;
  private Random nonces;
  private DurableState state;
  private Workers workers;
  private Executor callbacks;
  private final List<AutoCloseable> closeOnStop = new ArrayList<>();

  private HostBuilder(ConvoyConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** A builder for a member configured by {@code config}; every part below must be given. */
  public static HostBuilder of(ConvoyConfig config) {
    return new HostBuilder(config);
  }

  /** Where the member sends and receives; it must be thread-safe unless the member runs on one thread. */
  public HostBuilder transport(Transport t) {
    transport = Objects.requireNonNull(t, "transport");
    return this;
  }

  /** The member's only source of time ({@link Scheduler#clock()}) and of delayed work (ticks, join backoff). */
  public HostBuilder scheduler(Scheduler s) {
    scheduler = Objects.requireNonNull(s, "scheduler");
    return this;
  }

  /** The member's only source of randomness but nonces (a new id, the core's seed, backoff jitter). */
  public HostBuilder random(Random r) {
    random = Objects.requireNonNull(r, "random");
    return this;
  }

  /**
   * Where the nonces of encrypted messages come from: a {@link java.security.SecureRandom} in
   * production (AES-GCM is broken if a nonce repeats under a key, as a seeded random would make it
   * across restarts). Only a simulation gives a seeded one, new for each life, for repeatable runs.
   */
  public HostBuilder nonces(Random r) {
    nonces = Objects.requireNonNull(r, "nonces");
    return this;
  }

  /** What the member keeps across restarts; the member closes it when it stops. */
  public HostBuilder state(DurableState s) {
    state = Objects.requireNonNull(s, "state");
    return this;
  }

  /** Where the member's event loop and its listeners run. */
  public HostBuilder workers(Workers w) {
    workers = Objects.requireNonNull(w, "workers");
    return this;
  }

  /**
   * Where futures handed to callers complete: never the loop, so that a caller's dependent stage
   * (which may block) cannot stall the protocol.
   */
  public HostBuilder callbacks(Executor e) {
    callbacks = Objects.requireNonNull(e, "callbacks");
    return this;
  }

  /** A part the member closes when it stops, after its loop (its own transport, its scheduler). */
  public HostBuilder closeOnStop(AutoCloseable c) {
    closeOnStop.add(Objects.requireNonNull(c, "part"));
    return this;
  }

  /**
   * Builds the member and starts it, alone until it joins or is joined. If that fails, the state
   * and the parts to close on stop are closed before the exception propagates.
   *
   * @throws IllegalStateException if a part was not given
   */
  public ConvoyHost start() {
    require(transport, "transport");
    require(scheduler, "scheduler");
    require(random, "random");
    require(nonces, "nonces");
    require(state, "state");
    require(workers, "workers");
    require(callbacks, "callbacks");
    HostParts parts = new HostParts(config, transport, scheduler, random, state, workers, callbacks,
        List.copyOf(closeOnStop), nonces);
    try {
      return ConvoyNode.start(parts);
    } catch (RuntimeException | Error e) {
      closeAll(parts, e);
      throw e;
    }
  }

  /**
   * The counters of a member this builder started.
   *
   * @throws IllegalArgumentException if {@code host} was not built by a {@code HostBuilder}
   */
  public static HostCounters counters(ConvoyHost host) {
    if (host instanceof ConvoyNode node) {
      return node;
    }
    throw new IllegalArgumentException("not a host built by HostBuilder: " + host);
  }

  private static void require(Object part, String name) {
    if (part == null) {
      throw new IllegalStateException("the member's " + name + " was not given");
    }
  }

  private static void closeAll(HostParts parts, Throwable failure) {
    List<AutoCloseable> all = new ArrayList<>(parts.closeOnStop());
    all.add(parts.state());
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception | Error e) {
        failure.addSuppressed(e);
      }
    }
  }
}
