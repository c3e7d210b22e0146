package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Role;
import java.util.Objects;
import java.util.Optional;

/**
 * What a member believes about leadership.
 *
 * @param role its role
 * @param term its current term
 * @param leader the leader of {@code term} if known (a hint: it may have been deposed)
 */
public record Status(Role role, long term, Optional<NodeId> leader) {
  /** @throws NullPointerException if a reference component is null */
  public Status {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(leader, "leader");
  }
}
