package dev.bourne.kayak.core;

import dev.bourne.common.config.ConfigCheck;

/**
 * Tuning of the Raft core, in ticks (the host decides how long a tick is, e.g. 10 ms) and counts.
 * Immutable and validated on construction; start from {@link #defaults()} and adjust with the
 * {@code with*} methods.
 *
 * @param electionTicks the minimum election timeout; each timeout is drawn afresh, uniformly from
 *     {@code [electionTicks, 2 * electionTicks)}. Also the CheckQuorum period and leader lease.
 * @param heartbeatTicks the leader's heartbeat period; must be well below {@code electionTicks}
 * @param preVote whether to probe with PreVote before campaigning
 * @param checkQuorum whether a leader steps down when it has not heard from a quorum within an
 *     election period, and followers ignore vote requests while they hear from a leader (the
 *     lease that stops partitioned or removed members from deposing a healthy leader). Without
 *     it, a removed member that missed its removal can disrupt elections.
 * @param maxInflightMessages append messages in flight per follower (the pipelining window)
 * @param maxEntriesPerMessage entries per append message
 * @param maxBytesPerMessage payload bytes per append message (at least one entry is always sent)
 * @param maxCommittedBytesPerReady payload bytes of committed entries per {@link Ready}
 * @param autoPromoteLearners whether the leader promotes a learner by itself once caught up
 * @param learnerCatchUpEntries a learner counts as caught up when its match is within this many
 *     entries of the leader's last index
 */
public record RaftConfig(
    int electionTicks,
    int heartbeatTicks,
    boolean preVote,
    boolean checkQuorum,
    int maxInflightMessages,
    int maxEntriesPerMessage,
    long maxBytesPerMessage,
    long maxCommittedBytesPerReady,
    boolean autoPromoteLearners,
    long learnerCatchUpEntries) {

  /** @throws dev.bourne.common.config.ConfigException naming the key and value if one is invalid */
  public RaftConfig {
    ConfigCheck.inRange(electionTicks, 2, 1_000_000, "kayak.election-ticks");
    ConfigCheck.inRange(heartbeatTicks, 1, 1_000_000, "kayak.heartbeat-ticks");
    ConfigCheck.require(heartbeatTicks < electionTicks, "kayak.heartbeat-ticks", heartbeatTicks,
        "must be below kayak.election-ticks=" + electionTicks);
    ConfigCheck.inRange(maxInflightMessages, 1, 1 << 20, "kayak.max-inflight-messages");
    ConfigCheck.inRange(maxEntriesPerMessage, 1, 1 << 20, "kayak.max-entries-per-message");
    ConfigCheck.inRange(maxBytesPerMessage, 1, Integer.MAX_VALUE, "kayak.max-bytes-per-message");
    ConfigCheck.inRange(maxCommittedBytesPerReady, 1, Long.MAX_VALUE, "kayak.max-committed-bytes-per-ready");
    ConfigCheck.inRange(learnerCatchUpEntries, 0, Long.MAX_VALUE, "kayak.learner-catch-up-entries");
  }

  /**
   * Election 10 ticks, heartbeat 1, PreVote and CheckQuorum on, 64 messages in flight of up to
   * 512 entries / 1 MiB, 4 MiB of committed entries per Ready, learners promoted automatically
   * within 64 entries.
   */
  public static RaftConfig defaults() {
    return new RaftConfig(10, 1, true, true, 64, 512, 1 << 20, 4 << 20, true, 64);
  }

  /** A copy with other election and heartbeat periods. */
  public RaftConfig withTicks(int election, int heartbeat) {
    return new RaftConfig(election, heartbeat, preVote, checkQuorum, maxInflightMessages, maxEntriesPerMessage,
        maxBytesPerMessage, maxCommittedBytesPerReady, autoPromoteLearners, learnerCatchUpEntries);
  }

  /** A copy with PreVote and CheckQuorum switched. */
  public RaftConfig withPreVoteAndCheckQuorum(boolean preVote, boolean checkQuorum) {
    return new RaftConfig(electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightMessages,
        maxEntriesPerMessage, maxBytesPerMessage, maxCommittedBytesPerReady, autoPromoteLearners, learnerCatchUpEntries);
  }

  /** A copy with other replication budgets. */
  public RaftConfig withBudgets(int inflight, int entriesPerMessage, long bytesPerMessage) {
    return new RaftConfig(electionTicks, heartbeatTicks, preVote, checkQuorum, inflight, entriesPerMessage,
        bytesPerMessage, maxCommittedBytesPerReady, autoPromoteLearners, learnerCatchUpEntries);
  }

  /** A copy with another learner promotion policy. */
  public RaftConfig withAutoPromote(boolean auto, long catchUpEntries) {
    return new RaftConfig(electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightMessages,
        maxEntriesPerMessage, maxBytesPerMessage, maxCommittedBytesPerReady, auto, catchUpEntries);
  }
}
