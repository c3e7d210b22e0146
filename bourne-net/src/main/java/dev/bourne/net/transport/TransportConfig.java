package dev.bourne.net.transport;

import dev.bourne.common.config.ConfigCheck;
import dev.bourne.common.config.ConfigException;
import dev.bourne.common.metrics.Metrics;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.retry.Backoff;
import dev.bourne.net.TlsConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of a {@link NettyTransport}, validated when built. Use {@link #builder()}.
 *
 * @param bind where to listen, TCP and UDP on the same port (port 0 picks a free one)
 * @param advertise the address peers reach this node at; empty means the bind address. Never a
 *     wildcard. A port of 0 means the port actually bound.
 * @param maxFrameBytes the largest TCP frame (envelope) sent or accepted; a frame announcing more
 *     is refused before any buffer is allocated and its connection closed
 * @param maxDatagramPayload the largest datagram payload {@code sendDatagram} accepts
 * @param connectTimeout how long a TCP connect (and TLS handshake) may take
 * @param frameTimeout how long a peer may leave a frame half-sent before its connection is closed,
 *     and how long an accepted connection may stay without sending anything
 * @param reconnectBackoff how long to refuse calls to a peer after failed connects (grows per
 *     failure, reset by a success)
 * @param ioThreads Netty event-loop threads
 * @param tls mutual TLS material; empty means plain TCP
 * @param metrics where counters go
 * @param maxConnections accepted connections open at once; one more is closed at once (counted)
 * @param maxConnectionsPerAddress accepted connections open at once from one IP address, so that
 *     one peer (or one attacker) cannot take the others' share
 */
public record TransportConfig(
    HostPort bind,
    Optional<HostPort> advertise,
    int maxFrameBytes,
    int maxDatagramPayload,
    Duration connectTimeout,
    Duration frameTimeout,
    Backoff reconnectBackoff,
    int ioThreads,
    Optional<TlsConfig> tls,
    Metrics metrics,
    int maxConnections,
    int maxConnectionsPerAddress) {

  /** Default {@link #maxFrameBytes}: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** Default {@link #maxDatagramPayload}: 1400 bytes, which fits a 1500-byte MTU with headers. */
  public static final int DEFAULT_MAX_DATAGRAM_PAYLOAD = 1400;
  /** The largest datagram payload allowed at all (an IPv4 UDP datagram less envelope headers). */
  public static final int MAX_DATAGRAM_PAYLOAD_LIMIT = 65_507 - 512;

  /**
   * @throws ConfigException naming the key and value of the first invalid setting
   */
  public TransportConfig {
    ConfigCheck.notNull(bind, "net.bind");
    ConfigCheck.notNull(advertise, "net.advertise");
    advertise.ifPresent(
        a -> ConfigCheck.require(!a.isWildcard(), "net.advertise", a, "must not be a wildcard address"));
    ConfigCheck.require(
        advertise.isPresent() || !bind.isWildcard(), "net.advertise", null,
        "must be set when binding to the wildcard address " + bind
            + " (peers need a routable address)");
    ConfigCheck.inRange(maxFrameBytes, 1024, 1 << 30, "net.max-frame-bytes");
    ConfigCheck.inRange(maxDatagramPayload, 1, MAX_DATAGRAM_PAYLOAD_LIMIT, "net.max-datagram-payload");
    ConfigCheck.positive(connectTimeout, "net.connect-timeout");
    ConfigCheck.positive(frameTimeout, "net.frame-timeout");
    ConfigCheck.notNull(reconnectBackoff, "net.reconnect-backoff");
    ConfigCheck.inRange(ioThreads, 1, 256, "net.io-threads");
    ConfigCheck.notNull(tls, "net.tls");
    ConfigCheck.notNull(metrics, "net.metrics");
    ConfigCheck.inRange(maxConnections, 1, 1_000_000, "net.max-connections");
    ConfigCheck.inRange(maxConnectionsPerAddress, 1, maxConnections, "net.max-connections-per-address");
  }

  /** A builder with the defaults: 127.0.0.1:0, 16 MiB frames, 1400-byte datagrams, no TLS. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder preset from settings, for command lines and property files. Keys (all optional):
   * {@code net.bind}, {@code net.advertise} (host:port), {@code net.max-frame-bytes}, {@code
   * net.max-datagram-payload}, {@code net.io-threads} (integers), {@code net.connect-timeout},
   * {@code net.frame-timeout} (durations such as {@code 5s}), {@code net.max-connections}, {@code
   * net.max-connections-per-address}. TLS and metrics are set on the builder.
   *
   * @throws dev.bourne.common.config.ConfigException naming the key of a malformed value
   */
  public static Builder builder(dev.bourne.common.config.Settings s) {
    Builder b = new Builder();
    b.bind(s.address("net.bind", b.bind));
    b.advertise(s.address("net.advertise", null));
    b.maxFrameBytes(s.integer("net.max-frame-bytes", b.maxFrameBytes));
    b.maxDatagramPayload(s.integer("net.max-datagram-payload", b.maxDatagramPayload));
    b.ioThreads(s.integer("net.io-threads", b.ioThreads));
    b.connectTimeout(s.duration("net.connect-timeout", b.connectTimeout));
    b.frameTimeout(s.duration("net.frame-timeout", b.frameTimeout));
    b.maxConnections(s.integer("net.max-connections", b.maxConnections));
    b.maxConnectionsPerAddress(s.integer("net.max-connections-per-address", b.maxConnectionsPerAddress));
    return b;
  }

  /** Builds a {@link TransportConfig}. Not thread-safe. */
  public static final class Builder {
    private HostPort bind = new HostPort("127.0.0.1", 0);
    private HostPort advertise;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int maxDatagramPayload = DEFAULT_MAX_DATAGRAM_PAYLOAD;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration frameTimeout = Duration.ofSeconds(30);
    private Backoff reconnectBackoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), 2.0);
    private int ioThreads = Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors()));
    private TlsConfig tls;
    private Metrics metrics = Metrics.noop();
    private int maxConnections = 4096;
    private int maxConnectionsPerAddress = 256;

    private Builder() {}

    /** Accepted connections open at once (default 4096). */
    public Builder maxConnections(int n) {
      this.maxConnections = n;
      return this;
    }

    /** Accepted connections open at once from one IP address (default 256). */
    public Builder maxConnectionsPerAddress(int n) {
      this.maxConnectionsPerAddress = n;
      return this;
    }

    /** Where to listen (default 127.0.0.1:0). */
    public Builder bind(HostPort bind) {
      this.bind = bind;
      return this;
    }

    /** The address peers reach this node at (default: the bind address). */
    public Builder advertise(HostPort advertise) {
      this.advertise = advertise;
      return this;
    }

    /** The largest frame in bytes (default 16 MiB). */
    public Builder maxFrameBytes(int bytes) {
      this.maxFrameBytes = bytes;
      return this;
    }

    /** The largest datagram payload in bytes (default 1400). */
    public Builder maxDatagramPayload(int bytes) {
      this.maxDatagramPayload = bytes;
      return this;
    }

    /** The TCP connect and TLS handshake deadline (default 5 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    /** How long a frame may stay half-received (default 30 s). */
    public Builder frameTimeout(Duration d) {
      this.frameTimeout = d;
      return this;
    }

    /** The reconnect backoff (default 50 ms doubling to 5 s). */
    public Builder reconnectBackoff(Backoff b) {
      this.reconnectBackoff = b;
      return this;
    }

    /** Event-loop threads (default min(4, cores)). */
    public Builder ioThreads(int n) {
      this.ioThreads = n;
      return this;
    }

    /** Turns on mutual TLS (default off). */
    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    /** Where counters go (default no-op). */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * @throws ConfigException naming the key and value of the first invalid setting
     */
    public TransportConfig build() {
      return new TransportConfig(
          bind, Optional.ofNullable(advertise), maxFrameBytes, maxDatagramPayload, connectTimeout,
          frameTimeout, reconnectBackoff, ioThreads, Optional.ofNullable(tls), metrics, maxConnections,
          maxConnectionsPerAddress);
    }
  }
}
