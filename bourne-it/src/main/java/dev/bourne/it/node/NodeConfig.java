package dev.bourne.it.node;

import dev.bourne.common.config.ConfigCheck;
import dev.bourne.common.config.ConfigException;
import dev.bourne.common.net.HostPort;
import dev.bourne.it.http.HttpLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run one node. Immutable; validated when built ({@link ConfigException} names the key as
 * the configuration file and the {@code --flags} spell it). Build one with {@link
 * NodeConfigLoader} from a file and flags, or with {@link #builder(Path)}.
 *
 * @param bind where Convoy and Kayak listen (TCP and UDP on one port) — key {@code bind}
 * @param advertise the address peers reach this node at, if not {@code bind} — {@code advertise}
 * @param join members to join through; none for the first node — {@code join}
 * @param expect the voters each group bootstraps with, once that many nodes are alive — {@code expect}
 * @param dataDir where the node keeps its identity, logs and snapshots — {@code data-dir}
 * @param http where the HTTP API listens — {@code http}
 * @param httpLimits the HTTP API's connection limits and idle timeout ({@link HttpLimits})
 * @param dataGroups how many data groups the cluster spreads keys over, if this node is the one
 *     that writes the cluster's shard map (the map, once written, wins) — {@code data-groups}
 * @param gossip Convoy's timing profile: {@code lan}, {@code wan} or {@code local} — {@code gossip}
 * @param stabilization how long a learner must stay healthy before autopilot promotes it — {@code stabilization}
 * @param deadAfter how long a member must stay failed before autopilot removes it — {@code dead-after}
 * @param snapshotEvery compact each group after this many entries — {@code snapshot-every}
 * @param requestTimeout how long a request may take before it fails — {@code request-timeout}
 * @param security the cluster name, gossip encryption and the HTTP token ({@link NodeSecurity})
 */
public record NodeConfig(HostPort bind, Optional<HostPort> advertise, List<HostPort> join, int expect, Path dataDir,
    HostPort http, HttpLimits httpLimits, int dataGroups, String gossip, Duration stabilization, Duration deadAfter, long snapshotEvery,
    Duration requestTimeout, NodeSecurity security) {

  /** The gossip profiles. */
  public static final List<String> GOSSIP_PROFILES = List.of("lan", "wan", "local");

  /** @throws ConfigException naming the first bad key */
  public NodeConfig {
    ConfigCheck.notNull(bind, "bind");
    ConfigCheck.notNull(advertise, "advertise");
    join = List.copyOf(ConfigCheck.notNull(join, "join"));
    ConfigCheck.inRange(expect, 1, 99, "expect");
    ConfigCheck.notNull(dataDir, "data-dir");
    ConfigCheck.notNull(http, "http");
    ConfigCheck.notNull(httpLimits, "http-max-connections");
    ConfigCheck.inRange(dataGroups, 1, 64, "data-groups");
    ConfigCheck.require(GOSSIP_PROFILES.contains(gossip), "gossip", gossip, "must be one of " + GOSSIP_PROFILES);
    ConfigCheck.nonNegative(stabilization, "stabilization");
    ConfigCheck.positive(deadAfter, "dead-after");
    ConfigCheck.inRange(snapshotEvery, 10, 100_000_000, "snapshot-every");
    ConfigCheck.positive(requestTimeout, "request-timeout");
    ConfigCheck.notNull(security, "security");
    ConfigCheck.require(httpLimits.idleTimeout().compareTo(requestTimeout) > 0, "http-idle-timeout",
        httpLimits.idleTimeout(), "must be longer than request-timeout " + requestTimeout
            + " (a request still running would be cut off)");
    ConfigCheck.require(advertise.isPresent() || !bind.isWildcard(), "advertise", null,
        "must be set when binding to the wildcard address " + bind + " (peers need a routable address)");
    ConfigCheck.require(bind.port() == 0 || http.port() != bind.port() || !http.host().equals(bind.host()), "http",
        http, "must not be the bind address " + bind);
  }

  /** A builder with the defaults: see {@link Builder}. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /**
   * Builds a {@link NodeConfig}. Defaults: bind 127.0.0.1:7946, no join, expect 3, HTTP on
   * 127.0.0.1:8500 (with {@link HttpLimits#DEFAULT}), 2 data groups, LAN gossip, 10 s stabilization, dead after 30 s, snapshot every
   * 10,000 entries, 10 s request timeout, no security ({@link NodeSecurity#NONE}).
   */
  public static final class Builder {
    private final Path dataDir;
    private HostPort bind = new HostPort("127.0.0.1", 7946);
    private Optional<HostPort> advertise = Optional.empty();
    private List<HostPort> join = List.of();
    private int expect = 3;
    private HostPort http = new HostPort("127.0.0.1", 8500);
    private HttpLimits httpLimits = HttpLimits.DEFAULT;
    private int dataGroups = 2;
    private String gossip = "lan";
    private Duration stabilization = Duration.ofSeconds(10);
    private Duration deadAfter = Duration.ofSeconds(30);
    private long snapshotEvery = 10_000;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private NodeSecurity security = NodeSecurity.NONE;

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** @see NodeConfig#bind() */
    public Builder bind(HostPort v) { bind = v; return this; }

    /** @see NodeConfig#advertise() */
    public Builder advertise(HostPort v) { advertise = Optional.of(v); return this; }

    /** @see NodeConfig#join() */
    public Builder join(List<HostPort> v) { join = v; return this; }

    /** @see NodeConfig#expect() */
    public Builder expect(int v) { expect = v; return this; }

    /** @see NodeConfig#http() */
    public Builder http(HostPort v) { http = v; return this; }

    /** @see NodeConfig#dataGroups() */
    public Builder dataGroups(int v) { dataGroups = v; return this; }

    /** @see NodeConfig#gossip() */
    public Builder gossip(String v) { gossip = v; return this; }

    /** @see NodeConfig#stabilization() */
    public Builder stabilization(Duration v) { stabilization = v; return this; }

    /** @see NodeConfig#deadAfter() */
    public Builder deadAfter(Duration v) { deadAfter = v; return this; }

    /** @see NodeConfig#snapshotEvery() */
    public Builder snapshotEvery(long v) { snapshotEvery = v; return this; }

    /** @see NodeConfig#requestTimeout() */
    public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }

    /** @see NodeConfig#httpLimits() */
    public Builder httpLimits(HttpLimits v) { httpLimits = v; return this; }

    /** @see NodeConfig#security() */
    public Builder security(NodeSecurity v) { security = v; return this; }

    /** @throws ConfigException naming the first bad key */
    public NodeConfig build() {
      return new NodeConfig(bind, advertise, join, expect, dataDir, http, httpLimits, dataGroups, gossip, stabilization, deadAfter,
          snapshotEvery, requestTimeout, security);
    }
  }
}
