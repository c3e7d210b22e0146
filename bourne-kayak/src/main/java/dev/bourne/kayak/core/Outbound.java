package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.Objects;

/**
 * A message the core asks its host to send.
 *
 * @param to the recipient
 * @param message what to send
 */
public record Outbound(NodeId to, Message message) {
  /** @throws NullPointerException if a reference component is null */
  public Outbound {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
  }
}
