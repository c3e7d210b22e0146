package dev.bourne.convoy.api;

import dev.bourne.common.config.ConfigCheck;
import dev.bourne.common.config.ConfigException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.retry.Backoff;
import dev.bourne.net.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a Convoy member: where it listens and what it advertises, where it keeps its state,
 * the protocol timings, and the host's own bounds. Immutable; validated when built ({@link
 * ConfigException} names the key). Start from {@link #lan()}, {@link #wan()} or {@link #local()}.
 *
 * @param bind where to listen, TCP and UDP on one port (port 0 picks a free port)
 * @param advertise the address peers reach this member at; empty means the bind address, which
 *     must then not be a wildcard
 * @param dataDir where the member id, last incarnation and own store persist; empty means nothing
 *     persists (a restart is a new member)
 * @param protocol SWIM, Lifeguard, dissemination and size settings
 * @param joinAttempts rounds through the seed list before {@code join} gives up
 * @param joinBackoff delay between rounds
 * @param requestTimeout deadline of TCP requests (push-pull, TCP ping, remote store writes)
 * @param leaveTimeout how long {@code close()} waits for the leave to spread
 * @param listenerQueue events buffered per listener before it is told it lagged
 * @param tickInterval how often the host ticks the protocol core
 * @param security the cluster name and gossip encryption ({@link GossipSecurity#NONE} by default)
 * @param tls mutual TLS on the TCP side of the member's own transport ({@link dev.bourne.convoy.Convoy}
 *     starts one unless given one); the UDP side is protected by {@code security}'s encryption
 */
public record ConvoyConfig(
    HostPort bind,
    Optional<HostPort> advertise,
    Optional<Path> dataDir,
    GossipConfig protocol,
    int joinAttempts,
    Backoff joinBackoff,
    Duration requestTimeout,
    Duration leaveTimeout,
    int listenerQueue,
    Duration tickInterval,
    GossipSecurity security,
    Optional<TlsConfig> tls) {

  /** Validates. @throws ConfigException naming the first bad key */
  public ConvoyConfig {
    ConfigCheck.notNull(bind, "bind");
    ConfigCheck.notNull(advertise, "advertise");
    ConfigCheck.notNull(dataDir, "dataDir");
    ConfigCheck.notNull(protocol, "protocol");
    advertise.ifPresent(a -> {
      ConfigCheck.require(!a.isWildcard(), "advertise", a, "must be a routable address, not a wildcard");
    });
    ConfigCheck.require(advertise.isPresent() || !bind.isWildcard(), "advertise", null,
        "must be set when binding to the wildcard address " + bind + " (peers need a routable address)");
    ConfigCheck.inRange(joinAttempts, 1, 1000, "joinAttempts");
    ConfigCheck.notNull(joinBackoff, "joinBackoff");
    ConfigCheck.positive(requestTimeout, "requestTimeout");
    ConfigCheck.positive(leaveTimeout, "leaveTimeout");
    ConfigCheck.inRange(listenerQueue, 1, 1_000_000, "listenerQueue");
    ConfigCheck.positive(tickInterval, "tickInterval");
    ConfigCheck.notNull(security, "security");
    ConfigCheck.notNull(tls, "tls");
    ConfigCheck.require(tickInterval.compareTo(protocol.gossipInterval()) <= 0, "tickInterval", tickInterval,
        "must not exceed the gossip interval " + protocol.gossipInterval());
  }

  /**
   * The member id this member's certificate names, when {@code tls} binds identities ({@link
   * TlsConfig#bindingIdentity()}): its common name, which must then be a member id (a UUID). The
   * member takes that id, and its peers refuse TCP requests that claim its id from any other
   * certificate. Empty without identity binding. Read from the certificate file on each call.
   *
   * @throws ConfigException if the certificate cannot be read or its common name is not a UUID
   */
  public Optional<NodeId> certifiedId() {
    return tls.filter(TlsConfig::bindsIdentity).map(TlsConfig::certifiedId);
  }

  /** Data-centre defaults ({@link GossipConfig#lan()}), on 127.0.0.1 with a free port. */
  public static Builder lan() {
    return new Builder(GossipConfig.lan(), Duration.ofSeconds(5), Duration.ofMillis(20));
  }

  /** WAN defaults ({@link GossipConfig#wan()}). */
  public static Builder wan() {
    return new Builder(GossipConfig.wan(), Duration.ofSeconds(10), Duration.ofMillis(50));
  }

  /** Fast timings for one machine and tests ({@link GossipConfig#local()}). */
  public static Builder local() {
    return new Builder(GossipConfig.local(), Duration.ofSeconds(1), Duration.ofMillis(10));
  }

  /** The advertised address given the port actually bound. */
  public HostPort advertised(int boundPort) {
    HostPort a = advertise.orElse(bind);
    return a.port() == 0 ? new HostPort(a.host(), boundPort) : a;
  }

  /** Builds a {@link ConvoyConfig}. Not thread-safe. */
  public static final class Builder {
    private HostPort bind = new HostPort("127.0.0.1", 0);
    private HostPort advertise;
    private Path dataDir;
    private GossipConfig protocol;
    private int joinAttempts = 5;
    private Backoff joinBackoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 2.0);
    private Duration requestTimeout;
    private Duration leaveTimeout = Duration.ofSeconds(5);
    private int listenerQueue = 1024;
    private Duration tickInterval;
    private GossipSecurity security = GossipSecurity.NONE;
    private TlsConfig tls;

    private Builder(GossipConfig protocol, Duration requestTimeout, Duration tickInterval) {
      this.protocol = protocol;
      this.requestTimeout = requestTimeout;
      this.tickInterval = tickInterval;
    }

    /** Where to listen (default 127.0.0.1:0). */
    public Builder bind(HostPort v) { bind = v; return this; }
    /** The routable address to advertise (default: the bind address). */
    public Builder advertise(HostPort v) { advertise = v; return this; }
    /** Where to persist identity, incarnation and own store (default: nowhere). */
    public Builder dataDir(Path v) { dataDir = v; return this; }
    /** Protocol settings (default: the preset's). */
    public Builder protocol(GossipConfig v) { protocol = Objects.requireNonNull(v, "protocol"); return this; }
    /** Rounds through the seeds when joining (default 5). */
    public Builder joinAttempts(int v) { joinAttempts = v; return this; }
    /** Backoff between join rounds (default 200 ms doubling to 5 s). */
    public Builder joinBackoff(Backoff v) { joinBackoff = v; return this; }
    /** TCP request deadline (default 5 s LAN, 1 s local). */
    public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
    /** Bound on close()'s wait for the leave to spread (default 5 s). */
    public Builder leaveTimeout(Duration v) { leaveTimeout = v; return this; }
    /** Events buffered per listener (default 1024). */
    public Builder listenerQueue(int v) { listenerQueue = v; return this; }
    /** Core tick period (default 20 ms LAN, 10 ms local). */
    public Builder tickInterval(Duration v) { tickInterval = v; return this; }

    /** Cluster name and gossip encryption (default {@link GossipSecurity#NONE}). */
    public Builder security(GossipSecurity v) { security = Objects.requireNonNull(v, "security"); return this; }

    /** Mutual TLS for the member's own transport's TCP (default: none). */
    public Builder tls(TlsConfig v) { tls = Objects.requireNonNull(v, "tls"); return this; }

    /** @throws ConfigException if a value is invalid */
    public ConvoyConfig build() {
      return new ConvoyConfig(bind, Optional.ofNullable(advertise), Optional.ofNullable(dataDir), protocol,
          joinAttempts, joinBackoff, requestTimeout, leaveTimeout, listenerQueue, tickInterval, security,
          Optional.ofNullable(tls));
    }
  }
}
