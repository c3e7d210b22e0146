package dev.bourne.convoy.storage;

import dev.bourne.common.id.NodeId;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.host.DurableState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * A member's durable state in one MapDB file: its id, the last incarnation it used, the highest item
 * version it wrote, and its own store. Every change is committed (and so fsynced) before it returns,
 * so a restarted member never reuses an incarnation or a version.
 *
 * <p>Thread-safe through MapDB; the host calls it from its event loop only. Made by {@link #open}.
 */
public final class MemberStorage implements DurableState {
  private final DB db;
  private final Atomic.String id;
  private final Atomic.Long incarnation;
  private final Atomic.Long lastVersion;
  private final BTreeMap<String, byte[]> items;
  private final Atomic.String keyring;

  private MemberStorage(DB db) {
    this.db = db;
    this.id = db.atomicString("id").createOrOpen();
    this.incarnation = db.atomicLong("incarnation").createOrOpen();
    this.lastVersion = db.atomicLong("lastVersion").createOrOpen();
    this.items = db.treeMap("items", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    this.keyring = db.atomicString("keyring").createOrOpen();
  }

  /**
   * Opens (or creates) the state in {@code dir}.
   *
   * @throws UncheckedIOException if the directory cannot be created or the file opened
   */
  public static MemberStorage open(Path dir) {
    try {
      Files.createDirectories(dir);
      // No closeOnJvmShutdown: MapDB's own hook would close the file under a member that an
      // application's shutdown hook is still stopping gracefully (its last writes then fail). The
      // member closes it when it stops; a JVM that exits without that is a crash, which the
      // transaction log survives.
      DB db = DBMaker.fileDB(dir.resolve("convoy.db").toFile()).transactionEnable().fileMmapEnableIfSupported()
          .make();
      return new MemberStorage(db);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open convoy state in " + dir, e);
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException("cannot open convoy state in " + dir + ": " + e, e));
    }
  }

  /** The persisted id, if any (none on first start or after an eviction). */
  @Override
  public synchronized Optional<NodeId> id() {
    String s = id.get();
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(NodeId.parse(s));
  }

  /** The last incarnation used (0 if none). */
  @Override
  public synchronized long incarnation() {
    return incarnation.get();
  }

  /** The highest own item version written (0 if none). */
  @Override
  public synchronized long lastVersion() {
    return lastVersion.get();
  }

  /** The own store as persisted. */
  @Override
  public synchronized Map<String, Item> items() {
    Map<String, Item> out = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : items.entrySet()) {
      out.put(e.getKey(), decode(e.getValue()));
    }
    return out;
  }

  /**
   * Starts a new life: records the id and the incarnation it will use. A new identity (an id other
   * than the stored one) starts with an empty store, whatever an earlier identity left behind.
   */
  @Override
  public synchronized void begin(NodeId nodeId, long inc) {
    if (!nodeId.toString().equals(id.get())) {
      items.clear();
      lastVersion.set(0);
    }
    id.set(nodeId.toString());
    incarnation.set(inc);
    db.commit();
  }

  /** Records a higher incarnation. */
  @Override
  public synchronized void saveIncarnation(long inc) {
    if (inc > incarnation.get()) {
      incarnation.set(inc);
      db.commit();
    }
  }

  /** Records one own item and the version counter. */
  @Override
  public synchronized void saveItem(String key, Item item, long last) {
    items.put(key, encode(item));
    lastVersion.set(Math.max(lastVersion.get(), last));
    db.commit();
  }

  /** The persisted gossip keyring, base64 keys, primary first; kept by {@link #wipe()}. */
  @Override
  public synchronized List<String> keyring() {
    String s = keyring.get();
    return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
  }

  /** Records the gossip keyring (base64 has no commas, so a comma separates the keys). */
  @Override
  public synchronized void saveKeyring(List<String> keys) {
    keyring.set(String.join(",", keys));
    db.commit();
  }

  /** Forgets the identity and data (after an eviction: this id must never return). */
  @Override
  public synchronized void wipe() {
    id.set("");
    incarnation.set(0);
    lastVersion.set(0);
    items.clear();
    db.commit();
  }

  @Override
  public synchronized void close() {
    if (!db.isClosed()) {
      db.close();
    }
  }

  private static byte[] encode(Item item) {
    var bytes = new java.io.ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(item.version());
      out.writeBoolean(item.deleted());
      // Plain UTF-8 with an int length: writeUTF caps at 65535 bytes of modified UTF-8, which a
      // permitted value (maxValueBytes up to 60000 UTF-8 bytes) can exceed with non-BMP characters.
      byte[] value = item.value().getBytes(StandardCharsets.UTF_8);
      out.writeInt(value.length);
      out.write(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Item decode(byte[] b) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b))) {
      long version = in.readLong();
      boolean deleted = in.readBoolean();
      int length = in.readInt();
      if (length < 0 || length > in.available()) {
        throw new IOException("value length " + length + " does not fit the record");
      }
      return new Item(new String(in.readNBytes(length), StandardCharsets.UTF_8), version, deleted);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt item record", e);
    }
  }
}
