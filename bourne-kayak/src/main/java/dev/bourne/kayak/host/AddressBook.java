package dev.bourne.kayak.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.kayak.core.MetaStorage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each member listens. Raft configurations hold only ids; addresses are learned from joins
 * and from the leader, which attaches its book to heartbeats, and are saved in the member's metadata
 * so that a restarted member can reach its peers before hearing from anyone.
 *
 * <p>This is the pluggable part of membership: a directory (such as Convoy's) can feed it too.
 *
 * <p>Threading: thread-safe.
 */
final class AddressBook {
  private static final Logger LOG = LoggerFactory.getLogger(AddressBook.class);
  private static final String KEY = "host.addresses";

  private final MetaStorage meta;
  private final TreeMap<NodeId, HostPort> book = new TreeMap<>();
  private long version;

  AddressBook(MetaStorage meta) {
    this.meta = meta;
    meta.get(KEY).ifPresent(this::load);
  }

  synchronized Optional<HostPort> get(NodeId id) {
    return Optional.ofNullable(book.get(id));
  }

  /** Every known address, in id order. */
  synchronized Map<NodeId, HostPort> all() {
    return new TreeMap<>(book);
  }

  /** Increases whenever the book changes. */
  synchronized long version() {
    return version;
  }

  /** Records an address; saves the book if it changed. Returns true if it changed. */
  boolean put(NodeId id, HostPort address) {
    synchronized (this) {
      if (address.equals(book.get(id))) {
        return false; // the common case: called for every inbound message
      }
    }
    return putAll(Map.of(id, address));
  }

  /** Records addresses; saves the book once if any changed. Returns true if any changed. */
  boolean putAll(Map<NodeId, HostPort> addresses) {
    byte[] encoded;
    synchronized (this) {
      boolean changed = false;
      for (var e : addresses.entrySet()) {
        if (!e.getValue().equals(book.put(e.getKey(), e.getValue()))) {
          changed = true;
        }
      }
      if (!changed) {
        return false;
      }
      version++;
      encoded = encode();
    }
    meta.put(KEY, encoded);
    return true;
  }

  /** Records addresses of ids not known yet (second-hand information never overrides first-hand). */
  boolean addUnknown(Map<NodeId, HostPort> addresses) {
    Map<NodeId, HostPort> fresh = new TreeMap<>();
    synchronized (this) {
      addresses.forEach((id, a) -> {
        if (!book.containsKey(id)) {
          fresh.put(id, a);
        }
      });
    }
    return !fresh.isEmpty() && putAll(fresh);
  }

  private byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(book.size());
      for (var e : book.entrySet()) {
        out.write(e.getKey().toBytes());
        out.writeUTF(e.getValue().toString());
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void load(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        byte[] raw = new byte[NodeId.BYTES];
        in.readFully(raw);
        NodeId id = NodeId.fromBytes(raw);
        book.put(id, HostPort.parse(in.readUTF()));
      }
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("ignoring an unreadable saved address book: {}", e.toString());
      book.clear();
    }
  }
}
