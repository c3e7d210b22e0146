package dev.bourne.kayak.api;

import dev.bourne.common.config.ConfigCheck;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.net.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of one Kayak host. Immutable; built with {@link #builder(Path)} and validated at
 * build time ({@link dev.bourne.common.config.ConfigException} names the key and value).
 *
 * @param dataDir where the log and metadata live (created if missing); one host per directory
 * @param bind the address to listen on; port 0 picks a free port. Peers reach the host at this
 *     address, so it must not be a wildcard (default {@code 127.0.0.1:0})
 * @param tick the host's clock period: elections and heartbeats are counted in ticks (default 50 ms)
 * @param electionTicks minimum election timeout in ticks; each timeout is drawn afresh from
 *     {@code [electionTicks, 2 * electionTicks)} (default 10: 0.5 to 1 s)
 * @param heartbeatTicks the leader's heartbeat period in ticks (default 2: 100 ms)
 * @param maxInflightMessages append messages in flight per follower, the pipelining window
 *     (default 256)
 * @param maxEntriesPerMessage entries per append message (default 1024)
 * @param maxBytesPerMessage payload bytes per append message (default 1 MiB)
 * @param maxEntryBytes the largest event {@code append} accepts (default 1 MiB)
 * @param segmentBytes log segment size (default 64 MiB)
 * @param requestTimeout timeout of one call to another member (default 5 s)
 * @param appendTimeout how long {@code append}, {@code barrier} and membership changes keep trying
 *     through elections before failing with a timeout (default 10 s)
 * @param joinTimeout how long {@code join} and {@code close} may take, catching up included
 *     (default 60 s)
 * @param preVote whether a member first asks whether it could win before starting an election, so
 *     that a member rejoining after a partition does not depose a working leader (default on)
 * @param checkQuorum whether a leader steps down when it has not heard from a quorum for an
 *     election timeout, and followers ignore votes while they hear from a leader (default on; leases
 *     for removed members depend on it)
 * @param snapshotRetainEntries entries kept in the log behind a snapshot, so that a follower a
 *     little behind is served from the log rather than sent the snapshot (default 5,000)
 * @param snapshotChunkBytes the size of the chunks a snapshot is sent to a follower in (default 1
 *     MiB; four are in flight at a time)
 * @param autoPromoteLearners whether the leader promotes a learner to voter by itself once it caught
 *     up (default on); off leaves promotion to {@link Admin#promote} (autopilot turns it off)
 * @param learnerCatchUpEntries a learner counts as caught up, for automatic promotion and for
 *     {@link Admin#promote}, once its log is within this many entries of the leader's (default 64)
 * @param memberId the id a new data directory takes (default: a random one, or the id the
 *     certificate names when {@code tls} binds identities); a directory that already holds another
 *     id fails to start
 * @param tls mutual TLS for the member's own transport ({@link dev.bourne.kayak.Kayak} starts one
 *     unless given one): every peer must present a certificate the trust store admits (default: none,
 *     plain TCP). When it binds identities, the certificate's common name is the member id; set it
 *     here also when giving a transport of your own that binds them, so that the member takes it
 */
public record KayakConfig(
    Path dataDir,
    HostPort bind,
    Duration tick,
    int electionTicks,
    int heartbeatTicks,
    int maxInflightMessages,
    int maxEntriesPerMessage,
    int maxBytesPerMessage,
    int maxEntryBytes,
    long segmentBytes,
    Duration requestTimeout,
    Duration appendTimeout,
    Duration joinTimeout,
    boolean preVote,
    boolean checkQuorum,
    int snapshotRetainEntries,
    int snapshotChunkBytes,
    boolean autoPromoteLearners,
    long learnerCatchUpEntries,
    Optional<NodeId> memberId,
    Optional<TlsConfig> tls) {

  /** @throws dev.bourne.common.config.ConfigException naming the first invalid key */
  public KayakConfig {
    ConfigCheck.notNull(dataDir, "kayak.data-dir");
    ConfigCheck.notNull(bind, "kayak.bind");
    ConfigCheck.require(!bind.isWildcard(), "kayak.bind", bind, "must be an address peers can reach, not a wildcard");
    ConfigCheck.positive(tick, "kayak.tick");
    ConfigCheck.inRange(electionTicks, 2, 100_000, "kayak.election-ticks");
    ConfigCheck.inRange(heartbeatTicks, 1, 100_000, "kayak.heartbeat-ticks");
    ConfigCheck.require(heartbeatTicks < electionTicks, "kayak.heartbeat-ticks", heartbeatTicks,
        "must be below kayak.election-ticks=" + electionTicks);
    ConfigCheck.inRange(maxInflightMessages, 1, 1 << 16, "kayak.max-inflight-messages");
    ConfigCheck.inRange(maxEntriesPerMessage, 1, 1 << 16, "kayak.max-entries-per-message");
    ConfigCheck.inRange(maxBytesPerMessage, 1024, 64 << 20, "kayak.max-bytes-per-message");
    ConfigCheck.inRange(maxEntryBytes, 0, 64 << 20, "kayak.max-entry-bytes");
    ConfigCheck.require(maxEntryBytes <= maxBytesPerMessage, "kayak.max-entry-bytes", maxEntryBytes,
        "must fit in one message of kayak.max-bytes-per-message=" + maxBytesPerMessage);
    ConfigCheck.inRange(segmentBytes, 1L << 20, 1L << 30, "kayak.segment-bytes");
    ConfigCheck.require(maxEntryBytes + 1024L <= segmentBytes, "kayak.max-entry-bytes", maxEntryBytes,
        "must fit in one log segment of kayak.segment-bytes=" + segmentBytes);
    ConfigCheck.positive(requestTimeout, "kayak.request-timeout");
    ConfigCheck.positive(appendTimeout, "kayak.append-timeout");
    ConfigCheck.positive(joinTimeout, "kayak.join-timeout");
    ConfigCheck.inRange(snapshotRetainEntries, 0, 1 << 30, "kayak.snapshot-retain-entries");
    ConfigCheck.inRange(snapshotChunkBytes, 256, 16 << 20, "kayak.snapshot-chunk-bytes");
    ConfigCheck.inRange(learnerCatchUpEntries, 0, 1L << 40, "kayak.learner-catch-up-entries");
    ConfigCheck.notNull(memberId, "kayak.member-id");
    ConfigCheck.notNull(tls, "kayak.tls");
    if (tls.isPresent() && tls.get().bindsIdentity()) {
      // A certificate that binds identity names this member: its common name is the member id.
      NodeId certified = tls.get().certifiedId();
      ConfigCheck.require(memberId.isEmpty() || memberId.get().equals(certified), "kayak.member-id", memberId.orElse(null),
          "differs from the id " + certified + " the certificate names");
      memberId = Optional.of(certified);
    }
  }

  /** A builder with the defaults, storing data in {@code dataDir}. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** The election timeout's lower bound as a duration. */
  public Duration electionTimeout() {
    return tick.multipliedBy(electionTicks);
  }

  /** Builds a {@link KayakConfig}. Not thread-safe. */
  public static final class Builder {
    private final Path dataDir;
    private HostPort bind = new HostPort("127.0.0.1", 0);
    private Duration tick = Duration.ofMillis(50);
    private int electionTicks = 10;
    private int heartbeatTicks = 2;
    private int maxInflightMessages = 256;
    private int maxEntriesPerMessage = 1024;
    private int maxBytesPerMessage = 1 << 20;
    private int maxEntryBytes = 1 << 20;
    private long segmentBytes = 64L << 20;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration appendTimeout = Duration.ofSeconds(10);
    private Duration joinTimeout = Duration.ofSeconds(60);
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private int snapshotRetainEntries = 5000;
    private int snapshotChunkBytes = 1 << 20;
    private boolean autoPromoteLearners = true;
    private long learnerCatchUpEntries = 64;
    private Optional<NodeId> memberId = Optional.empty();
    private Optional<TlsConfig> tls = Optional.empty();

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** @see KayakConfig#bind() */
    public Builder bind(HostPort value) {
      this.bind = value;
      return this;
    }

    /** @see KayakConfig#tick() */
    public Builder tick(Duration value) {
      this.tick = value;
      return this;
    }

    /** @see KayakConfig#electionTicks() @see KayakConfig#heartbeatTicks() */
    public Builder ticks(int election, int heartbeat) {
      this.electionTicks = election;
      this.heartbeatTicks = heartbeat;
      return this;
    }

    /** @see KayakConfig#maxInflightMessages() */
    public Builder maxInflightMessages(int value) {
      this.maxInflightMessages = value;
      return this;
    }

    /** @see KayakConfig#maxEntriesPerMessage() */
    public Builder maxEntriesPerMessage(int value) {
      this.maxEntriesPerMessage = value;
      return this;
    }

    /** @see KayakConfig#maxBytesPerMessage() */
    public Builder maxBytesPerMessage(int value) {
      this.maxBytesPerMessage = value;
      return this;
    }

    /** @see KayakConfig#maxEntryBytes() */
    public Builder maxEntryBytes(int value) {
      this.maxEntryBytes = value;
      return this;
    }

    /** @see KayakConfig#segmentBytes() */
    public Builder segmentBytes(long value) {
      this.segmentBytes = value;
      return this;
    }

    /** @see KayakConfig#requestTimeout() */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    /** @see KayakConfig#appendTimeout() */
    public Builder appendTimeout(Duration value) {
      this.appendTimeout = value;
      return this;
    }

    /** @see KayakConfig#joinTimeout() */
    public Builder joinTimeout(Duration value) {
      this.joinTimeout = value;
      return this;
    }

    /** @see KayakConfig#preVote() @see KayakConfig#checkQuorum() */
    public Builder elections(boolean preVote, boolean checkQuorum) {
      this.preVote = preVote;
      this.checkQuorum = checkQuorum;
      return this;
    }

    /** @throws dev.bourne.common.config.ConfigException naming the first invalid key */
    public KayakConfig build() {
      return new KayakConfig(dataDir, bind, tick, electionTicks, heartbeatTicks, maxInflightMessages,
          maxEntriesPerMessage, maxBytesPerMessage, maxEntryBytes, segmentBytes, requestTimeout, appendTimeout,
          joinTimeout, preVote, checkQuorum, snapshotRetainEntries, snapshotChunkBytes, autoPromoteLearners,
          learnerCatchUpEntries, memberId, tls);
    }

    /** @see KayakConfig#autoPromoteLearners() @see KayakConfig#learnerCatchUpEntries() */
    public Builder learners(boolean autoPromote, long catchUpEntries) {
      this.autoPromoteLearners = autoPromote;
      this.learnerCatchUpEntries = catchUpEntries;
      return this;
    }

    /** @see KayakConfig#tls() */
    public Builder tls(TlsConfig value) {
      this.tls = Optional.of(Objects.requireNonNull(value, "tls"));
      return this;
    }

    /** @see KayakConfig#memberId() */
    public Builder memberId(NodeId value) {
      this.memberId = Optional.of(Objects.requireNonNull(value, "memberId"));
      return this;
    }

    /** @see KayakConfig#snapshotChunkBytes() */
    public Builder snapshotChunkBytes(int value) {
      this.snapshotChunkBytes = value;
      return this;
    }

    /** @see KayakConfig#snapshotRetainEntries() */
    public Builder snapshotRetainEntries(int value) {
      this.snapshotRetainEntries = value;
      return this;
    }
  }
}
