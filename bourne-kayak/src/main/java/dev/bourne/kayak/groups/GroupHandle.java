package dev.bourne.kayak.groups;

import dev.bourne.kayak.api.KayakHost;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * This member's part in one group: formation, then the running Kayak host.
 *
 * <p>Thread-safe.
 */
public interface GroupHandle extends AutoCloseable {
  /** The group's name. */
  String name();

  /**
   * Completes with this member's Kayak host once it is in the group's configuration (a voter, or a
   * learner the autopilot may promote); for a placed group, once this member hosts it (a member the
   * group is not placed on stays on standby, and this does not complete; a placed member moved off
   * later stands down, and {@link #host()} then tells which host runs, if any). Fails with {@link FormationException} if the group cannot
   * form until an operator acts (members expect different sizes, or belong to two clusters), and
   * with {@code ClosedException} if this handle is closed first.
   */
  CompletableFuture<KayakHost> formed();

  /** The host, once this member bootstrapped, joined or resumed the group. */
  Optional<KayakHost> host();

  /** What this member is doing for the group now, for operators ("forming: 2 of 3 ...", "running"). */
  String status();

  /**
   * Stops this member's part: stops advertising, shuts the host down (it stays in the group's
   * configuration, like a stopped process, until autopilot removes it as dead). Idempotent.
   */
  @Override
  void close();
}
