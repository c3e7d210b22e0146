package dev.bourne.convoy.api;

import static dev.bourne.common.config.ConfigCheck.inRange;
import static dev.bourne.common.config.ConfigCheck.positive;
import static dev.bourne.common.config.ConfigCheck.require;

import dev.bourne.common.config.ConfigException;
import java.time.Duration;

/**
 * The gossip protocol knobs of a Convoy member: SWIM probing, Lifeguard suspicion and local health,
 * dissemination, anti-entropy, reaping and size limits. Immutable; validated when built (a bad
 * value throws {@link ConfigException} naming the key). Start from a preset ({@link #lan()},
 * {@link #wan()}, {@link #local()}) and change what you need with {@link #toBuilder()}.
 *
 * @param probeInterval time between probes of successive members (one protocol period)
 * @param probeTimeout time to wait for a direct ack before asking {@code indirectChecks} members
 *     to probe; must be less than {@code probeInterval}
 * @param indirectChecks members asked to ping a target that missed its direct ack (k)
 * @param suspicionMult the least suspicion timeout is {@code suspicionMult * max(1, log10 N) *
 *     probeInterval}; it is also the number of independent confirmations (minus 2) that shrink the
 *     timeout to that least value
 * @param suspicionMaxMult the first suspicion timeout is {@code suspicionMaxMult} times the least
 * @param awarenessMax the local health score ranges over 0..awarenessMax; probe interval and
 *     timeout are multiplied by {@code 1 + score}
 * @param gossipInterval time between gossip rounds
 * @param fanout members gossiped to each round
 * @param retransmitFactor each update is sent {@code ceil(retransmitFactor * ln(N + 1))} times
 * @param gossipToDeadTime failed members still receive gossip this long, so a partition heals
 * @param pushPullInterval time between anti-entropy exchanges with a random member (a digest of
 *     the table, then only the members whose buckets differ; the full state with a failed member)
 * @param reapAfter failed, left and evicted members are forgotten this long after the change
 * @param rejoinInitialBackoff first delay before an isolated member retries known addresses
 * @param rejoinMaxBackoff the delay doubles up to this
 * @param maxQueuedUpdates bound of the dissemination queue (the most-sent updates go first)
 * @param maxPacketBytes bound of one UDP message, piggybacked updates included
 * @param maxKeyBytes bound of a store key (UTF-8)
 * @param maxValueBytes bound of a store value (UTF-8)
 * @param maxMemberBytes bound of all keys and values of one member, tombstones included
 * @param maxMembers bound of the member table (hostile gossip cannot grow it past this)
 */
