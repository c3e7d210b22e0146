package dev.bourne.kayak.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.core.RaftCore;
import dev.bourne.kayak.core.Ready;

/**
 * What a simulation observes inside a host, to check invariants after every step. Called on the
 * host's event loop; must not change the core. Production hosts use {@link #NONE}.
 */
public interface HostProbe {
  /** Observes nothing. */
  HostProbe NONE = new HostProbe() { };

  /** The host is about to carry out {@code ready}; {@code core} is the state that produced it. */
  default void onReady(NodeId host, Ready ready, RaftCore core) { }

  /** The event loop finished a round of tasks and carried out every Ready they caused. */
  default void afterRound(NodeId host, RaftCore core) { }

  /** The host is stopping after {@code error} (a bug or a storage failure). */
  default void onFatal(NodeId host, Throwable error) { }
}
