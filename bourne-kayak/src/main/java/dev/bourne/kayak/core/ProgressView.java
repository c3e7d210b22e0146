package dev.bourne.kayak.core;

/**
 * A leader's view of one follower's replication, for the host (e.g. to decide when a learner has
 * caught up) and for metrics.
 *
 * @param match the highest index known replicated and durable there
 * @param next the next index to send
 * @param state the replication state
 * @param voter whether the member votes
 * @param recentActive whether it answered within the current election period
 * @param inflight messages sent and not yet acknowledged
 */
public record ProgressView(long match, long next, ProgressState state, boolean voter, boolean recentActive, int inflight) {}
