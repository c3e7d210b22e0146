package dev.bourne.convoy.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a member keeps across restarts, as its host needs it: its id, the last incarnation it used,
 * the highest item version it wrote, and its own store. The host owns this port; MapDB's {@code
 * MemberStorage} implements it in production, {@code MemoryStorage} without a data directory and in
 * the simulator.
 *
 * <p>Every write is durable when it returns: the host sends nothing that depends on it before, so a
 * restarted member never reuses an incarnation or a version. A write that fails throws (a {@link
 * RuntimeException} or an {@link Error}); the host then stops as a crash would. The host calls it
 * from its event loop only; implementations need not be thread-safe beyond that.
 */
public interface DurableState extends AutoCloseable {
  /** The persisted id, if any (none on first start or after an eviction). */
  Optional<NodeId> id();

  /** The last incarnation used (0 if none). */
  long incarnation();

  /** The highest own item version written (0 if none). */
  long lastVersion();

  /** The own store as persisted, by key. */
  Map<String, Item> items();

  /**
   * Starts a new life: records the id and the incarnation it will use. A new identity (an id other
   * than the stored one) starts with an empty store, whatever an earlier identity left behind.
   */
  void begin(NodeId id, long incarnation);

  /** Records a higher incarnation (a lower one changes nothing). */
  void saveIncarnation(long incarnation);

  /** Records one own item and the version counter. */
  void saveItem(String key, Item item, long lastVersion);

  /**
   * The persisted gossip keyring as base64 keys, primary first; empty if none was ever saved. It is
   * the group's, not the identity's: {@link #wipe()} keeps it.
   */
  List<String> keyring();

  /** Records the gossip keyring, base64 keys, primary first (an empty list forgets it). */
  void saveKeyring(List<String> keys);

  /** Forgets the identity and data (after an eviction: this id must never return). */
  void wipe();

  /** Releases the state; later writes fail. Idempotent. */
  @Override
  void close();
}
