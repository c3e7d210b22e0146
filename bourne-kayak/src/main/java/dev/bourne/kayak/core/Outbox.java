package dev.bourne.kayak.core;

import dev.bourne.common.id.NodeId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Collects the core's outputs between two {@link RaftCore#ready()} calls and decides which
 * messages must wait for local durability.
 */
final class Outbox {
  final List<Outbound> now = new ArrayList<>();
  final List<Outbound> afterPersist = new ArrayList<>();
  final List<ReadResult> reads = new ArrayList<>();
  final LinkedHashSet<NodeId> needSnapshot = new LinkedHashSet<>();
  /** A snapshot to install in storage before this Ready's writes: its index (0 = none) and term. */
  long installIndex;
  long installTerm;
  boolean membershipChanged;

  void send(NodeId to, Message m) {
    (mayGoBeforePersist(m) ? now : afterPersist).add(new Outbound(to, m));
  }

  /**
   * A leader's replication and heartbeats, TimeoutNow and PreVote traffic change nothing durable
   * and may leave at once. Real votes and append acknowledgements promise something about this
   * member's durable state (its term, vote or log), so they wait until it is durable.
   */
  static boolean mayGoBeforePersist(Message m) {
    return switch (m.kind()) {
      case APPEND_REQUEST, HEARTBEAT, HEARTBEAT_RESPONSE, TIMEOUT_NOW -> true;
      case VOTE_REQUEST -> ((Message.VoteRequest) m).preVote();
      case VOTE_RESPONSE -> ((Message.VoteResponse) m).preVote();
      case APPEND_RESPONSE, INSTALL_SNAPSHOT -> false;
    };
  }

  boolean isEmpty() {
    return now.isEmpty() && afterPersist.isEmpty() && reads.isEmpty() && needSnapshot.isEmpty() && !membershipChanged
        && installIndex == 0;
  }

  void clear() {
    now.clear();
    afterPersist.clear();
    reads.clear();
    needSnapshot.clear();
    installIndex = 0;
    installTerm = 0;
    membershipChanged = false;
  }
}
