package dev.bourne.net;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an inbound request or message came from.
 *
 * @param source the sender's advertised listen address (from the envelope, or the UDP source
 *     address for datagrams); reply to this
 * @param remote the address of the socket it arrived on (an ephemeral port for TCP)
 * @param identity the sender's identity as its verified TLS certificate names it (its common name),
 *     when the transport binds identities ({@link TlsConfig#bindingIdentity()}); empty otherwise,
 *     and always for datagrams
 */
public record Inbound(HostPort source, HostPort remote, Optional<String> identity) {
  public Inbound {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(identity, "identity");
  }

  /** An inbound without a certified identity. */
  public Inbound(HostPort source, HostPort remote) {
    this(source, remote, Optional.empty());
  }

  /**
   * Whether the sender may claim to be the member {@code claimed}: always without a certified
   * identity, otherwise only if the certificate names that member id (compared as ids, so an
   * upper-case UUID in a certificate names the same member as its lower-case form).
   */
  public boolean mayClaim(NodeId claimed) {
    if (identity.isEmpty()) {
      return true;
    }
    try {
      return NodeId.parse(identity.get()).equals(claimed);
    } catch (IllegalArgumentException notAnId) {
      return false;
    }
  }
}
