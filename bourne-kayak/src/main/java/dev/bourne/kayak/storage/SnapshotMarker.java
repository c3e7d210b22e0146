package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The durable record of a log's compaction point {@code (snapshotIndex, snapshotTerm)}: a tiny
 * checksummed file replaced atomically (write a temporary file, fsync it, rename it over, fsync the
 * directory), so a crash leaves either the old point or the new one.
 */
final class SnapshotMarker {
  static final String FILE = "snapshot.point";
  private static final String TEMP = FILE + ".tmp";
  private static final int MAGIC = 0x4B59534E; // "KYSN"
  private static final int BYTES = 4 + 8 + 8 + 4;

  /** A compaction point. */
  record Point(long index, long term) {
    static final Point NONE = new Point(0, 0);
  }

  private SnapshotMarker() {}

  /** The saved point, or {@link Point#NONE} if none was saved; removes a leftover temporary file. */
  static Point load(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(TEMP));
    Path path = dir.resolve(FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Point.NONE;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (bytes.length != BYTES || buf.getInt(0) != MAGIC || buf.getInt(20) != checksum(bytes)) {
      throw new StorageException(path + ": snapshot point file is corrupt (" + bytes.length + " bytes)");
    }
    long index = buf.getLong(4);
    long term = buf.getLong(12);
    if (index < 0 || term < 0 || (index == 0) != (term == 0)) { // terms start at 1: only NONE has a zero
      throw new StorageException(path + ": snapshot point file names the impossible point " + index + "@" + term);
    }
    return new Point(index, term);
  }

  /** Saves the point durably before returning. */
  static void save(Path dir, Point point) throws IOException {
    byte[] bytes = new byte[BYTES];
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    buf.putInt(MAGIC).putLong(point.index()).putLong(point.term());
    buf.putInt(checksum(bytes));
    Path temp = dir.resolve(TEMP);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      SegmentFile.writeFully(channel, ByteBuffer.wrap(bytes), 0);
      channel.force(true);
    }
    Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  private static int checksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, BYTES - 4);
    return (int) crc.getValue();
  }

  /** Makes file creations, renames and deletions in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
