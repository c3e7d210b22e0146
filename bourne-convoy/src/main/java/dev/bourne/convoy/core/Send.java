package dev.bourne.convoy.core;

import dev.bourne.common.net.HostPort;
import java.util.Objects;

/**
 * A message the core asks its host to send. If the send fails (unreachable, closed), the host
 * reports {@link SwimCore#sendFailed(long, long)} with {@code sendId} so the updates it carried are
 * not counted as sent.
 */
public record Send(HostPort to, Message message, Channel channel, long sendId) {
  /** Checks for nulls. */
  public Send {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(channel, "channel");
  }
}
