package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one segment on start-up: checks its header, verifies every record's checksum, index and
 * term, and rebuilds the in-memory index.
 *
 * <p>The rule for damage: in the last segment, an invalid record with nothing valid after it is a
 * torn or corrupt tail (a write the crash interrupted) and is cut off, with a warning. So is an
 * unsynced hole: after a power loss (not a process crash) the file system may have kept later
 * writes but not earlier ones, so the data after the last fsync reads as zeros followed by valid
 * records; the invalid record then starts a run of zeros to the end of its disk sector, and
 * everything from it on was written after the last completed sync (one fsync covers the whole
 * file), so nothing acknowledged is lost by cutting it. Any other invalid record followed by a
 * valid one, or any invalid record in an earlier segment, means data that was once durable is
 * damaged: that is a {@link StorageException} naming the file and offset, never a silent loss.
 */
final class SegmentRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentRecovery.class);

  /** The smallest unit a disk writes: an unsynced hole is zeros at least to the end of one. */
  static final int SECTOR_BYTES = 512;

  private final RecordFormat format = new RecordFormat();

  /**
   * Opens and verifies a segment.
   *
   * @param minTerm the last term of the previous segment (terms never decrease)
   * @return the segment, or null if it was the last one and its header was never fully written
   *     (the file is deleted)
   * @throws StorageException on damage that is not a torn tail, or on an I/O error
   */
  SegmentFile open(Path path, long firstIndex, boolean last, long minTerm) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long fileSize = channel.size();
      if (fileSize > SegmentedLogOptions.MAX_SEGMENT_BYTES + RecordFormat.OVERHEAD + (256L << 20)) {
        throw new StorageException(path + ": segment of " + fileSize + " bytes is larger than any segment this log writes");
      }
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileSize);
      String headerProblem = checkHeader(map, (int) fileSize, firstIndex);
      if (headerProblem != null) {
        if (last && isUnwrittenHeader(map, (int) fileSize)) {
          LOG.warn("{}: removing a segment whose header was never fully written ({} bytes)", path, fileSize);
          channel.close();
          Files.delete(path);
          return null;
        }
        throw new StorageException(path + ": " + headerProblem + " at offset 0");
      }
      SegmentFile segment = new SegmentFile(path, firstIndex, channel, SegmentFile.HEADER_BYTES);
      int pos = scan(map, (int) fileSize, segment, minTerm);
      if (pos < fileSize) {
        cutTail(map, (int) fileSize, pos, segment, last, minTerm);
      }
      return segment;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static String checkHeader(ByteBuffer map, int size, long firstIndex) {
    if (size < SegmentFile.HEADER_BYTES) {
      return "segment header truncated (" + size + " bytes)";
    }
    if (map.getInt(0) != SegmentFile.MAGIC) {
      return "not a Kayak segment (bad magic)";
    }
    if (map.getInt(4) != SegmentFile.VERSION) {
      return "unsupported segment version " + map.getInt(4);
    }
    if (map.getLong(8) != firstIndex) {
      return "header says first index " + map.getLong(8) + " but the file name says " + firstIndex;
    }
    return null;
  }

  /** A header cut short or still all zeros: the crash came while the segment was being created. */
  private static boolean isUnwrittenHeader(ByteBuffer map, int size) {
    if (size < SegmentFile.HEADER_BYTES) {
      return true;
    }
    for (int i = 0; i < size; i++) {
      if (map.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Indexes valid records from the header on; returns where the first invalid one starts. */
  private int scan(ByteBuffer map, int size, SegmentFile segment, long minTerm) {
    int pos = SegmentFile.HEADER_BYTES;
    long term = minTerm;
    while (pos < size && format.check(map, pos, size, segment.lastIndex() + 1, term) == null) {
      term = RecordFormat.termOf(map, pos);
      segment.add(pos, term);
      pos += RecordFormat.recordLength(map, pos);
    }
    segment.setSize(pos);
    return pos;
  }

  private void cutTail(ByteBuffer map, int size, int pos, SegmentFile segment, boolean last, long minTerm)
      throws IOException {
    long lastTerm = segment.count() == 0 ? minTerm : segment.termAt(segment.lastIndex());
    String problem = format.check(map, pos, size, segment.lastIndex() + 1, lastTerm);
    if (!last) {
      throw new StorageException(segment.path + ": " + problem + " at offset " + pos
          + " in a segment that is not the last one (corruption before the tail)");
    }
    int later = findValidRecordAfter(map, size, pos, segment.lastIndex() + 1, lastTerm);
    if (later >= 0) {
      if (!zerosToSectorEnd(map, pos, size)) {
        throw new StorageException(segment.path + ": " + problem + " at offset " + pos
            + ", followed by a valid record at offset " + later + " (corruption before the tail)");
      }
      LOG.warn("{}: zeros from offset {} to the end of the sector, then a valid record at offset {}: an unsynced "
          + "hole left by a power loss; cutting the {} bytes written after the last sync, after entry {}",
          segment.path, pos, later, size - pos, segment.lastIndex());
      segment.channel.truncate(pos);
      segment.channel.force(true);
      return;
    }
    LOG.warn("{}: {} at offset {}; cutting the torn tail of {} bytes after entry {}",
        segment.path, problem, pos, size - pos, segment.lastIndex());
    segment.channel.truncate(pos);
    segment.channel.force(true);
  }

  /**
   * True if every byte from {@code pos} to the end of its sector (a whole sector if {@code pos}
   * starts one) is zero: how data the disk never received reads back after a power loss.
   */
  static boolean zerosToSectorEnd(ByteBuffer map, int pos, int size) {
    int end = Math.min(size, (pos / SECTOR_BYTES + 1) * SECTOR_BYTES);
    for (int p = pos; p < end; p++) {
      if (map.get(p) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Looks for any valid record starting after {@code from}. Indexes must follow the damaged record
   * (so leftover garbage that happens to checksum is unlikely to match) and the checksum is computed
   * only for plausible candidates, which keeps this linear in practice.
   */
  private int findValidRecordAfter(ByteBuffer map, int size, int from, long damagedIndex, long minTerm) {
    long maxIndex = damagedIndex + (size - from) / RecordFormat.OVERHEAD + 1;
    for (int p = from + 1; p + RecordFormat.OVERHEAD <= size; p++) {
      int bodyLength = map.getInt(p);
      if (bodyLength < RecordFormat.FIXED_BODY || bodyLength > size - p - RecordFormat.FRAME) {
        continue;
      }
      long index = map.getLong(p + RecordFormat.FRAME);
      if (index < damagedIndex || index > maxIndex) {
        continue;
      }
      if (format.check(map, p, size, index, minTerm) == null) {
        return p;
      }
    }
    return -1;
  }
}
