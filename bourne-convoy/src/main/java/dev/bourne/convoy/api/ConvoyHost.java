package dev.bourne.convoy.api;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;

/**
 * A running Convoy member. Obtained from {@link Convoy#start} or {@link Convoy#join}.
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

  /** True until closed, shut down or evicted. */
  boolean isRunning();

  /** Leaves gracefully: announces it, waits (bounded by the leave timeout) for it to spread, stops. */
  @Override
  void close();

  /** Stops at once, as a crash would: the others will detect it as failed. */
  void shutdown();
}
