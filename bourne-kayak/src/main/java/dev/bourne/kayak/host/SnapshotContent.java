package dev.bourne.kayak.host;

import dev.bourne.common.id.NodeId;
import dev.bourne.kayak.api.Snapshot;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.core.Membership;
import dev.bourne.kayak.core.MembershipCodec;
import dev.bourne.kayak.core.SnapshotStorage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * What a snapshot holds, in order: a magic number and version, the configuration at its index,
 * the append ids of the entries it covers (so that retries stay exactly once across compaction),
 * then the application's events, each length-prefixed, and an end mark. Storage adds the header
 * and checksum around it.
 */
final class SnapshotContent {
  private static final int MAGIC = 0x4B595343; // "KYSC"
  private static final int VERSION = 1;
  private static final int READ_CHUNK = 1 << 20;
  /** The header is small (a configuration and append ids): read it in a small first chunk. */
  private static final int HEADER_CHUNK = 64 << 10;

  private SnapshotContent() {}

  /** The configuration and append ids at the start of a snapshot. */
  record Header(Membership membership, byte[] appendIds) {}

  /**
   * Writes a snapshot's content to {@code w} (not committed).
   *
   * @throws StorageException on an I/O error
   */
  static void write(SnapshotStorage.Writer w, Membership membership, byte[] appendIds, Iterable<byte[]> events) {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new OutputStream() {
      @Override
      public void write(int b) {
        w.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        w.write(b, off, len);
      }
    }, 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      byte[] config = MembershipCodec.encode(membership);
      out.writeInt(config.length);
      out.write(config);
      out.writeInt(appendIds.length);
      out.write(appendIds);
      for (byte[] e : events) {
        out.writeInt(e.length);
        out.write(e);
      }
      out.writeInt(-1);
    } catch (IOException e) {
      throw new StorageException("writing a snapshot failed: " + e, e);
    }
  }

  /** Reads the content of snapshot {@code meta} from its start. */
  static DataInputStream open(SnapshotStorage storage, SnapshotStorage.Meta meta) {
    return open(storage, meta, READ_CHUNK);
  }

  private static DataInputStream open(SnapshotStorage storage, SnapshotStorage.Meta meta, int chunk) {
    InputStream chunks = new InputStream() {
      private long offset;
      private byte[] buf = new byte[0];
      private int pos;

      private boolean fill() {
        if (pos < buf.length) {
          return true;
        }
        if (offset >= meta.length()) {
          return false;
        }
        buf = storage.read(meta, offset, chunk);
        offset += buf.length;
        pos = 0;
        return buf.length > 0;
      }

      @Override
      public int read() {
        return fill() ? buf[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, buf.length - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
      }
    };
    return new DataInputStream(new BufferedInputStream(chunks, Math.min(chunk, 1 << 16)));
  }

  /**
   * Reads the header at the start of {@code in}.
   *
   * @throws StorageException if it is not a snapshot of this format
   */
  static Header readHeader(DataInputStream in, SnapshotStorage.Meta meta) {
    try {
      if (in.readInt() != MAGIC) {
        throw new StorageException("snapshot " + meta.index() + "@" + meta.term() + " is not Kayak snapshot content");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new StorageException("snapshot " + meta.index() + " has unsupported content version " + version);
      }
      byte[] config = new byte[checkedLength(in.readInt(), meta)];
      in.readFully(config);
      byte[] ids = new byte[checkedLength(in.readInt(), meta)];
      in.readFully(ids);
      return new Header(MembershipCodec.decode(config), ids);
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("snapshot " + meta.index() + "@" + meta.term() + " is malformed: " + e, e);
    }
  }

  private static int checkedLength(int n, SnapshotStorage.Meta meta) throws IOException {
    if (n < 0 || n > meta.length()) {
      throw new IOException("invalid length " + n);
    }
    return n;
  }

  /** The header of snapshot {@code meta}. */
  static Header header(SnapshotStorage storage, SnapshotStorage.Meta meta) {
    try (DataInputStream in = open(storage, meta, HEADER_CHUNK)) {
      return readHeader(in, meta);
    } catch (IOException e) {
      throw new StorageException("reading snapshot " + meta.index() + " failed: " + e, e);
    }
  }

  /** The public view of snapshot {@code meta}. */
  static Snapshot view(SnapshotStorage storage, SnapshotStorage.Meta meta) {
    Header h = header(storage, meta);
    List<NodeId> voters = List.copyOf(h.membership().voters());
    List<NodeId> learners = List.copyOf(h.membership().learners());
    return new Snapshot() {
      @Override
      public long index() {
        return meta.index();
      }

      @Override
      public long term() {
        return meta.term();
      }

      @Override
      public List<NodeId> voters() {
        return voters;
      }

      @Override
      public List<NodeId> learners() {
        return learners;
      }

      @Override
      public long bytes() {
        return meta.length();
      }

      @Override
      public Stream<byte[]> events() {
        DataInputStream in = open(storage, meta);
        readHeader(in, meta);
        Iterator<byte[]> it = new Iterator<>() {
          private byte[] next = advance();

          private byte[] advance() {
            try {
              int n = in.readInt();
              if (n < 0) {
                return null;
              }
              byte[] e = new byte[checkedLength(n, meta)];
              in.readFully(e);
              return e;
            } catch (EOFException e) {
              throw new StorageException("snapshot " + meta.index() + " ends before its end mark", e);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }

          @Override
          public boolean hasNext() {
            return next != null;
          }

          @Override
          public byte[] next() {
            if (next == null) {
              throw new NoSuchElementException();
            }
            byte[] out = next;
            next = advance();
            return out;
          }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false)
            .onClose(() -> {
              try {
                in.close();
              } catch (IOException ignored) {
                // in memory or a read-only channel per chunk: nothing to release
              }
            });
      }

      @Override
      public String toString() {
        return "Snapshot[" + meta.index() + "@" + meta.term() + ", " + meta.length() + " B]";
      }
    };
  }
}
