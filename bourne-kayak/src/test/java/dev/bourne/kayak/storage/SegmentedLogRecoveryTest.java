package dev.bourne.kayak.storage;

import dev.bourne.kayak.api.StorageException;
import static dev.bourne.kayak.storage.SegmentedLogTest.entries;
import static dev.bourne.kayak.storage.SegmentedLogTest.segmentFiles;
import static dev.bourne.kayak.storage.SegmentedLogTest.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up recovery: torn tails are cut, damage before the tail fails loudly. */
class SegmentedLogRecoveryTest {
  @TempDir Path dir;

  private List<Path> writeLog(int count) throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(1, count, 1));
      log.sync();
    }
    return segmentFiles(dir);
  }

  private static long lastRecordStart(Path segment) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int pos = SegmentFile.HEADER_BYTES;
    int last = pos;
    while (pos < bytes.length) {
      last = pos;
      pos += RecordFormat.FRAME + buf.getInt(pos);
    }
    return last;
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private static void flipBit(Path file, long offset, int bit) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ (1 << bit)));
      b.rewind();
      ch.write(b, offset);
    }
  }

  @Test
  void aTornLastRecordIsCutAtEveryByteOffset() throws IOException {
    List<Path> files = writeLog(20);
    assertEquals(1, files.size());
    Path segment = files.get(0);
    byte[] original = Files.readAllBytes(segment);
    long start = lastRecordStart(segment);
    for (long size = start; size < original.length; size++) {
      Files.write(segment, original);
      truncate(segment, size);
      try (SegmentedLog log = SegmentedLog.open(dir, small())) {
        assertEquals(19, log.lastIndex(), "torn at " + size);
        assertEquals(entries(1, 19, 1), log.read(1, 19, Long.MAX_VALUE));
        log.append(entries(20, 21, 2));
        log.sync();
      }
      try (SegmentedLog log = SegmentedLog.open(dir, small())) {
        assertEquals(21, log.lastIndex(), "reopened after repairing a tear at " + size);
        assertEquals(2, log.termAt(20));
      }
    }
  }

  @Test
  void everyBitFlipInTheLastRecordCutsOnlyThatRecord() throws IOException {
    Path segment = writeLog(10).get(0);
    byte[] original = Files.readAllBytes(segment);
    long start = lastRecordStart(segment);
    for (long offset = start; offset < original.length; offset++) {
      Files.write(segment, original);
      flipBit(segment, offset, (int) (offset % 8));
      try (SegmentedLog log = SegmentedLog.open(dir, small())) {
        assertEquals(9, log.lastIndex(), "bit flipped at " + offset);
      }
    }
  }

  @Test
  void zeroedTailIsCut() throws IOException {
    Path segment = writeLog(10).get(0);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(300), ch.size());
    }
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(10, log.lastIndex());
    }
  }

  @Test
  void anUnsyncedHoleBeforeValidRecordsIsCutBackToTheLastSync() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(1, 10, 1));
      log.sync();
    }
    Path segment = segmentFiles(dir).get(0);
    long synced = Files.size(segment);
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.append(entries(11, 30, 1));
      log.sync();
    }
    // A power loss: the disk kept later pages but not the one after the last sync, which reads as
    // zeros from the synced length to past the end of its sector, followed by intact records.
    long holeEnd = (synced / SegmentRecovery.SECTOR_BYTES + 1) * SegmentRecovery.SECTOR_BYTES + 40;
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate((int) (holeEnd - synced)), synced);
    }
    assertTrue(Files.size(segment) > holeEnd + 2 * RecordFormat.OVERHEAD, "valid records follow the hole");
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(10, log.lastIndex(), "cut back to the last sync");
      assertEquals(entries(1, 10, 1), log.read(1, 10, Long.MAX_VALUE));
    }
    assertEquals(synced, Files.size(segment));
  }

  @Test
  void zerosThatStopBeforeTheSectorEndAreCorruptionNotAHole() throws IOException {
    Path segment = writeLog(30).get(0);
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
    int start = SegmentFile.HEADER_BYTES;
    for (int i = 0; i < 3; i++) {
      start += RecordFormat.FRAME + bytes.getInt(start);
    }
    // The fourth record's length field zeroed: zeros, but its index and term follow at once.
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4), start);
    }
    StorageException e = assertThrows(StorageException.class, () -> SegmentedLog.open(dir, small()));
    assertTrue(e.getMessage().contains("corruption before the tail"), e.getMessage());
  }

  @Test
  void everyBitFlipBeforeTheTailFailsNamingFileAndOffset() throws IOException {
    Path segment = writeLog(10).get(0);
    byte[] original = Files.readAllBytes(segment);
    long lastStart = lastRecordStart(segment);
    for (long offset = SegmentFile.HEADER_BYTES; offset < lastStart; offset += 3) {
      Files.write(segment, original);
      flipBit(segment, offset, (int) (offset % 8));
      StorageException e = assertThrows(StorageException.class, () -> SegmentedLog.open(dir, small()),
          "bit flipped at " + offset);
      assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
      assertTrue(e.getMessage().contains("corruption before the tail"), e.getMessage());
      assertTrue(e.getMessage().matches("(?s).*at offset \\d+.*"), e.getMessage());
    }
    Files.write(segment, original);
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(10, log.lastIndex());
    }
  }

  @Test
  void damageInAnEarlierSegmentFailsEvenAtItsEnd() throws IOException {
    List<Path> files = writeLog(400);
    assertTrue(files.size() > 2);
    Path first = files.get(0);
    flipBit(first, Files.size(first) - 1, 0);
    StorageException e = assertThrows(StorageException.class, () -> SegmentedLog.open(dir, small()));
    assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not the last"), e.getMessage());
  }

  @Test
  void aMissingMiddleSegmentFails() throws IOException {
    List<Path> files = writeLog(400);
    Files.delete(files.get(1));
    StorageException e = assertThrows(StorageException.class, () -> SegmentedLog.open(dir, small()));
    assertTrue(e.getMessage().contains(files.get(2).getFileName().toString()), e.getMessage());
  }

  @Test
  void aSegmentWhoseHeaderWasNeverWrittenIsRemoved() throws IOException {
    List<Path> files = writeLog(30);
    Path extra = dir.resolve(SegmentFile.fileName(31));
    Files.write(extra, new byte[7]);
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(30, log.lastIndex());
      log.append(entries(31, 31, 1));
      log.sync();
    }
    assertEquals(files, segmentFiles(dir));
    assertTrue(Files.notExists(extra));
  }

  @Test
  void aCorruptHeaderFails() throws IOException {
    Path segment = writeLog(10).get(0);
    flipBit(segment, 2, 1);
    StorageException e = assertThrows(StorageException.class, () -> SegmentedLog.open(dir, small()));
    assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
  }

  @Test
  void leftoverCompactedSegmentsAreRemovedOnOpen() throws IOException {
    List<Path> files = writeLog(400);
    byte[] firstBytes = Files.readAllBytes(files.get(0));
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      log.compactPrefix(300, 1);
    }
    Files.write(files.get(0), firstBytes); // as if the crash came before the deletion
    try (SegmentedLog log = SegmentedLog.open(dir, small())) {
      assertEquals(300, log.snapshotIndex());
      assertEquals(entries(301, 400, 1), log.read(301, 400, Long.MAX_VALUE));
    }
    assertTrue(Files.notExists(files.get(0)));
  }
}
