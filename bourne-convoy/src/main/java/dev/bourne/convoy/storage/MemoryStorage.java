package dev.bourne.convoy.storage;

import dev.bourne.common.error.ClosedException;
import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.host.DurableState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A member's state kept in memory: what a member without a data directory remembers during its
 * life, and the simulator's disk. A closed instance refuses writes, as a closed file would, but keeps
 * what was written, so {@link #reopen()} can restart a member from it (crash and restart with
 * persisted state).
 *
 * <p>Not thread-safe: the host uses it from its event loop only.
 */
public final class MemoryStorage implements DurableState {
  private NodeId id;
  private long incarnation;
  private long lastVersion;
  private final TreeMap<String, Item> items;
  private boolean closed;
  private List<String> keyring = List.of();

  /** An empty state, as on first start. */
  public MemoryStorage() {
    this(null, 0, 0, new TreeMap<>());
  }

  private MemoryStorage(NodeId id, long incarnation, long lastVersion, TreeMap<String, Item> items) {
    this.id = id;
    this.incarnation = incarnation;
    this.lastVersion = lastVersion;
    this.items = items;
  }

  /** A new open instance holding what this one holds, as a restart reads its disk. */
  public MemoryStorage reopen() {
    MemoryStorage copy = new MemoryStorage(id, incarnation, lastVersion, new TreeMap<>(items));
    copy.keyring = keyring;
    return copy;
  }

  @Override
  public Optional<NodeId> id() {
    return Optional.ofNullable(id);
  }

  @Override
  public long incarnation() {
    return incarnation;
  }

  @Override
  public long lastVersion() {
    return lastVersion;
  }

  @Override
  public Map<String, Item> items() {
    return new TreeMap<>(items);
  }

  @Override
  public void begin(NodeId nodeId, long inc) {
    checkOpen();
    if (!nodeId.equals(id)) {
      items.clear();
      lastVersion = 0;
    }
    id = nodeId;
    incarnation = inc;
  }

  @Override
  public void saveIncarnation(long inc) {
    checkOpen();
    incarnation = Math.max(incarnation, inc);
  }

  @Override
  public void saveItem(String key, Item item, long last) {
    checkOpen();
    items.put(key, item);
    lastVersion = Math.max(lastVersion, last);
  }

  @Override
  public List<String> keyring() {
    return keyring;
  }

  @Override
  public void saveKeyring(List<String> keys) {
    checkOpen();
    keyring = List.copyOf(keys);
  }

  @Override
  public void wipe() {
    checkOpen();
    id = null;
    incarnation = 0;
    lastVersion = 0;
    items.clear();
  }

  @Override
  public void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("member state is closed");
    }
  }
}
