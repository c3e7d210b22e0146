package dev.bourne.kayak.api;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.util.concurrent.CompletableFuture;

/**
 * Administration of the cluster's configuration, from any member: each call is forwarded to the
 * leader, which makes the change through the log, one change at a time (a call made while another
 * change is in progress waits for it, within {@link KayakConfig#appendTimeout()}). Each future
 * completes once the new configuration is committed; a call whose effect is already committed
 * (adding a member that is there, removing one that is gone) completes at once, so a retry is
 * safe.
 *
 * <p>Failures: {@link InvalidChangeException} (code {@code INVALID_CHANGE}) if the change cannot
 * apply to the configuration (promoting a member that is not a learner, or a learner that has not
 * caught up; removing the last voter); {@code NoLeaderException} or {@code TimedOutException} if
 * no leader committed it in time; {@code ClosedException} once the host is closed.
 *
 * <p>Thread-safe.
 */
public interface Admin {
  /**
   * Adds {@code member}, listening at {@code address}, as a learner: it receives the log but does
   * not vote. With {@link KayakConfig#autoPromoteLearners()} (the default) the leader promotes it
   * once it caught up.
   */
  CompletableFuture<Void> addLearner(NodeId member, HostPort address);

  /**
   * Makes the learner {@code member} a voter. Refused with {@link InvalidChangeException} unless its
   * log is within {@link KayakConfig#learnerCatchUpEntries()} of the leader's: a voter that cannot
   * keep up would weaken the quorum.
   */
  CompletableFuture<Void> promote(NodeId member);

  /**
   * Removes {@code member}, voter or learner. Removing the leader makes it hand leadership to the
   * most up-to-date voter once the removal committed.
   */
  CompletableFuture<Void> remove(NodeId member);

  /**
   * Tells this member where {@code member} listens now, as a directory (gossip) saw it: from now on
   * this member sends there. Local, not a change through the log; every member that is told (or
   * hears from {@code member} at its new address) follows. For a member that came back on another
   * address (consul #457).
   */
  void updateAddress(NodeId member, HostPort address);
}
