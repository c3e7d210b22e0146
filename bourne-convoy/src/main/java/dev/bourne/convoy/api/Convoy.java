package dev.bourne.convoy.api;

import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.host.ConvoyNode;
import dev.bourne.net.Transport;
import java.util.List;
import java.util.Objects;

/** Starts Convoy members. */
public final class Convoy {
  private Convoy() {}

  /**
   * Starts a seed member on its own Netty transport: it is alone until another member joins
   * through it.
   *
   * @throws dev.bourne.common.config.ConfigException if the configuration is invalid
   * @throws java.io.UncheckedIOException if the address cannot be bound or the data directory opened
   */
  public static ConvoyHost start(ConvoyConfig config) {
    return ConvoyNode.start(Objects.requireNonNull(config, "config"), null);
  }

  /**
   * Starts a member and joins the group through any of {@code seeds}: each round tries every seed
   * in turn, with backoff between rounds, up to {@link ConvoyConfig#joinAttempts()} rounds. An
   * isolated member later retries these seeds by itself.
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
   * As {@link #join(ConvoyConfig, List)}, on a given transport; the transport is not closed with
   * the member. A null transport means a new Netty one. The transport must be thread-safe, as
   * {@link Transport} requires: the member calls it from its own event-loop thread on the system
   * clock. (The simulator's {@code InMemoryTransport} is not; simulations drive the protocol core
   * directly.)
   */
  public static ConvoyHost join(ConvoyConfig config, List<HostPort> seeds, Transport transport) {
    Objects.requireNonNull(seeds, "seeds");
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("join needs at least one seed address");
    }
    for (HostPort seed : seeds) { // not contains(null): immutable lists throw on a null query
      Objects.requireNonNull(seed, () -> "seeds must not contain null: " + seeds);
    }
    ConvoyNode node = ConvoyNode.start(Objects.requireNonNull(config, "config"), transport);
    try {
      node.join(List.copyOf(seeds));
    } catch (RuntimeException e) {
      node.shutdown();
      throw e;
    }
    return node;
  }

  /**
   * As {@link #start(ConvoyConfig)}, on a given thread-safe transport (not closed with the member;
   * see {@link #join(ConvoyConfig, List, Transport)}).
   *
   * @throws NullPointerException if an argument is null
   */
  public static ConvoyHost start(ConvoyConfig config, Transport transport) {
    return ConvoyNode.start(Objects.requireNonNull(config, "config"), Objects.requireNonNull(transport, "transport"));
  }
}
