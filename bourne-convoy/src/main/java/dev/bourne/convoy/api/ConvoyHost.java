package dev.bourne.convoy.api;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running Convoy member. Obtained from {@code dev.bourne.convoy.Convoy.start} or {@code join}.
 *
 * <p>Thread-safe. {@link #close()} and {@link #shutdown()} are idempotent; after either, store
 * writes fail with code {@code CLOSED} and the directory keeps its last snapshot.
 */
public interface ConvoyHost extends AutoCloseable {
  /** This member's permanent id (persisted if a data directory is set). */
  NodeId id();

  /** The routable address peers reach this member at (never a wildcard). */
  HostPort address();

  /** This member as the directory shows it (address, incarnation, items). */
  Member self();

  /** This member's own store. */
  Store store();

  /** Another member's store: reads from the directory, writes routed to the owner. */
  Store storeOf(NodeId owner);

  /** The merged view of the group. */
  Directory directory();

  /** The group's gossip keys: list, install, use, remove, rotate ({@link GossipSecurity}). */
  GossipKeyring keyring();

  /** True until closed, shut down or evicted. */
  boolean isRunning();

  /**
   * Joins the group through any of {@code seeds} (this member's own address is skipped): each round
   * tries every seed in turn, with backoff between rounds, up to {@link ConvoyConfig#joinAttempts()}
   * rounds. An isolated member later retries these seeds by itself. The future completes, as
   * {@link Store#putAsync} does, once one seed answered; an empty list completes at once.
   *
   * <p>The future fails with {@link ConvoyException} code {@code JOIN_FAILED} listing every seed
   * tried and its error, or with code {@code CLOSED} if the member stops first; the member keeps
   * running either way.
   *
   * @throws NullPointerException if {@code seeds} or a seed is null
   */
  CompletableFuture<Void> joinAsync(List<HostPort> seeds);

  /**
   * Leaves gracefully without blocking: announces it, and stops once the announcement spread or
   * the leave timeout passed. The future completes once the member stopped. Idempotent.
   */
  CompletableFuture<Void> leave();

  /** Leaves gracefully: {@link #leave()}, waiting (bounded by the leave timeout) until it stopped. */
  @Override
  void close();

  /** Stops at once, as a crash would: the others will detect it as failed. */
  void shutdown();
}
