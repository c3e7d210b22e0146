package dev.bourne.kayak.storage;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.core.HardState;
import dev.bourne.kayak.core.MetaStorage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * {@link MetaStorage} in a MapDB file with its write-ahead log: every save is one transaction,
 * committed (and fsynced) before the call returns.
 *
 * <p>Besides the {@link HardState} it keeps named byte values ({@link #put}, {@link #get}) for other
 * small metadata that must survive restarts, such as the member's id, the cluster configuration or
 * a snapshot descriptor; {@link #saveAll} changes several of them and the hard state atomically.
 * Names starting with {@code "kayak."} are reserved.
 *
 * <p>MapDB's transactional commit costs far more than an fsynced append, so this holds only small,
 * rarely written values, never log entries.
 *
 * <p>Threading: writers are serialised by this object's monitor; {@link #load} and {@link #get} may
 * be called from any thread.
 */
public final class MapDbMetaStorage implements MetaStorage {
  private static final String HARD_STATE = "kayak.hardState";
  private static final String RESERVED = "kayak.";

  private final Path file;
  private final DB db;
  private final HTreeMap<String, byte[]> values;
  private volatile HardState hardState;
  private volatile boolean closed;

  private MapDbMetaStorage(Path file, DB db, HTreeMap<String, byte[]> values) {
    this.file = file;
    this.db = db;
    this.values = values;
    byte[] saved = values.get(HARD_STATE);
    this.hardState = saved == null ? HardState.INITIAL : decode(saved, file);
  }

  /**
   * Opens (creating if needed) the metadata file; its parent directory is created too.
   *
   * @throws StorageException if the file cannot be opened (for example, another process holds it)
   *     or its content is not valid
   */
  public static MapDbMetaStorage open(Path file) {
    Objects.requireNonNull(file, "file");
    DB db = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      db = DBMaker.fileDB(file.toFile()).transactionEnable().fileChannelEnable().make();
      HTreeMap<String, byte[]> values =
          db.hashMap("meta", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
      return new MapDbMetaStorage(file, db, values);
    } catch (StorageException e) {
      closeQuietly(db);
      throw e;
    } catch (Exception e) {
      closeQuietly(db);
      throw new StorageException(file + ": cannot open metadata: " + e, e);
    }
  }

  private static void closeQuietly(DB db) {
    if (db != null) {
      try {
        db.close();
      } catch (RuntimeException ignored) {
        // already failing; the original error is reported
      }
    }
  }

  @Override
  public HardState load() {
    return hardState;
  }

  @Override
  public synchronized void save(HardState state) {
    Objects.requireNonNull(state, "state");
    commit(Map.of(HARD_STATE, encode(state)));
    hardState = state;
  }

  /**
   * The value stored under {@code name}, if any. The returned array is a copy.
   *
   * @throws IllegalArgumentException if the name is reserved
   */
  @Override
  public Optional<byte[]> get(String name) {
    checkName(name);
    checkOpen();
    byte[] v = values.get(name);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  /**
   * Stores {@code value} under {@code name} durably before returning.
   *
   * @throws IllegalArgumentException if the name is reserved
   * @throws StorageException if it could not be made durable
   */
  @Override
  public void put(String name, byte[] value) {
    checkName(name);
    Objects.requireNonNull(value, "value");
    saveAll(null, Map.of(name, value));
  }

  /**
   * Stores the hard state (unless null) and every given value in one durable transaction: after a
   * crash either all of them are saved or none.
   *
   * @throws IllegalArgumentException if a name is reserved
   * @throws StorageException if it could not be made durable
   */
  public synchronized void saveAll(HardState state, Map<String, byte[]> named) {
    Map<String, byte[]> all = new TreeMap<>();
    named.forEach((k, v) -> {
      checkName(k);
      all.put(k, Objects.requireNonNull(v, "value of " + k).clone());
    });
    if (state != null) {
      all.put(HARD_STATE, encode(state));
    }
    commit(all);
    if (state != null) {
      hardState = state;
    }
  }

  private void commit(Map<String, byte[]> changes) {
    checkOpen();
    try {
      values.putAll(changes);
      db.commit();
    } catch (RuntimeException e) {
      try {
        db.rollback();
      } catch (RuntimeException ignored) {
        // the commit error is what the caller needs
      }
      throw new StorageException(file + ": metadata commit failed: " + e, e);
    }
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.startsWith(RESERVED)) {
      throw new IllegalArgumentException("metadata name '" + name + "' is empty or reserved (prefix " + RESERVED + ")");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException(file + ": metadata storage is closed");
    }
  }

  static byte[] encode(HardState state) {
    ByteBuffer buf = ByteBuffer.allocate(1 + 8 + 8 + 1 + NodeId.BYTES);
    buf.put((byte) 1).putLong(state.term()).putLong(state.commitIndex());
    if (state.votedFor().isPresent()) {
      state.votedFor().get().writeTo(buf.put((byte) 1));
    } else {
      buf.put((byte) 0);
    }
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }

  static HardState decode(byte[] bytes, Path file) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      if (buf.get() != 1) {
        throw new StorageException(file + ": unknown hard state version " + bytes[0]);
      }
      long term = buf.getLong();
      long commitIndex = buf.getLong();
      Optional<NodeId> vote = buf.get() == 1
          ? Optional.of(NodeId.readFrom(buf))
          : Optional.empty();
      if (buf.hasRemaining()) {
        throw new StorageException(file + ": hard state has " + buf.remaining() + " trailing bytes");
      }
      return new HardState(term, vote, commitIndex);
    } catch (RuntimeException e) {
      if (e instanceof StorageException se) {
        throw se;
      }
      throw new StorageException(file + ": hard state is corrupt: " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    db.close();
  }
}
