package dev.bourne.kayak.api;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.common.time.Cancellable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One running member of a Kayak cluster, from {@link dev.bourne.kayak.Kayak#start} or {@link dev.bourne.kayak.Kayak#join}.
 *
 * <p>Lifecycle: running until {@link #close()} (leave the cluster gracefully: a leader first hands
 * leadership over) or {@link #shutdown()} (stop at once, as a crash would; the member stays in the
 * configuration and catches up when restarted with the same data directory).
 *
 * <p>Threading: thread-safe. Listeners run on the host's event thread and must not block.
 */
public interface KayakHost extends AutoCloseable {
  /** This member's id, persisted in its data directory. */
  NodeId id();

  /** The address peers reach this member at. */
  HostPort address();

  /** The members of the current configuration (voters and learners) whose address is known. */
  List<Member> roster();

  /** The leader as far as this member knows (a hint: it may already be deposed). */
  Optional<Member> leader();

  /**
   * The cluster this member belongs to: set when it bootstraps a cluster, or once a leader accepts
   * its join; kept in its data directory. Empty only while a new member is still joining.
   */
  Optional<ClusterId> clusterId();

  /**
   * Raft messages and requests refused so far because the sender's certificate names another
   * member than the one it claims to be, or names no member where only members may ask (only when
   * the transport binds identities to certificates; always 0 otherwise).
   */
  long impostorMessages();

  /** This member's current role. */
  Role role();

  /** This member's current term. */
  long term();

  /** The replicated log. */
  Log log();

  /** Coordination of reads and writes with the application's state machine. */
  Sync sync();

  /** Administration of other members: add a learner, promote it, remove a member. */
  Admin admin();

  /** Calls {@code listener} with the new role whenever it changes. */
  Cancellable onRoleChange(Consumer<Role> listener);

  /** Calls {@code listener} with the new term whenever it changes. */
  Cancellable onTermChange(Consumer<Long> listener);

  /**
   * Asks the leader to hand leadership to {@code to}, which must be a voter. Completes once
   * {@code to} leads, or fails on timeout ({@code TimedOutException}) or if this member does not
   * know the leader ({@link NoLeaderException}); forwarded to the leader from a follower.
   */
  CompletableFuture<Void> transferLeadership(NodeId to);

  /**
   * Removes this member from the cluster through the log, without stopping it: a leader removes
   * itself and then waits (bounded) until it has handed leadership over. Completes at once if this
   * member is not in the configuration, or is its last voter (the cluster then ends with it).
   *
   * @return fails with {@link dev.bourne.common.error.TimedOutException} (after the join
   *     timeout), {@link NoLeaderException} or {@link dev.bourne.common.error.ClosedException}
   */
  CompletableFuture<Void> leave();

  /**
   * Leaves the cluster: asks the leader to remove this member (a leader removing itself hands
   * leadership over after the change commits), waits for the removal to commit within the
   * configured timeout, then stops. Idempotent.
   */
  @Override
  void close();

  /** Stops at once, as a crash would: no leave, no handover, nothing pending is flushed. Idempotent. */
  void shutdown();
}
