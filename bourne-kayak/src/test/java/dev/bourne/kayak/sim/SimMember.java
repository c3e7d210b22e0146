package dev.bourne.kayak.sim;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.api.Entry;
import dev.bourne.kayak.api.KayakHost;
import dev.bourne.kayak.api.Role;
import dev.bourne.kayak.api.Subscription;
import dev.bourne.kayak.core.Membership;
import dev.bourne.kayak.storage.MemoryLogStorage;
import dev.bourne.kayak.storage.MemoryMetaStorage;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated machine: its address, its disk (which outlives crashes, minus what was not
 * synced), and, while it is up, the real host running on it with the application's subscription.
 * The application is a list of the entries it applied, in order.
 */
final class SimMember {
  final int number;
  final HostPort address;
  final MemoryLogStorage log = new MemoryLogStorage();
  final MemoryMetaStorage meta = new MemoryMetaStorage();
  final SimSnapshots snapshots = new SimSnapshots();
  /** Whether this machine's host may write small batches on its event loop. */
  final boolean inlineWrites;
  NodeId id;
  KayakHost host;
  Subscription subscription;
  final List<Entry> applied = new ArrayList<>();
  long lastApplied;
  /** The configuration its core last reported. */
  Membership membership;
  /** It left the cluster through {@code leave()} and was stopped: it does not come back. */
  boolean departed;

  SimMember(int number, boolean inlineWrites) {
    this.number = number;
    this.address = new HostPort("127.0.0.1", 7000 + number);
    this.inlineWrites = inlineWrites;
  }

  boolean isUp() {
    return host != null;
  }

  boolean isLeader() {
    return host != null && host.role() == dev.bourne.kayak.api.Role.LEADER;
  }

  @Override
  public String toString() {
    if (host == null) {
      return "m" + number + "[" + (id == null ? "-" : id.shortString()) + (departed ? " departed]" : " down]");
    }
    return "m" + number + "[" + id.shortString() + " " + host.role() + " t" + host.term() + " leader="
        + host.leader().map(l -> l.id().shortString()).orElse("-") + " head=" + host.log().head() + " commit="
        + host.log().committed() + " applied=" + lastApplied + " " + membership + (inlineWrites ? "" : " queued")
        + "]";
  }
}
