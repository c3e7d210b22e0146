package dev.bourne.kayak.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.Admin;
import dev.bourne.kayak.core.MembershipChange;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** A host's {@link Admin}: each call becomes one change on the leader. Thread-safe. */
final class HostAdmin implements Admin {
  private final Requests requests;

  HostAdmin(Requests requests) {
    this.requests = requests;
  }

  @Override
  public CompletableFuture<Void> addLearner(NodeId member, HostPort address) {
    Objects.requireNonNull(address, "address");
    return requests.administer(new MembershipChange.AddLearner(member), address);
  }

  @Override
  public CompletableFuture<Void> promote(NodeId member) {
    return requests.administer(new MembershipChange.Promote(member), null);
  }

  @Override
  public CompletableFuture<Void> remove(NodeId member) {
    return requests.administer(new MembershipChange.Remove(member), null);
  }

  @Override
  public void updateAddress(NodeId member, HostPort address) {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(address, "address");
    requests.updateAddress(member, address);
  }
}
