package dev.bourne.convoy.host;

/**
 * Counters of one member's host, for tests, simulations and metrics: what it dropped and what its
 * view holds beyond the directory's active members. Obtained from {@link HostBuilder#counters}.
 *
 * <p>Thread-safe; each value is the one last published by the member's event loop.
 */
public interface HostCounters {
  /** Datagrams dropped since start because too many were already waiting for the event loop. */
  long droppedDatagrams();

  /** Messages dropped as malformed since start. */
  long malformedMessages();

  /**
   * TCP requests refused since start because the sender's certificate names another member than
   * the one the request claims to come from (only with {@code TlsConfig.bindingIdentity()}).
   */
  long impostorMessages();

  /** Messages naming another cluster, dropped since start. */
  long foreignClusterMessages();

  /**
   * Messages dropped since start as unauthenticated: no key of the keyring opened them (another
   * key, or altered), or plaintext where encryption is required.
   */
  long unauthenticatedMessages();

  /** Encrypted messages refused since start as replayed, or stamped too far from this member's clock. */
  long replayedMessages();

  /** Plaintext messages accepted since start: during a rollout, the members not yet encrypting. */
  long plaintextMessages();

  /** Gossip updates the core refused as hostile or absurd since start. */
  long rejectedUpdates();

  /** Digest exchanges this member started that found the tables differ (and sent both sides' differences) since start. */
  long antiEntropyRepairs();

  /** Members known in any state (failed, left and evicted ones not yet reaped included), self included. */
  int knownMembers();
}
