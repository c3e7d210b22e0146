package dev.bourne.net;

import dev.bourne.common.net.HostPort;
import java.util.Objects;

/**
 * Where an inbound request or message came from.
 *
 * @param source the sender's advertised listen address (from the envelope, or the UDP source
 *     address for datagrams); reply to this
 * @param remote the address of the socket it arrived on (an ephemeral port for TCP)
 */
public record Inbound(HostPort source, HostPort remote) {
  public Inbound {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(remote, "remote");
  }
}
