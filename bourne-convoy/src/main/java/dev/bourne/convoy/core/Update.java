package dev.bourne.convoy.core;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.Item;
import java.util.Objects;

/**
 * One piece of gossip: a membership change or a store item. Updates ride on probes, acks and gossip
 * messages. Two updates with the same {@link #queueKey()} are about the same thing, and the newer
 * replaces the older in the dissemination queue.
 */
public sealed interface Update
    permits Update.Alive, Update.Suspect, Update.Failed, Update.Left, Update.Evicted, Update.ItemUpdate {

  /** The member this update is about (the owner, for items). */
  NodeId subject();

  /** What this update supersedes in the queue: one membership slot per member, one per item key. */
  Object queueKey();

  /** A conservative estimate of its encoded size in bytes. */
  int estimatedBytes();

  /** Key of a member's membership slot in the queue. */
  record MemberKey(NodeId id) {}

  /** Key of one item's slot in the queue. */
  record ItemKey(NodeId owner, String key) {}

  /**
   * The member is alive at this incarnation.
   *
   * @param generation the incarnation at which the member's current process started; items of an
   *     older generation are hidden
   */
  record Alive(NodeId id, HostPort address, long incarnation, long generation) implements Update {
    /** Checks for nulls. */
    public Alive {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(address, "address");
    }

    @Override public NodeId subject() { return id; }
    @Override public Object queueKey() { return new MemberKey(id); }
    @Override public int estimatedBytes() { return Sizes.MEMBER_UPDATE + Sizes.utf8(address.host()); }
  }

  /** {@code from} suspects the member at this incarnation. */
  record Suspect(NodeId id, long incarnation, NodeId from) implements Update {
    /** Checks for nulls. */
    public Suspect {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(from, "from");
    }

    @Override public NodeId subject() { return id; }
    @Override public Object queueKey() { return new MemberKey(id); }
    @Override public int estimatedBytes() { return Sizes.MEMBER_UPDATE; }
  }

  /** {@code from} declared the member failed at this incarnation. */
  record Failed(NodeId id, long incarnation, NodeId from) implements Update {
    /** Checks for nulls. */
    public Failed {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(from, "from");
    }

    @Override public NodeId subject() { return id; }
    @Override public Object queueKey() { return new MemberKey(id); }
    @Override public int estimatedBytes() { return Sizes.MEMBER_UPDATE; }
  }

  /** The member left gracefully at this incarnation. */
  record Left(NodeId id, long incarnation) implements Update {
    /** Checks for nulls. */
    public Left {
      Objects.requireNonNull(id, "id");
    }

    @Override public NodeId subject() { return id; }
    @Override public Object queueKey() { return new MemberKey(id); }
    @Override public int estimatedBytes() { return Sizes.MEMBER_UPDATE; }
  }

  /** The member was evicted permanently. */
  record Evicted(NodeId id, long incarnation) implements Update {
    /** Checks for nulls. */
    public Evicted {
      Objects.requireNonNull(id, "id");
    }

    @Override public NodeId subject() { return id; }
    @Override public Object queueKey() { return new MemberKey(id); }
    @Override public int estimatedBytes() { return Sizes.MEMBER_UPDATE; }
  }

  /** One item of {@code owner}'s store, written during the owner's {@code generation}. */
  record ItemUpdate(NodeId owner, long generation, String key, Item item) implements Update {
    /** Checks for nulls. */
    public ItemUpdate {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(item, "item");
    }

    @Override public NodeId subject() { return owner; }
    @Override public Object queueKey() { return new ItemKey(owner, key); }
    @Override public int estimatedBytes() {
      return Sizes.ITEM_OVERHEAD + Sizes.utf8(key) + Sizes.utf8(item.value());
    }
  }
}
