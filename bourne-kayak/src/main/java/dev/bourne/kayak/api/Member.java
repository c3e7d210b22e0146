package dev.bourne.kayak.api;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.util.Objects;

/**
 * A member of a Kayak cluster as one host sees it.
 *
 * @param id its stable identity
 * @param address where its Kayak transport listens, if known ({@code null} never; an unknown
 *     address is not listed)
 * @param voter true for a voting member, false for a learner that is still catching up
 */
public record Member(NodeId id, HostPort address, boolean voter) {
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
  }
}
