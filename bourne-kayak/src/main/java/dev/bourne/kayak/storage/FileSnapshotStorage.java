package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.core.SnapshotStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as files in one directory, {@code snapshot-<index>-<term>.snap}: a 40-byte header
 * (magic, version, index, term, length, CRC32C of the content, CRC32C of the header) and the
 * content. A new snapshot is written to a {@code .part} file, fsynced, renamed into place
 * atomically and the directory fsynced; only then are older snapshots removed. On open, leftover
 * {@code .part} files (a write or an install a crash interrupted) are deleted, and the latest
 * snapshot is verified end to end: a damaged one is a {@link StorageException} naming the file,
 * never silently skipped (the log before it is gone).
 *
 * <p>Threading: one writer at a time; {@link #latest} and {@link #read} from any thread.
 */
public final class FileSnapshotStorage implements SnapshotStorage {
  private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotStorage.class);
  private static final int MAGIC = 0x4B595350; // "KYSP"
  private static final int VERSION = 1;
  static final int HEADER_BYTES = 40;
  private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");
  private static final AtomicLong PART_IDS = new AtomicLong();

  private final Path dir;
  private volatile Meta latest;

  private FileSnapshotStorage(Path dir, Meta latest) {
    this.dir = dir;
    this.latest = latest;
  }

  /**
   * Opens (creating if needed) the snapshot directory {@code dir}.
   *
   * @throws StorageException if the latest snapshot is damaged, or on an I/O error
   */
  public static FileSnapshotStorage open(Path dir) {
    try {
      Files.createDirectories(dir);
      List<Path> snapshots = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          String name = p.getFileName().toString();
          if (name.endsWith(".part")) {
            LOG.info("{}: removing an unfinished snapshot", p);
            Files.delete(p);
          } else if (NAME.matcher(name).matches()) {
            snapshots.add(p);
          }
        }
      }
      snapshots.sort(null); // zero-padded: name order is (index, term) order
      Meta latest = null;
      if (!snapshots.isEmpty()) {
        Path newest = snapshots.get(snapshots.size() - 1);
        latest = verify(newest);
        for (Path older : snapshots.subList(0, snapshots.size() - 1)) {
          Files.delete(older); // left by a crash between making the newest durable and removing these
        }
      }
      SnapshotMarker.syncDirectory(dir);
      return new FileSnapshotStorage(dir, latest);
    } catch (IOException e) {
      throw new StorageException(dir + ": opening snapshots failed: " + e, e);
    }
  }

  private static String fileName(long index, long term) {
    return String.format("snapshot-%020d-%020d.snap", index, term);
  }

  private static Meta verify(Path file) throws IOException {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new StorageException(file + ": not a snapshot file name");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
      if (ch.size() < HEADER_BYTES) {
        throw new StorageException(file + ": snapshot file of " + ch.size() + " bytes is shorter than its header");
      }
      SegmentFile.readFully(ch, h, 0, file);
      h.flip();
      if (h.getInt(0) != MAGIC) {
        throw new StorageException(file + ": not a Kayak snapshot (bad header)");
      }
      CRC32C crc = new CRC32C();
      crc.update(h.duplicate().limit(HEADER_BYTES - 4));
      if ((int) crc.getValue() != h.getInt(HEADER_BYTES - 4)) {
        throw new StorageException(file + ": snapshot header checksum mismatch");
      }
      if (h.getInt(4) != VERSION) {
        throw new StorageException(file + ": unsupported snapshot version " + h.getInt(4));
      }
      long index = h.getLong(8);
      long term = h.getLong(16);
      long length = h.getLong(24);
      int checksum = h.getInt(32);
      if (index < 1 || term < 1 || length < 0) {
        // Found by StorageGuidedFuzzTest: checksums that match do not make the fields sane, and a
        // point no snapshot can have failed later with an unchecked exception instead of this one.
        throw new StorageException(file + ": header names the impossible snapshot " + index + "@" + term + " of "
            + length + " bytes");
      }
      if (!String.valueOf(index).equals(m.group(1).replaceFirst("^0+(?=.)", ""))
          || !String.valueOf(term).equals(m.group(2).replaceFirst("^0+(?=.)", ""))) { // no parse: a name may overflow
        throw new StorageException(file + ": header says " + index + "@" + term + ", the name does not");
      }
      if (ch.size() != HEADER_BYTES + length) {
        throw new StorageException(file + ": snapshot of " + (ch.size() - HEADER_BYTES) + " bytes, header says "
            + length);
      }
      crc.reset();
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      for (long pos = HEADER_BYTES; pos < ch.size(); ) {
        buf.clear();
        int n = ch.read(buf, pos);
        if (n < 0) {
          break;
        }
        buf.flip();
        crc.update(buf);
        pos += n;
      }
      if ((int) crc.getValue() != checksum) {
        throw new StorageException(file + ": snapshot content checksum mismatch (damaged file)");
      }
      return new Meta(index, term, length, checksum);
    }
  }

  @Override
  public Optional<Meta> latest() {
    return Optional.ofNullable(latest);
  }

  @Override
  public Writer create(long index, long term) {
    Path part = dir.resolve(fileName(index, term) + "." + PART_IDS.incrementAndGet() + ".part");
    try {
      FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return new FileWriter(part, ch, index, term);
    } catch (IOException e) {
      throw new StorageException(part + ": creating a snapshot failed: " + e, e);
    }
  }

  @Override
  public byte[] read(Meta meta, long offset, int length) {
    Path file = dir.resolve(fileName(meta.index(), meta.term()));
    if (offset < 0 || offset > meta.length() || length < 0) {
      throw new IllegalArgumentException("read of " + length + " at " + offset + " outside " + meta);
    }
    int n = (int) Math.min(length, meta.length() - offset);
    ByteBuffer buf = ByteBuffer.allocate(n);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      SegmentFile.readFully(ch, buf, HEADER_BYTES + offset, file);
    } catch (IOException e) {
      throw new StorageException(file + ": reading the snapshot failed (replaced by a newer one?): " + e, e);
    }
    return buf.array();
  }

  @Override
  public void close() {
    // nothing held open between calls
  }

  private final class FileWriter implements Writer {
    private final Path part;
    private final FileChannel ch;
    private final long index;
    private final long term;
    private final CRC32C crc = new CRC32C();
    private long written;
    private boolean done;

    FileWriter(Path part, FileChannel ch, long index, long term) {
      this.part = part;
      this.ch = ch;
      this.index = index;
      this.term = term;
    }

    @Override
    public long written() {
      return written;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      if (done) {
        throw new IllegalStateException("snapshot writer already finished");
      }
      try {
        SegmentFile.writeFully(ch, ByteBuffer.wrap(bytes, offset, length), HEADER_BYTES + written);
      } catch (IOException e) {
        abort();
        throw new StorageException(part + ": writing the snapshot failed: " + e, e);
      }
      crc.update(bytes, offset, length);
      written += length;
    }

    @Override
    public Meta commit(Integer expectedChecksum) {
      if (done) {
        throw new IllegalStateException("snapshot writer already finished");
      }
      int checksum = (int) crc.getValue();
      if (expectedChecksum != null && expectedChecksum != checksum) {
        abort();
        throw new StorageException(part + ": snapshot " + index + "@" + term + " checksum mismatch (received "
            + Integer.toHexString(checksum) + ", sender said " + Integer.toHexString(expectedChecksum) + ")");
      }
      Path target = dir.resolve(fileName(index, term));
      try {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        h.putInt(MAGIC).putInt(VERSION).putLong(index).putLong(term).putLong(written).putInt(checksum);
        CRC32C hc = new CRC32C();
        hc.update(h.array(), 0, HEADER_BYTES - 4);
        h.putInt((int) hc.getValue()).flip();
        SegmentFile.writeFully(ch, h, 0);
        ch.force(true);
        ch.close();
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SnapshotMarker.syncDirectory(dir);
      } catch (IOException e) {
        abort();
        throw new StorageException(part + ": making the snapshot durable failed: " + e, e);
      }
      done = true;
      Meta previous = latest;
      Meta meta = new Meta(index, term, written, checksum);
      if (previous == null || previous.index() < index || previous.index() == index && previous.term() <= term) {
        latest = meta;
      }
      try {
        if (previous != null && !previous.equals(latest)) {
          Files.deleteIfExists(dir.resolve(fileName(previous.index(), previous.term())));
          SnapshotMarker.syncDirectory(dir);
        }
      } catch (IOException e) {
        LOG.warn("{}: removing the previous snapshot failed (removed on the next start): {}", dir, e.toString());
      }
      return meta;
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      try {
        ch.close();
        Files.deleteIfExists(part);
      } catch (IOException e) {
        LOG.warn("{}: removing an abandoned snapshot failed (removed on the next start): {}", part, e.toString());
      }
    }

    @Override
    public void close() {
      abort();
    }
  }
}