public record GossipConfig(
    Duration probeInterval,
    Duration probeTimeout,
    int indirectChecks,
    int suspicionMult,
    int suspicionMaxMult,
    int awarenessMax,
    Duration gossipInterval,
    int fanout,
    int retransmitFactor,
    Duration gossipToDeadTime,
    Duration pushPullInterval,
    Duration reapAfter,
    Duration rejoinInitialBackoff,
    Duration rejoinMaxBackoff,
    int maxQueuedUpdates,
    int maxPacketBytes,
    int maxKeyBytes,
    int maxValueBytes,
    int maxMemberBytes,
    int maxMembers) {

  /**
   * Bytes of one packet that framing (ids, versions, tags, the envelope) may take beyond the largest
   * item's key and value: {@code maxKeyBytes + maxValueBytes + PACKET_FRAMING_BYTES} must fit in
   * {@code maxPacketBytes}.
   */
  public static final int PACKET_FRAMING_BYTES = 224;

  /** Validates every field. @throws ConfigException naming the first bad key and its value */
  public GossipConfig {
    positive(probeInterval, "probeInterval");
    positive(probeTimeout, "probeTimeout");
    require(probeTimeout.compareTo(probeInterval) < 0, "probeTimeout", probeTimeout,
        "must be less than probeInterval (" + probeInterval + ")");
    inRange(indirectChecks, 0, 16, "indirectChecks");
    inRange(suspicionMult, 1, 32, "suspicionMult");
    inRange(suspicionMaxMult, 1, 64, "suspicionMaxMult");
    inRange(awarenessMax, 0, 16, "awarenessMax");
    positive(gossipInterval, "gossipInterval");
    inRange(fanout, 1, 32, "fanout");
    inRange(retransmitFactor, 1, 32, "retransmitFactor");
    positive(gossipToDeadTime, "gossipToDeadTime");
    positive(pushPullInterval, "pushPullInterval");
    positive(reapAfter, "reapAfter");
    positive(rejoinInitialBackoff, "rejoinInitialBackoff");
    positive(rejoinMaxBackoff, "rejoinMaxBackoff");
    require(rejoinMaxBackoff.compareTo(rejoinInitialBackoff) >= 0, "rejoinMaxBackoff", rejoinMaxBackoff,
        "must be >= rejoinInitialBackoff (" + rejoinInitialBackoff + ")");
    inRange(maxQueuedUpdates, 16, 1_000_000, "maxQueuedUpdates");
    inRange(maxPacketBytes, 512, 65_000, "maxPacketBytes");
    inRange(maxKeyBytes, 1, 4096, "maxKeyBytes");
    inRange(maxValueBytes, 0, 60_000, "maxValueBytes");
    require(maxKeyBytes + maxValueBytes + PACKET_FRAMING_BYTES <= maxPacketBytes,
        "maxValueBytes", maxValueBytes,
        "a largest item (key " + maxKeyBytes + " + value + overhead) must fit in maxPacketBytes (" + maxPacketBytes + ")");
    inRange(maxMemberBytes, maxKeyBytes + maxValueBytes, 16 << 20, "maxMemberBytes");
    inRange(maxMembers, 2, 1_000_000, "maxMembers");
  }

  /** Defaults for a data-centre LAN: 1 s probes, 200 ms gossip, 30 s push-pull. */
  public static GossipConfig lan() {
    return new GossipConfig(Duration.ofSeconds(1), Duration.ofMillis(500), 3, 4, 6, 8,
        Duration.ofMillis(200), 3, 4, Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofSeconds(30), 4096, 1400, 128, 1024, 16 * 1024, 100_000);
  }

  /** Defaults for a WAN: slower probes and gossip, longer suspicion. */
  public static GossipConfig wan() {
    return lan().toBuilder().probeInterval(Duration.ofSeconds(5)).probeTimeout(Duration.ofSeconds(3))
        .suspicionMult(6).gossipInterval(Duration.ofMillis(500)).fanout(4)
        .gossipToDeadTime(Duration.ofSeconds(60)).pushPullInterval(Duration.ofSeconds(60)).build();
  }

  /** Defaults for one machine or tests: 200 ms probes, 50 ms gossip, 2 s push-pull. */
  public static GossipConfig local() {
    return lan().toBuilder().probeInterval(Duration.ofMillis(200)).probeTimeout(Duration.ofMillis(100))
        .suspicionMult(3).suspicionMaxMult(4).gossipInterval(Duration.ofMillis(50))
        .gossipToDeadTime(Duration.ofSeconds(3)).pushPullInterval(Duration.ofSeconds(2))
        .reapAfter(Duration.ofMinutes(1)).rejoinInitialBackoff(Duration.ofMillis(200))
        .rejoinMaxBackoff(Duration.ofSeconds(3)).build();
  }

  /** How many times each update is sent in a group of {@code n} members (self included). */
  public int retransmitLimit(int n) {
    return Math.max(1, (int) Math.ceil(retransmitFactor * Math.log(n + 1.0)));
  }

  /** The least suspicion timeout in a group of {@code n} members: {@code suspicionMult * max(1, log10 n)} probe intervals. */
  public Duration suspicionMinTimeout(int n) {
    // The same formula as the core's, which cannot be shared: the API depends on no core type.
    double scale = Math.max(1.0, Math.log10(Math.max(1, n)));
    return Duration.ofNanos((long) (suspicionMult * scale * probeInterval.toNanos()));
  }

  /** The first (longest) suspicion timeout in a group of {@code n} members. */
  public Duration suspicionMaxTimeout(int n) {
    return suspicionMinTimeout(n).multipliedBy(suspicionMaxMult);
  }

  /**
   * A bound on the time from a crash until every live member marks it failed, with a healthy
   * network: two probe rounds through the group, the longest suspicion, and the gossip to spread it.
   */
  public Duration failureDetectionBound(int n) {
    long spread = (long) retransmitLimit(n) * gossipInterval.toNanos();
    return probeInterval.multipliedBy(2L * Math.max(1, n - 1)).plus(suspicionMaxTimeout(n)).plusNanos(spread);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link GossipConfig}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private Duration probeInterval;
    private Duration probeTimeout;
    private int indirectChecks;
    private int suspicionMult;
    private int suspicionMaxMult;
    private int awarenessMax;
    private Duration gossipInterval;
    private int fanout;
    private int retransmitFactor;
    private Duration gossipToDeadTime;
    private Duration pushPullInterval;
    private Duration reapAfter;
    private Duration rejoinInitialBackoff;
    private Duration rejoinMaxBackoff;
    private int maxQueuedUpdates;
    private int maxPacketBytes;
    private int maxKeyBytes;
    private int maxValueBytes;
    private int maxMemberBytes;
    private int maxMembers;

    private Builder(GossipConfig c) {
      probeInterval = c.probeInterval;
      probeTimeout = c.probeTimeout;
      indirectChecks = c.indirectChecks;
      suspicionMult = c.suspicionMult;
      suspicionMaxMult = c.suspicionMaxMult;
      awarenessMax = c.awarenessMax;
      gossipInterval = c.gossipInterval;
      fanout = c.fanout;
      retransmitFactor = c.retransmitFactor;
      gossipToDeadTime = c.gossipToDeadTime;
      pushPullInterval = c.pushPullInterval;
      reapAfter = c.reapAfter;
      rejoinInitialBackoff = c.rejoinInitialBackoff;
      rejoinMaxBackoff = c.rejoinMaxBackoff;
      maxQueuedUpdates = c.maxQueuedUpdates;
      maxPacketBytes = c.maxPacketBytes;
      maxKeyBytes = c.maxKeyBytes;
      maxValueBytes = c.maxValueBytes;
      maxMemberBytes = c.maxMemberBytes;
      maxMembers = c.maxMembers;
    }

    /** @see GossipConfig#probeInterval() */
    public Builder probeInterval(Duration v) { probeInterval = v; return this; }
    /** @see GossipConfig#probeTimeout() */
    public Builder probeTimeout(Duration v) { probeTimeout = v; return this; }
    /** @see GossipConfig#indirectChecks() */
    public Builder indirectChecks(int v) { indirectChecks = v; return this; }
    /** @see GossipConfig#suspicionMult() */
    public Builder suspicionMult(int v) { suspicionMult = v; return this; }
    /** @see GossipConfig#suspicionMaxMult() */
    public Builder suspicionMaxMult(int v) { suspicionMaxMult = v; return this; }
    /** @see GossipConfig#awarenessMax() */
    public Builder awarenessMax(int v) { awarenessMax = v; return this; }
    /** @see GossipConfig#gossipInterval() */
    public Builder gossipInterval(Duration v) { gossipInterval = v; return this; }
    /** @see GossipConfig#fanout() */
    public Builder fanout(int v) { fanout = v; return this; }
    /** @see GossipConfig#retransmitFactor() */
    public Builder retransmitFactor(int v) { retransmitFactor = v; return this; }
    /** @see GossipConfig#gossipToDeadTime() */
    public Builder gossipToDeadTime(Duration v) { gossipToDeadTime = v; return this; }
    /** @see GossipConfig#pushPullInterval() */
    public Builder pushPullInterval(Duration v) { pushPullInterval = v; return this; }
    /** @see GossipConfig#reapAfter() */
    public Builder reapAfter(Duration v) { reapAfter = v; return this; }
    /** @see GossipConfig#rejoinInitialBackoff() */
    public Builder rejoinInitialBackoff(Duration v) { rejoinInitialBackoff = v; return this; }
    /** @see GossipConfig#rejoinMaxBackoff() */
    public Builder rejoinMaxBackoff(Duration v) { rejoinMaxBackoff = v; return this; }
    /** @see GossipConfig#maxQueuedUpdates() */
    public Builder maxQueuedUpdates(int v) { maxQueuedUpdates = v; return this; }
    /** @see GossipConfig#maxPacketBytes() */
    public Builder maxPacketBytes(int v) { maxPacketBytes = v; return this; }
    /** @see GossipConfig#maxKeyBytes() */
    public Builder maxKeyBytes(int v) { maxKeyBytes = v; return this; }
    /** @see GossipConfig#maxValueBytes() */
    public Builder maxValueBytes(int v) { maxValueBytes = v; return this; }
    /** @see GossipConfig#maxMemberBytes() */
    public Builder maxMemberBytes(int v) { maxMemberBytes = v; return this; }
    /** @see GossipConfig#maxMembers() */
    public Builder maxMembers(int v) { maxMembers = v; return this; }

    /** @throws ConfigException if a value is invalid */
    public GossipConfig build() {
      return new GossipConfig(probeInterval, probeTimeout, indirectChecks, suspicionMult, suspicionMaxMult,
          awarenessMax, gossipInterval, fanout, retransmitFactor, gossipToDeadTime, pushPullInterval, reapAfter,
          rejoinInitialBackoff, rejoinMaxBackoff, maxQueuedUpdates, maxPacketBytes, maxKeyBytes, maxValueBytes,
          maxMemberBytes, maxMembers);
    }
  }
}
