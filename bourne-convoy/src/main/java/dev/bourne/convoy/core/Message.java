package dev.bourne.convoy.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.MemberState;
import java.util.List;
import java.util.Objects;

/** The messages Convoy members exchange. Converted to and from protobuf at the host's edge. */
public sealed interface Message
    permits Message.Ping, Message.Ack, Message.Nack, Message.PingReq, Message.Gossip, Message.PushPull,
    Message.Digest, Message.DigestReply {

  /** The id of the member that sent it. */
  NodeId sender();

  /** Asks {@code target} to ack {@code seq}. A member acks only pings meant for its own id. */
  record Ping(long seq, NodeId target, NodeId sender, List<Update> updates) implements Message {
    /** Copies the updates. */
    public Ping {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(sender, "sender");
      updates = List.copyOf(updates);
    }
  }

  /** Answers a {@link Ping} (or relays an indirect one) with the same {@code seq}. */
  record Ack(long seq, NodeId sender, List<Update> updates) implements Message {
    /** Copies the updates. */
    public Ack {
      Objects.requireNonNull(sender, "sender");
      updates = List.copyOf(updates);
    }
  }

  /** A relay's word that its ping for an indirect probe {@code seq} got no ack (Lifeguard). */
  record Nack(long seq, NodeId sender) implements Message {
    /** Checks for nulls. */
    public Nack {
      Objects.requireNonNull(sender, "sender");
    }
  }

  /** Asks the receiver to ping {@code target} and relay the ack for {@code seq}. */
  record PingReq(long seq, NodeId target, HostPort targetAddress, NodeId sender, List<Update> updates)
      implements Message {
    /** Copies the updates. */
    public PingReq {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(targetAddress, "targetAddress");
      Objects.requireNonNull(sender, "sender");
      updates = List.copyOf(updates);
    }
  }

  /** Updates pushed to a random member. */
  record Gossip(NodeId sender, List<Update> updates) implements Message {
    /** Copies the updates. */
    public Gossip {
      Objects.requireNonNull(sender, "sender");
      updates = List.copyOf(updates);
    }
  }

  /**
   * One side of a full-state exchange (anti-entropy, and the join handshake): every member the
   * sender knows and every item it holds.
   *
   * @param reply false for the request, true for the answer
   * @param join true when the sender is joining (or rejoining) through the receiver
   */
  record PushPull(boolean reply, boolean join, NodeId sender, List<MemberRecord> members, List<Update.ItemUpdate> items)
      implements Message {
    /** Copies the lists. */
    public PushPull {
      Objects.requireNonNull(sender, "sender");
      members = List.copyOf(members);
      items = List.copyOf(items);
    }
  }

  /**
   * Periodic anti-entropy, first leg (a TCP request): the sender's table summarized as one hash
   * per bucket of members ({@link TableSummary}), so that agreeing members exchange about 520 bytes
   * instead of their whole tables.
   */
  record Digest(NodeId sender, List<Long> buckets) implements Message {
    /** Copies the buckets. */
    public Digest {
      Objects.requireNonNull(sender, "sender");
      buckets = List.copyOf(buckets);
    }
  }

  /**
   * The answer to a {@link Digest}: the buckets in which the two tables differ, and the answerer's
   * members of those buckets with their items. The asker merges them and sends its own members of
   * those buckets back as a {@link PushPull} reply (best effort), so that both sides repair.
   */
  record DigestReply(NodeId sender, List<Integer> differing, List<MemberRecord> members,
      List<Update.ItemUpdate> items) implements Message {
    /** Copies the lists. */
    public DigestReply {
      Objects.requireNonNull(sender, "sender");
      differing = List.copyOf(differing);
      members = List.copyOf(members);
      items = List.copyOf(items);
    }
  }

  /** One member's record in a {@link PushPull}. */
  record MemberRecord(NodeId id, HostPort address, long incarnation, long generation, MemberState state) {
    /** Checks for nulls. */
    public MemberRecord {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(state, "state");
    }
  }
}
